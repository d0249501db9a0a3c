#include "rtcrypto/app/engine_state_json.hpp"

#include <nlohmann/json.hpp>
#include <stdexcept>

namespace rtcrypto::app {
namespace {

using json = nlohmann::json;

json opt_dec(const std::optional<Decimal>& d) {
  return d ? json(d->to_string()) : json(nullptr);
}
std::optional<Decimal> get_opt_dec(const json& j, const char* key) {
  if (!j.contains(key) || j[key].is_null()) return std::nullopt;
  return decimal_or_throw(j[key].get<std::string>());
}

}  // namespace

std::string engine_state_to_json(const EngineState& s) {
  json j;
  j["version"] = 1;
  j["next_order_seq"] = s.next_order_seq;
  json pos = json::object();
  for (const auto& [sym, p] : s.positions) {
    pos[sym] = {{"last_buy_price", opt_dec(p.last_buy_price)},
                {"entry_amount", p.entry_amount.to_string()},
                {"entry_fees", p.entry_fees.to_string()}};
  }
  j["positions"] = pos;
  const auto& r = s.risk;
  j["risk"] = {{"killed", r.killed},
               {"kill_reason", r.kill_reason},
               {"killed_at", r.killed_at},
               {"peak_equity", opt_dec(r.peak_equity)},
               {"day_start_equity", opt_dec(r.day_start_equity)},
               {"day", r.day},
               {"recent_orders", r.recent_orders}};
  return j.dump();
}

EngineState engine_state_from_json(std::string_view text) {
  EngineState s;
  try {
    json j = json::parse(text);
    s.next_order_seq = j.at("next_order_seq").get<std::uint64_t>();
    for (const auto& [sym, p] : j.at("positions").items()) {
      EnginePosition ep;
      ep.last_buy_price = get_opt_dec(p, "last_buy_price");
      ep.entry_amount = decimal_or_throw(p.at("entry_amount").get<std::string>());
      ep.entry_fees = decimal_or_throw(p.at("entry_fees").get<std::string>());
      s.positions[sym] = ep;
    }
    const json& r = j.at("risk");
    s.risk.killed = r.at("killed").get<bool>();
    s.risk.kill_reason = r.at("kill_reason").get<std::string>();
    s.risk.killed_at = r.at("killed_at").get<TimeNs>();
    s.risk.peak_equity = get_opt_dec(r, "peak_equity");
    s.risk.day_start_equity = get_opt_dec(r, "day_start_equity");
    s.risk.day = r.at("day").get<std::int64_t>();
    s.risk.recent_orders = r.at("recent_orders").get<std::vector<TimeNs>>();
  } catch (const std::exception& e) {
    throw std::invalid_argument(std::string("stored engine state is malformed: ") + e.what());
  }
  return s;
}

}  // namespace rtcrypto::app
