#include "rtcrypto/paper/paper_state.hpp"

#include <nlohmann/json.hpp>
#include <stdexcept>

namespace rtcrypto {
namespace {

using nlohmann::ordered_json;

[[noreturn]] void bad(const std::string& what) {
  throw std::invalid_argument("paper state: " + what);
}

const ordered_json& field(const ordered_json& j, const char* key, const std::string& where) {
  auto it = j.find(key);
  if (it == j.end()) bad(where + " has no " + key);
  return *it;
}

Decimal decimal_at(const ordered_json& j, const char* key, const std::string& where) {
  const auto& v = field(j, key, where);
  if (!v.is_string()) bad(where + "." + key + " is not a decimal string");
  auto d = Decimal::parse(v.get<std::string>());
  if (!d) bad(where + "." + key + " '" + v.get<std::string>() + "' is not a decimal");
  return *d;
}

std::string string_at(const ordered_json& j, const char* key, const std::string& where) {
  const auto& v = field(j, key, where);
  if (!v.is_string()) bad(where + "." + key + " is not a string");
  return v.get<std::string>();
}

bool bool_at(const ordered_json& j, const char* key, const std::string& where) {
  const auto& v = field(j, key, where);
  if (!v.is_boolean()) bad(where + "." + key + " is not a boolean");
  return v.get<bool>();
}

TimeInForce tif_from_options(const ordered_json& options, const std::string& where) {
  if (!options.is_array() || options.size() > 1) bad(where + ".options must hold at most one");
  if (options.empty()) return TimeInForce::GoodTillCancel;
  if (!options[0].is_string()) bad(where + ".options holds a non-string");
  const auto text = options[0].get<std::string>();
  for (auto tif :
       {TimeInForce::ImmediateOrCancel, TimeInForce::FillOrKill, TimeInForce::MakerOrCancel})
    if (text == to_gemini_option(tif)) return tif;
  bad(where + ".options has unknown '" + text + "'");
}

ordered_json order_json(const PaperOpenOrder& po) {
  const Order& o = po.order;
  ordered_json j;
  j["order_id"] = o.order_id;
  j["id"] = o.order_id;
  j["symbol"] = o.symbol;
  j["exchange"] = "paper";
  j["side"] = std::string(to_string(o.side));
  j["type"] = o.type;
  j["options"] = ordered_json::array();
  if (o.tif != TimeInForce::GoodTillCancel) j["options"].push_back(to_gemini_option(o.tif));
  j["price"] = o.price.to_string();
  j["original_amount"] = o.original_amount.to_string();
  j["executed_amount"] = o.executed_amount.to_string();
  j["remaining_amount"] = o.remaining_amount.to_string();
  j["avg_execution_price"] = o.avg_execution_price.to_string();
  j["fee"] = o.fee.to_string();
  j["executed_notional"] = po.executed_notional.to_string();
  j["is_live"] = o.is_live;
  j["is_cancelled"] = o.is_cancelled;
  j["reason"] = o.reason;
  j["client_order_id"] = o.client_order_id;
  j["timestamp_ns"] = o.timestamp;
  return j;
}

PaperOpenOrder order_from_json(const ordered_json& j, std::size_t index) {
  const std::string where = "open_orders[" + std::to_string(index) + "]";
  if (!j.is_object()) bad(where + " is not an object");
  PaperOpenOrder po;
  Order& o = po.order;
  o.order_id = string_at(j, "order_id", where);
  o.symbol = string_at(j, "symbol", where);
  const auto side = string_at(j, "side", where);
  if (side == "buy") {
    o.side = OrderSide::Buy;
  } else if (side == "sell") {
    o.side = OrderSide::Sell;
  } else {
    bad(where + ".side '" + side + "' is not buy or sell");
  }
  o.type = string_at(j, "type", where);
  o.tif = tif_from_options(field(j, "options", where), where);
  o.price = decimal_at(j, "price", where);
  o.original_amount = decimal_at(j, "original_amount", where);
  o.executed_amount = decimal_at(j, "executed_amount", where);
  o.remaining_amount = decimal_at(j, "remaining_amount", where);
  o.avg_execution_price = decimal_at(j, "avg_execution_price", where);
  o.fee = decimal_at(j, "fee", where);
  po.executed_notional = decimal_at(j, "executed_notional", where);
  o.is_live = bool_at(j, "is_live", where);
  o.is_cancelled = bool_at(j, "is_cancelled", where);
  o.reason = string_at(j, "reason", where);
  o.client_order_id = string_at(j, "client_order_id", where);
  const auto& ts = field(j, "timestamp_ns", where);
  if (!ts.is_number_integer()) bad(where + ".timestamp_ns is not an integer");
  o.timestamp = ts.get<TimeNs>();
  return po;
}

}  // namespace

std::string to_json(const PaperState& state) {
  ordered_json j;
  j["version"] = 1;
  j["next_order_id"] = state.next_order_id;
  j["balances"] = ordered_json::object();
  for (const auto& [currency, amount] : state.balances)
    j["balances"][currency] = amount.to_string();
  j["open_orders"] = ordered_json::array();
  for (const auto& po : state.open_orders) j["open_orders"].push_back(order_json(po));
  return j.dump();
}

PaperState paper_state_from_json(std::string_view json) {
  const ordered_json j = ordered_json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) bad("not a JSON object");
  const auto& version = field(j, "version", "state");
  if (!version.is_number_integer() || version.get<std::int64_t>() != 1)
    bad("unsupported version " + version.dump());
  PaperState s;
  const auto& next = field(j, "next_order_id", "state");
  if (!next.is_number_unsigned()) bad("next_order_id is not a non-negative integer");
  s.next_order_id = next.get<std::uint64_t>();
  const auto& balances = field(j, "balances", "state");
  if (!balances.is_object()) bad("balances is not an object");
  for (const auto& [currency, amount] : balances.items()) {
    if (!amount.is_string()) bad("balances." + currency + " is not a decimal string");
    auto d = Decimal::parse(amount.get<std::string>());
    if (!d) bad("balances." + currency + " '" + amount.get<std::string>() + "' is not a decimal");
    s.balances.emplace_back(currency, *d);
  }
  const auto& orders = field(j, "open_orders", "state");
  if (!orders.is_array()) bad("open_orders is not an array");
  for (std::size_t i = 0; i < orders.size(); ++i)
    s.open_orders.push_back(order_from_json(orders[i], i));
  return s;
}

}  // namespace rtcrypto
