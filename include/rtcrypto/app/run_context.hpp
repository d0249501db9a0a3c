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
  RunSummary summary;                      // sources add their feed counts
  TimeNs started_wall = 0;

  // What sources feed: the Kafka tap in front of the engine, else the engine itself.
  MarketEventSink& sink() {
    return market_sink ? *market_sink : static_cast<MarketEventSink&>(*engine);
  }
  Exchange* exchange() const { return paper ? static_cast<Exchange*>(paper.get()) : remote.get(); }
  // After every frame: drop crossed books, let resting paper orders fill.
  void end_of_frame(TimeNs ts);
  // True once SIGINT/SIGTERM arrived or --duration has passed.
  bool should_stop() const;
};

// Set by the signal handlers installed by run_daemon.
extern std::atomic<bool> g_stop_requested;

// Sources. Each returns when its input ends or should_stop() is true.
void run_replay_source(RunContext& ctx, const std::string& path);
void run_kafka_source(RunContext& ctx);  // --source kafka: the gemini-feed topic
// --source gemini: the websocket feed on the Asio loop until --duration or SIGINT/SIGTERM;
// then stops trading and cancels this session's resting orders (remote_exchange.cpp).
void run_live_source(RunContext& ctx);
// Called once a second by run_live_source (the demo's status line); empty = nothing.
extern std::function<void(const RunContext&)> g_live_status_hook;

// Sandbox / live: credentials, endpoints, the REST client and a reconciled GeminiExchange in
// ctx.remote (rules, fees, balances, open orders loaded before the first order).
void setup_remote_exchange(RunContext& ctx);
// Stops trading on the exchange: cancels this session's resting orders (bounded wait).
void shutdown_remote_exchange(RunContext& ctx);

}  // namespace rtcrypto::app
