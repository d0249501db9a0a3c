#include <CLI/CLI.hpp>
#include <functional>
#include <vector>

#include "rtcrypto/app/commands.hpp"
#include "rtcrypto/app/run_command.hpp"
#include "rtcrypto/core/log.hpp"

namespace rtcrypto::app {
namespace {

// Each flag writes into `flags`; after parsing, only the flags actually given are copied over
// the config file's values, so that flags win and the file fills in the rest.
struct FlagBinding {
  CLI::Option* option;
  std::function<void(RunConfig& dst, const RunConfig& src)> copy;
};

template <class T>
void bind_option(CLI::App& cmd, std::vector<FlagBinding>& out, RunConfig& flags,
                 const std::string& name, T RunConfig::*member, const std::string& help) {
  CLI::Option* o = cmd.add_option(name, flags.*member, help);
  out.push_back({o, [member](RunConfig& d, const RunConfig& s) { d.*member = s.*member; }});
}

template <class S, class T>
void bind_nested(CLI::App& cmd, std::vector<FlagBinding>& out, RunConfig& flags,
                 const std::string& name, S RunConfig::*outer, T S::*member,
                 const std::string& help) {
  CLI::Option* o = cmd.add_option(name, (flags.*outer).*member, help);
  out.push_back({o, [outer, member](RunConfig& d, const RunConfig& s) {
                   (d.*outer).*member = (s.*outer).*member;
                 }});
}

void bind_flag(CLI::App& cmd, std::vector<FlagBinding>& out, RunConfig& flags,
               const std::string& name, bool RunConfig::*member, const std::string& help) {
  CLI::Option* o = cmd.add_flag(name, flags.*member, help);
  out.push_back({o, [member](RunConfig& d, const RunConfig& s) { d.*member = s.*member; }});
}

}  // namespace

void add_run_command(CLI::App& app) {
  auto* cmd =
      app.add_subcommand("run", "Run the daemon: source -> book -> windows -> signal -> orders");
  auto flags = std::make_shared<RunConfig>();
  auto bindings = std::make_shared<std::vector<FlagBinding>>();
  auto config_path = std::make_shared<std::string>();
  auto kafka_props = std::make_shared<std::vector<std::string>>();
  auto& b = *bindings;
  auto& f = *flags;
  cmd->add_option("--config", *config_path, "JSON config file (config/rtcrypto.example.json)");
  bind_option(*cmd, b, f, "--mode", &RunConfig::mode, "paper (default) | sandbox | live");
  bind_flag(*cmd, b, f, "--confirm-live", &RunConfig::confirm_live, "required for --mode live");
  cmd->add_option("--symbols", f.symbols, "comma-separated symbols (BTCUSD,ETHUSD)")
      ->delimiter(',');
  b.push_back({cmd->get_option("--symbols"),
               [](RunConfig& d, const RunConfig& s) { d.symbols = s.symbols; }});
  bind_option(*cmd, b, f, "--source", &RunConfig::source, "gemini | replay:FILE | kafka");
  bind_option(*cmd, b, f, "--feed", &RunConfig::feed, "websocket protocol: ws | v2 | v1");
  bind_option(*cmd, b, f, "--signal", &RunConfig::signal, "forecast:TABLE.csv | lstm:MODEL");
  bind_option(*cmd, b, f, "--window", &RunConfig::window_seconds, "window length in seconds (60)");
  bind_option(*cmd, b, f, "--store", &RunConfig::store, "SQLite store file ('' = none)");
  bind_option(*cmd, b, f, "--out-jsonl", &RunConfig::out_jsonl,
              "write every record as a JSON line");
  bind_option(*cmd, b, f, "--run-id", &RunConfig::run_id, "run id stamped on every document");
  bind_option(*cmd, b, f, "--http", &RunConfig::http,
              "127.0.0.1:PORT for /metrics, /healthz, dashboard");
  bind_option(*cmd, b, f, "--es", &RunConfig::es, "Elasticsearch URL");
  bind_option(*cmd, b, f, "--kafka", &RunConfig::kafka, "Kafka brokers host:port,...");
  cmd->add_option("--kafka-prop", *kafka_props, "librdkafka property key=value (repeatable)");
  bind_option(*cmd, b, f, "--kafka-group", &RunConfig::kafka_group,
              "consumer group for --source kafka (rtcrypto)");
  bind_option(*cmd, b, f, "--kafka-topic-feed", &RunConfig::kafka_topic_feed,
              "level-change topic (gemini-feed)");
  bind_option(*cmd, b, f, "--kafka-topic-liquidity", &RunConfig::kafka_topic_liquidity,
              "window topic (liquidity)");
  bind_option(*cmd, b, f, "--kafka-topic-trades", &RunConfig::kafka_topic_trades,
              "decision/order/score topic (trades)");
  bind_option(*cmd, b, f, "--kafka-overflow", &RunConfig::kafka_overflow,
              "full local queue: spill (default) | drop_oldest");
  bind_option(*cmd, b, f, "--kafka-spill", &RunConfig::kafka_spill,
              "spill file (default <store>.kafka-spill)");
  bind_option(*cmd, b, f, "--kafka-flush-timeout", &RunConfig::kafka_flush_seconds,
              "seconds to wait for delivery at exit (10)");
  bind_flag(*cmd, b, f, "--kafka-until-eof", &RunConfig::kafka_until_eof,
            "--source kafka: stop at the end of the topic");
  bind_option(*cmd, b, f, "--ws-url", &RunConfig::ws_url, "override the websocket URL");
  bind_option(*cmd, b, f, "--rest-url", &RunConfig::rest_url, "override the REST URL");
  bind_option(*cmd, b, f, "--ca-file", &RunConfig::ca_file, "extra trusted CA (PEM)");
  bind_option(*cmd, b, f, "--credentials", &RunConfig::credentials,
              "0600 JSON file with key and secret");
  bind_option(*cmd, b, f, "--duration", &RunConfig::duration_seconds,
              "stop after this many seconds");
  bind_flag(*cmd, b, f, "--no-trading", &RunConfig::no_trading, "ingest only, no decisions");
  bind_flag(*cmd, b, f, "--realtime", &RunConfig::realtime, "replay at the recorded pace");
  bind_option(*cmd, b, f, "--log-level", &RunConfig::log_level, "debug | info | warn | error");
  bind_nested(*cmd, b, f, "--band-low", &RunConfig::strategy, &StrategySettings::band_low,
              "ratio band low (0.1)");
  bind_nested(*cmd, b, f, "--band-high", &RunConfig::strategy, &StrategySettings::band_high,
              "ratio band high (2)");
  bind_nested(*cmd, b, f, "--trade-pct", &RunConfig::strategy, &StrategySettings::trade_pct,
              "share of quote per buy (0.9)");
  bind_nested(*cmd, b, f, "--slippage-bps", &RunConfig::strategy, &StrategySettings::slippage_bps,
              "IOC slippage cap");
  bind_nested(*cmd, b, f, "--ratio", &RunConfig::strategy, &StrategySettings::ratio,
              "ask_over_bid | bid_over_ask");
  bind_nested(*cmd, b, f, "--paper-balances", &RunConfig::paper, &PaperSettings::balances,
              "USD=100000,BTC=0");
  bind_nested(*cmd, b, f, "--taker-fee-bps", &RunConfig::paper, &PaperSettings::taker_fee_bps,
              "paper taker fee (40)");
  bind_nested(*cmd, b, f, "--maker-fee-bps", &RunConfig::paper, &PaperSettings::maker_fee_bps,
              "paper maker fee (20)");
  bind_nested(*cmd, b, f, "--max-order-notional", &RunConfig::risk,
              &RiskSettings::max_order_notional, "risk limit");
  bind_nested(*cmd, b, f, "--max-position", &RunConfig::risk, &RiskSettings::max_position,
              "risk limit (base units)");
  bind_nested(*cmd, b, f, "--max-orders-per-minute", &RunConfig::risk,
              &RiskSettings::max_orders_per_minute, "risk limit");
  bind_nested(*cmd, b, f, "--daily-loss-limit", &RunConfig::risk, &RiskSettings::daily_loss_limit,
              "kill switch");
  bind_nested(*cmd, b, f, "--max-drawdown-pct", &RunConfig::risk, &RiskSettings::max_drawdown_pct,
              "kill switch");
  bind_nested(*cmd, b, f, "--max-book-age-ms", &RunConfig::risk, &RiskSettings::max_book_age_ms,
              "stale-book guard");

  cmd->callback([flags, bindings, config_path, kafka_props] {
    RunConfig cfg;
    if (!config_path->empty()) load_config_file(cfg, *config_path);
    for (const auto& fb : *bindings)
      if (fb.option->count() > 0) fb.copy(cfg, *flags);
    for (const auto& kv : *kafka_props) {
      auto eq = kv.find('=');
      if (eq == std::string::npos || eq == 0)
        throw UsageError("--kafka-prop: expected key=value, got '" + kv + "'");
      cfg.kafka_props[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    log::Level lvl;
    if (!log::parse_level(cfg.log_level, lvl))
      throw UsageError("config key 'log_level': must be debug, info, warn or error");
    log::set_level(lvl);
    validate(cfg);
    if (cfg.run_id.empty()) cfg.run_id = default_run_id();
    run_daemon(cfg);
  });
}

}  // namespace rtcrypto::app
