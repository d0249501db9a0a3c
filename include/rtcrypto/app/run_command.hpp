#pragma once
// `rtcrypto run`: wires a source (replay, websocket, Kafka) into the engine with the
// signal, the exchange (paper, sandbox, live) and the sinks, and prints a summary.
#include <cstdint>
#include <string>

#include "rtcrypto/app/run_config.hpp"

namespace rtcrypto::app {

struct RunSummary {
  std::uint64_t frames = 0, changes = 0, trades = 0, parse_errors = 0, skipped_lines = 0, gaps = 0;
  std::uint64_t windows = 0, decisions = 0, orders = 0, orders_rejected = 0, fills = 0;
  std::uint64_t rejected_by_risk = 0, documents = 0;
  std::string fees = "0", pnl = "0";
};

// Runs with a validated config; throws UsageError / RuntimeFailure. Prints the summary on
// stdout at the end (and returns it for tests).
RunSummary run_daemon(const RunConfig& cfg);

// A default run id from the wall clock ("run-20261121T021500Z").
std::string default_run_id();

}  // namespace rtcrypto::app
