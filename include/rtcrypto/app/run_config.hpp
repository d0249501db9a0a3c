#pragma once
// Everything `rtcrypto run` can be told, with its defaults. A JSON config file sets any of
// these keys (nested objects for strategy/risk/paper/kafka/es); flags override the file.
// config/rtcrypto.example.json documents every key.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "nlohmann/json_fwd.hpp"
#include "rtcrypto/core/time.hpp"

namespace rtcrypto::app {

struct StrategySettings {
  double band_low = 0.1;  // liquidity ratio must lie strictly inside (band_low, band_high)
  double band_high = 2.0;
  double trade_pct = 0.9;              // share of available quote currency spent on a buy
  double slippage_bps = 0;             // how far past the touch an IOC limit may reach
  std::string ratio = "ask_over_bid";  // or "bid_over_ask"
};

struct RiskSettings {
  double max_order_notional = 250000;  // quote currency
  double max_position = 10;            // base units per symbol
  int max_orders_per_minute = 6;
  double daily_loss_limit = 5000;         // quote currency; trips the kill switch
  double max_drawdown_pct = 10;           // from the equity peak; trips the kill switch
  int max_book_age_ms = 5000;             // no order on an older book
  bool kill_switch_allows_sells = false;  // exits (sells of what is held) after a trip
};

struct PaperSettings {
  std::string balances = "USD=100000,BTC=0";
  double taker_fee_bps = 40;
  double maker_fee_bps = 20;
};

// How a `bars:FILE` source turns each minute bar into market events (source_bars.cpp): a
// synthetic book around the bar's close, the same on both sides. Fills happen against this
// book, not against real liquidity.
struct BarBookSettings {
  double spread_bps = 2;            // best ask - best bid, in bps of the close
  int levels = 10;                  // price levels per side
  double level_step_bps = 1;        // distance between neighbouring levels, in bps of the close
  double level_notional = 1000000;  // quote currency resting at each level
};

struct RunConfig {
  std::string mode = "paper";  // paper | sandbox | live
  bool confirm_live = false;
  std::vector<std::string> symbols = {"BTCUSD"};
  std::string source = "gemini";  // gemini | replay:FILE | kafka | bars:FILE
  std::string feed = "ws";        // ws | v2 | v1 (websocket protocol)
  std::string signal;             // forecast:FILE | lstm:FILE | empty = none
  double lstm_min_return = 0;     // lstm dead band: |predicted log return| below = none
  int window_seconds = 60;
  std::string store = "rtcrypto.db";  // SQLite file; "" = no store
  std::string out_jsonl;              // every record as a JSON line
  std::string run_id;                 // default: derived from the start time
  std::string http;                   // 127.0.0.1:PORT for metrics and dashboard
  std::string es;                     // Elasticsearch URL
  std::string kafka;                  // broker list
  std::map<std::string, std::string> kafka_props;
  std::string kafka_group = "rtcrypto";  // consumer group of --source kafka
  std::string kafka_topic_feed = "gemini-feed";
  std::string kafka_topic_liquidity = "liquidity";
  std::string kafka_topic_trades = "trades";
  std::string kafka_overflow = "spill";  // librdkafka queue full: spill | drop_oldest
  std::string kafka_spill;               // spill file ("" = <store>.kafka-spill)
  double kafka_flush_seconds = 10;       // delivery wait at shutdown
  bool kafka_until_eof = false;          // --source kafka: stop at the end of the topic
  std::string ws_url, rest_url, ca_file, credentials;
  double duration_seconds = 0;  // 0 = until stopped (or end of replay)
  bool no_trading = false;      // ingest only
  bool realtime = false;        // replay at the recorded pace
  std::string log_level = "info";
  // Replay and bars sources: only events in [from, to) (UTC "YYYY-MM-DD[ HH:MM:SS]", "" =
  // open); before `from` the books and the signal warm up without windows or orders.
  std::string from, to;
  StrategySettings strategy;
  RiskSettings risk;
  PaperSettings paper;
  BarBookSettings bars;
};

// Applies a JSON config document; throws UsageError naming the offending key ("risk.max_position:
// expected a number") for unknown keys and wrong types.
void apply_config_json(RunConfig& cfg, const nlohmann::json& doc);
// Reads and applies a config file (UsageError when unreadable or not JSON).
void load_config_file(RunConfig& cfg, const std::string& path);
// Cross-field checks (mode, band, trade_pct, window, source syntax, live confirmation).
void validate(const RunConfig& cfg);
// --from / --to as event times (nullopt when empty); UsageError naming `key` when malformed.
std::optional<TimeNs> parse_config_time(const std::string& key, const std::string& text);

}  // namespace rtcrypto::app
