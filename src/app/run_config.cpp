#include "rtcrypto/app/run_config.hpp"

#include <cmath>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>

#include "rtcrypto/app/commands.hpp"

namespace rtcrypto::app {
namespace {

using json = nlohmann::json;

[[noreturn]] void bad(const std::string& key, const std::string& why) {
  throw UsageError("config key '" + key + "': " + why);
}

void get(const json& v, const std::string& key, std::string& out) {
  if (!v.is_string()) bad(key, "expected a string");
  out = v.get<std::string>();
}
void get(const json& v, const std::string& key, double& out) {
  if (!v.is_number()) bad(key, "expected a number");
  out = v.get<double>();
}
void get(const json& v, const std::string& key, int& out) {
  if (!v.is_number_integer()) bad(key, "expected an integer");
  out = v.get<int>();
}
void get(const json& v, const std::string& key, bool& out) {
  if (!v.is_boolean()) bad(key, "expected true or false");
  out = v.get<bool>();
}
void get(const json& v, const std::string& key, std::vector<std::string>& out) {
  out.clear();
  if (v.is_string()) {  // "BTCUSD,ETHUSD" is accepted too
    std::stringstream ss(v.get<std::string>());
    std::string s;
    while (std::getline(ss, s, ','))
      if (!s.empty()) out.push_back(s);
    return;
  }
  if (!v.is_array()) bad(key, "expected a list of strings");
  for (const auto& e : v) {
    if (!e.is_string()) bad(key, "expected a list of strings");
    out.push_back(e.get<std::string>());
  }
}
void get(const json& v, const std::string& key, std::map<std::string, std::string>& out) {
  if (!v.is_object()) bad(key, "expected an object of strings");
  for (const auto& [k, e] : v.items()) {
    if (!e.is_string()) bad(key + "." + k, "expected a string");
    out[k] = e.get<std::string>();
  }
}

using Setter = std::function<void(const json&, const std::string&)>;

template <class T>
Setter field(T& target) {
  return [&target](const json& v, const std::string& key) { get(v, key, target); };
}

void apply_object(const json& obj, const std::string& prefix,
                  const std::map<std::string, Setter>& setters) {
  if (!obj.is_object()) bad(prefix.empty() ? "(top level)" : prefix, "expected an object");
  for (const auto& [k, v] : obj.items()) {
    std::string key = prefix.empty() ? k : prefix + "." + k;
    if (k.rfind("_comment", 0) == 0 || k == "$schema") continue;  // documentation keys
    auto it = setters.find(k);
    if (it == setters.end()) bad(key, "unknown key");
    it->second(v, key);
  }
}

}  // namespace

void apply_config_json(RunConfig& c, const json& doc) {
  auto& s = c.strategy;
  auto& r = c.risk;
  auto& p = c.paper;
  std::map<std::string, Setter> strategy = {{"band_low", field(s.band_low)},
                                            {"band_high", field(s.band_high)},
                                            {"trade_pct", field(s.trade_pct)},
                                            {"slippage_bps", field(s.slippage_bps)},
                                            {"ratio", field(s.ratio)}};
  std::map<std::string, Setter> risk = {
      {"max_order_notional", field(r.max_order_notional)},
      {"max_position", field(r.max_position)},
      {"max_orders_per_minute", field(r.max_orders_per_minute)},
      {"daily_loss_limit", field(r.daily_loss_limit)},
      {"max_drawdown_pct", field(r.max_drawdown_pct)},
      {"max_book_age_ms", field(r.max_book_age_ms)},
      {"kill_switch_allows_sells", field(r.kill_switch_allows_sells)}};
  std::map<std::string, Setter> paper = {{"balances", field(p.balances)},
                                         {"taker_fee_bps", field(p.taker_fee_bps)},
                                         {"maker_fee_bps", field(p.maker_fee_bps)}};
  auto& bb = c.bars;
  std::map<std::string, Setter> bars = {{"spread_bps", field(bb.spread_bps)},
                                        {"levels", field(bb.levels)},
                                        {"level_step_bps", field(bb.level_step_bps)},
                                        {"level_notional", field(bb.level_notional)}};
  std::map<std::string, Setter> top = {
      {"mode", field(c.mode)},
      {"confirm_live", field(c.confirm_live)},
      {"symbols", field(c.symbols)},
      {"source", field(c.source)},
      {"feed", field(c.feed)},
      {"signal", field(c.signal)},
      {"lstm_min_return", field(c.lstm_min_return)},
      {"window_seconds", field(c.window_seconds)},
      {"store", field(c.store)},
      {"out_jsonl", field(c.out_jsonl)},
      {"run_id", field(c.run_id)},
      {"http", field(c.http)},
      {"es", field(c.es)},
      {"kafka", field(c.kafka)},
      {"kafka_props", field(c.kafka_props)},
      {"kafka_group", field(c.kafka_group)},
      {"kafka_topic_feed", field(c.kafka_topic_feed)},
      {"kafka_topic_liquidity", field(c.kafka_topic_liquidity)},
      {"kafka_topic_trades", field(c.kafka_topic_trades)},
      {"kafka_overflow", field(c.kafka_overflow)},
      {"kafka_spill", field(c.kafka_spill)},
      {"kafka_flush_seconds", field(c.kafka_flush_seconds)},
      {"kafka_until_eof", field(c.kafka_until_eof)},
      {"ws_url", field(c.ws_url)},
      {"rest_url", field(c.rest_url)},
      {"ca_file", field(c.ca_file)},
      {"credentials", field(c.credentials)},
      {"duration_seconds", field(c.duration_seconds)},
      {"no_trading", field(c.no_trading)},
      {"realtime", field(c.realtime)},
      {"log_level", field(c.log_level)},
      {"from", field(c.from)},
      {"to", field(c.to)},
      {"strategy", [&](const json& v, const std::string& k) { apply_object(v, k, strategy); }},
      {"risk", [&](const json& v, const std::string& k) { apply_object(v, k, risk); }},
      {"paper", [&](const json& v, const std::string& k) { apply_object(v, k, paper); }},
      {"bars", [&](const json& v, const std::string& k) { apply_object(v, k, bars); }},
  };
  apply_object(doc, "", top);
}

void load_config_file(RunConfig& cfg, const std::string& path) {
  std::ifstream in(path);
  if (!in) throw UsageError("--config: cannot read '" + path + "'");
  json doc;
  try {
    doc = json::parse(in, nullptr, true, /*ignore_comments=*/true);
  } catch (const json::parse_error& e) {
    throw UsageError("--config: '" + path + "' is not valid JSON: " + e.what());
  }
  apply_config_json(cfg, doc);
}

void validate(const RunConfig& c) {
  if (c.mode != "paper" && c.mode != "sandbox" && c.mode != "live")
    bad("mode", "must be paper, sandbox or live (got '" + c.mode + "')");
  if (c.symbols.empty()) bad("symbols", "at least one symbol is needed");
  for (const auto& s : c.symbols) {
    if (s.empty() || s.size() > 24) bad("symbols", "bad symbol '" + s + "'");
    for (char ch : s)
      if (!std::isalnum(static_cast<unsigned char>(ch))) bad("symbols", "bad symbol '" + s + "'");
  }
  if (c.source != "gemini" && c.source != "kafka" && c.source.rfind("replay:", 0) != 0 &&
      c.source.rfind("bars:", 0) != 0)
    bad("source", "must be gemini, kafka, replay:FILE or bars:FILE (got '" + c.source + "')");
  if (c.source == "replay:") bad("source", "replay: needs a file name");
  if (c.source == "bars:") bad("source", "bars: needs a file name");
  const auto from = parse_config_time("from", c.from), to = parse_config_time("to", c.to);
  if (from && to && *to <= *from) bad("to", "must be after 'from'");
  const auto& bb = c.bars;
  if (!(bb.spread_bps > 0 && bb.spread_bps <= 1000)) bad("bars.spread_bps", "must be in (0, 1000]");
  if (bb.levels < 1 || bb.levels > 1000) bad("bars.levels", "must be 1..1000");
  if (!(bb.level_step_bps > 0 && bb.level_step_bps <= 1000))
    bad("bars.level_step_bps", "must be in (0, 1000]");
  if (!(bb.level_notional > 0 && bb.level_notional <= 1e12))
    bad("bars.level_notional", "must be in (0, 1e12]");
  if (c.feed != "ws" && c.feed != "v2" && c.feed != "v1") bad("feed", "must be ws, v2 or v1");
  if (!c.signal.empty() && c.signal.rfind("forecast:", 0) != 0 && c.signal.rfind("lstm:", 0) != 0)
    bad("signal", "must be forecast:FILE or lstm:FILE (got '" + c.signal + "')");
  if (!std::isfinite(c.lstm_min_return) || c.lstm_min_return < 0)
    bad("lstm_min_return", "must be a finite number >= 0 (a log return, e.g. 0.0005)");
  if (c.window_seconds <= 0 || c.window_seconds > 86400) bad("window_seconds", "must be 1..86400");
  const auto& s = c.strategy;
  if (!(s.band_low >= 0) || !(s.band_high > s.band_low))
    bad("strategy.band_low", "need 0 <= band_low < band_high");
  if (!(s.trade_pct > 0 && s.trade_pct <= 1)) bad("strategy.trade_pct", "must be in (0, 1]");
  if (!(s.slippage_bps >= 0 && s.slippage_bps <= 1000))
    bad("strategy.slippage_bps", "must be 0..1000");
  if (s.ratio != "ask_over_bid" && s.ratio != "bid_over_ask")
    bad("strategy.ratio", "must be ask_over_bid or bid_over_ask");
  const auto& r = c.risk;
  if (!(r.max_order_notional > 0)) bad("risk.max_order_notional", "must be > 0");
  if (!(r.max_position > 0)) bad("risk.max_position", "must be > 0");
  if (r.max_orders_per_minute <= 0) bad("risk.max_orders_per_minute", "must be > 0");
  if (!(r.daily_loss_limit > 0)) bad("risk.daily_loss_limit", "must be > 0");
  if (!(r.max_drawdown_pct > 0 && r.max_drawdown_pct <= 100))
    bad("risk.max_drawdown_pct", "must be in (0, 100]");
  if (r.max_book_age_ms <= 0) bad("risk.max_book_age_ms", "must be > 0");
  if (!(c.paper.taker_fee_bps >= 0) || !(c.paper.maker_fee_bps >= 0))
    bad("paper.taker_fee_bps", "fees must be >= 0");
  if (c.duration_seconds < 0) bad("duration_seconds", "must be >= 0");
  // Sandbox and live place orders through the exchange client, which runs on the websocket
  // source's event loop; a replay or Kafka source would decide on data the exchange never saw.
  if (c.mode != "paper" && c.source != "gemini" && !c.no_trading)
    bad("source", "mode " + c.mode +
                      " trades on the exchange's own feed: use --source gemini "
                      "(or --no-trading to ingest only)");
  if (c.mode == "live" && !c.confirm_live)
    bad("confirm_live", "live mode trades real money: pass --confirm-live to start");
}

std::optional<TimeNs> parse_config_time(const std::string& key, const std::string& text) {
  if (text.empty()) return std::nullopt;
  auto t = parse_ymd_hms(text.size() == 10 ? text + " 00:00:00" : text);
  if (!t) bad(key, "expected YYYY-MM-DD or 'YYYY-MM-DD HH:MM:SS' (UTC), got '" + text + "'");
  return t;
}

}  // namespace rtcrypto::app
