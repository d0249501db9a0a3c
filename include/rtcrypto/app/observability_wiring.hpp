#pragma once
// `rtcrypto run --es URL --http HOST:PORT`: Elasticsearch, the live dashboard, Prometheus
// metrics, /healthz and systemd notifications.
//
// One RecordSink (the ObservabilityHub) joins RunContext::extra_sinks: it owns the
// Elasticsearch sink and the dashboard, forwards every record to both, and updates the
// run's metrics from the engine's stats at window records and at most once a second
// otherwise, so the per-change hot path is untouched.
#include <cstdint>
#include <functional>
#include <string>

#include "rtcrypto/core/record.hpp"

namespace rtcrypto::app {

struct RunContext;
class ObservabilityHub;

// Builds the hub from ctx.cfg (--es, --http) and adds it to ctx.extra_sinks; registers the
// run's metrics; starts the dashboard; tells systemd READY=1. Call after the engine exists,
// before the engine's sinks are registered. Throws UsageError for a bad --http/--es value
// or a port already taken.
void setup_observability(RunContext& ctx);
// At shutdown, after the sinks were flushed: the last metrics update from the engine and
// the source's summary, STOPPING=1, the Elasticsearch tally in the log, dashboard stopped.
void finish_observability(RunContext& ctx);

// "127.0.0.1:8080", ":8080" or "8080" -> bind address and port; false when malformed.
bool parse_http_address(const std::string& text, std::string& bind, std::uint16_t& port);

// For tests: called by finish_observability with the dashboard's port while it still
// serves (after the last metrics update), so /metrics and /healthz can be read.
void set_observability_finish_hook(std::function<void(std::uint16_t port)> hook);

}  // namespace rtcrypto::app
