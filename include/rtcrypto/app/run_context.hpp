#pragma once
// What `rtcrypto run` has built before a source starts feeding it: the engine with its
// signal, exchange and sinks. Each source (replay, websocket, Kafka) lives in its own
// src/app/source_<name>.cpp and drives the engine through this context.
#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "rtcrypto/app/kafka_wiring.hpp"
#include "rtcrypto/app/run_command.hpp"
#include "rtcrypto/app/run_config.hpp"
#include "rtcrypto/app/time_gate.hpp"
#include "rtcrypto/engine/engine.hpp"
#include "rtcrypto/paper/paper_exchange.hpp"
#include "rtcrypto/signal/signal_source.hpp"
#include "rtcrypto/store/jsonl_writer.hpp"
#include "rtcrypto/store/sqlite_store.hpp"

namespace rtcrypto::app {

struct LiveLoop;  // src/app/live_loop.hpp: the Asio loop of live sources and remote trading

struct RunContext {
  RunConfig cfg;
  std::unique_ptr<SignalSource> signal;
  std::unique_ptr<SqliteStore> store;
  std::unique_ptr<JsonlWriter> jsonl;
  std::vector<std::unique_ptr<RecordSink>> extra_sinks;  // Kafka, Elasticsearch, dashboard
  std::unique_ptr<PaperExchange> paper;                  // paper mode
  std::shared_ptr<LiveLoop> loop;                        // outlives `remote` (declared first)
  std::unique_ptr<Exchange> remote;                      // sandbox / live
  std::unique_ptr<Engine> engine;
  std::unique_ptr<KafkaWiring> kafka;      // with --kafka (kafka_wiring.hpp)
  MarketEventSink* market_sink = nullptr;  // a tap in front of the engine, if any
  std::unique_ptr<TimeGate> gate;          // --from/--to of replay and bars sources
  RunSummary summary;                      // sources add their feed counts
  TimeNs started_wall = 0;
  // Offline sources call this every few thousand frames or bars with what they have done
  // and their total (0 when unknown); the backtest prints progress from it.
  std::function<void(std::uint64_t done, std::uint64_t total)> progress;

  // What sources feed: the Kafka tap in front of the engine, else the engine itself.
  MarketEventSink& sink() {
    return market_sink ? *market_sink : static_cast<MarketEventSink&>(*engine);
  }
  Exchange* exchange() const { return paper ? static_cast<Exchange*>(paper.get()) : remote.get(); }
  // After every frame: drop crossed books, let resting paper orders fill.
  void end_of_frame(TimeNs ts);
  // True once SIGINT/SIGTERM arrived, --duration has passed or the input passed --to.
  bool should_stop() const;
};

// Set by the signal handlers installed by run_daemon.
extern std::atomic<bool> g_stop_requested;

// True for the offline sources (replay:FILE, bars:FILE): fresh account, event time only.
bool is_replay(const RunConfig& cfg);

// What run_daemon does, in three steps, for commands that drive the core themselves
// (backtest): open_run builds the context (signal, store and sinks, exchange, engine,
// restored state, the --from/--to gate) and installs the SIGINT/SIGTERM handlers;
// run_source feeds it from cfg.source; close_run flushes the last windows, saves state,
// finishes the sinks, fills ctx.summary and restores the default signal handlers.
std::unique_ptr<RunContext> open_run(const RunConfig& cfg);
void run_source(RunContext& ctx);
RunSummary close_run(RunContext& ctx);
// The `rtcrypto run` summary on stdout.
void print_run_summary(const RunContext& ctx);

// Sources. Each returns when its input ends or should_stop() is true.
void run_replay_source(RunContext& ctx, const std::string& path);
// bars:FILE: each minute bar as market events (bar_events.hpp), one symbol.
void run_bars_source(RunContext& ctx, const std::string& path);
void run_kafka_source(RunContext& ctx);  // --source kafka: the gemini-feed topic
// --source gemini: the websocket feed on the Asio loop until --duration or SIGINT/SIGTERM;
// then stops trading and cancels this session's resting orders (remote_exchange.cpp).
void run_live_source(RunContext& ctx);
// Called once a second by run_live_source (the demo's status line); empty = nothing.
extern std::function<void(const RunContext&)> g_live_status_hook;

// Sandbox / live: credentials, endpoints, the REST client and a reconciled GeminiExchange in
// ctx.remote (rules, fees, balances, open orders loaded before the first order).
void setup_remote_exchange(RunContext& ctx);
// Then, once the engine and its restored state exist: the order journal (write-ahead of
// every intent), lookups of orders in flight at the last stop, positions set from the
// exchange's balances, one `reconcile` document - before the first order
// (restart_reconcile.cpp has the policy).
void reconcile_restart(RunContext& ctx);
// Stops trading on the exchange: cancels this session's resting orders (bounded wait).
void shutdown_remote_exchange(RunContext& ctx);

}  // namespace rtcrypto::app
