#include <CLI/CLI.hpp>
#include <memory>
#include <vector>

#include "rtcrypto/app/commands.hpp"
#include "rtcrypto/app/run_command.hpp"
#include "rtcrypto/app/run_flags.hpp"
#include "rtcrypto/core/log.hpp"

namespace rtcrypto::app {

void add_run_command(CLI::App& app) {
  auto* cmd =
      app.add_subcommand("run", "Run the daemon: source -> book -> windows -> signal -> orders");
  auto flags = std::make_shared<RunFlags>(*cmd);
  auto kafka_props = std::make_shared<std::vector<std::string>>();
  auto& f = *flags;
  using R = RunConfig;
  f.add_config();
  f.option("--mode", &R::mode, "paper (default) | sandbox | live");
  f.flag("--confirm-live", &R::confirm_live, "required for --mode live");
  f.add_symbols("--symbols");
  f.option("--source", &R::source, "gemini | replay:FILE | kafka | bars:FILE");
  f.option("--feed", &R::feed, "websocket protocol: ws | v2 | v1");
  f.option("--signal", &R::signal, "forecast:TABLE.csv | lstm:MODEL");
  f.option("--window", &R::window_seconds, "window length in seconds (60)");
  f.option("--store", &R::store, "SQLite store file ('' = none)");
  f.option("--out-jsonl", &R::out_jsonl, "write every record as a JSON line");
  f.option("--run-id", &R::run_id, "run id stamped on every document");
  f.option("--http", &R::http, "127.0.0.1:PORT for /metrics, /healthz, dashboard");
  f.option("--es", &R::es, "Elasticsearch URL");
  f.option("--kafka", &R::kafka, "Kafka brokers host:port,...");
  cmd->add_option("--kafka-prop", *kafka_props, "librdkafka property key=value (repeatable)");
  f.option("--kafka-group", &R::kafka_group, "consumer group for --source kafka (rtcrypto)");
  f.option("--kafka-topic-feed", &R::kafka_topic_feed, "level-change topic (gemini-feed)");
  f.option("--kafka-topic-liquidity", &R::kafka_topic_liquidity, "window topic (liquidity)");
  f.option("--kafka-topic-trades", &R::kafka_topic_trades, "decision/order/score topic (trades)");
  f.option("--kafka-overflow", &R::kafka_overflow,
           "full local queue: spill (default) | drop_oldest");
  f.option("--kafka-spill", &R::kafka_spill, "spill file (default <store>.kafka-spill)");
  f.option("--kafka-flush-timeout", &R::kafka_flush_seconds,
           "seconds to wait for delivery at exit (10)");
  f.flag("--kafka-until-eof", &R::kafka_until_eof, "--source kafka: stop at the end of the topic");
  f.option("--ws-url", &R::ws_url, "override the websocket URL");
  f.option("--rest-url", &R::rest_url, "override the REST URL");
  f.option("--ca-file", &R::ca_file, "extra trusted CA (PEM)");
  f.option("--credentials", &R::credentials, "0600 JSON file with key and secret");
  f.option("--duration", &R::duration_seconds, "stop after this many seconds");
  f.flag("--no-trading", &R::no_trading, "ingest only, no decisions");
  f.flag("--realtime", &R::realtime, "replay at the recorded pace");
  f.add_log_level();
  f.add_trading();
  f.add_offline();

  cmd->callback([flags, kafka_props] {
    RunConfig cfg = flags->load();
    for (const auto& kv : *kafka_props) {
      auto eq = kv.find('=');
      if (eq == std::string::npos || eq == 0)
        throw UsageError("--kafka-prop: expected key=value, got '" + kv + "'");
      cfg.kafka_props[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    validate(cfg);
    if (cfg.run_id.empty()) cfg.run_id = default_run_id();
    run_daemon(cfg);
  });
}

}  // namespace rtcrypto::app
