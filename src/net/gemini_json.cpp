#include "rtcrypto/net/gemini_json.hpp"

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace rtcrypto::net {
namespace {
using nlohmann::json;

json parse_json(std::string_view body) {
  json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) throw std::runtime_error("response is not JSON");
  return j;
}

void reject_error_body(const json& j) {
  if (j.is_object() && j.value("result", "") == "error") {
    throw std::runtime_error("error response: " + j.value("reason", std::string("?")));
  }
}

// Exact parse; plain decimals with more than 18 fractional digits (Gemini sends up to 19
// and some volumes carry ~30) are truncated to 1e-18, as the docs advise.
std::optional<Decimal> parse_lenient(const std::string& t) {
  if (auto d = Decimal::parse(t)) return d;
  auto dot = t.find('.');
  if (dot == std::string::npos || t.size() - dot - 1 <= 18 ||
      t.find_first_not_of("+-0123456789.") != std::string::npos)
    return std::nullopt;
  return Decimal::parse(std::string_view(t).substr(0, dot + 19));
}

// Decimal from a string or a JSON number.
std::optional<Decimal> dec_of(const json& v) {
  if (v.is_string()) return parse_lenient(v.get_ref<const std::string&>());
  if (v.is_number_integer()) return Decimal::parse(v.dump());
  if (v.is_number_float()) return Decimal::parse(v.dump());
  return std::nullopt;
}

Decimal req_dec(const json& o, const char* field) {
  auto it = o.find(field);
  if (it == o.end()) throw std::runtime_error(std::string("missing field ") + field);
  auto d = dec_of(*it);
  if (!d) throw std::runtime_error(std::string("field ") + field + " is not a number");
  return *d;
}

Decimal opt_dec(const json& o, const char* field) {
  auto it = o.find(field);
  if (it == o.end() || it->is_null()) return {};
  auto d = dec_of(*it);
  if (!d) throw std::runtime_error(std::string("field ") + field + " is not a number");
  return *d;
}

std::string str_of(const json& o, const char* field) {
  auto it = o.find(field);
  if (it == o.end() || it->is_null()) return {};
  if (it->is_string()) return it->get<std::string>();
  return it->dump();  // ids as numbers
}

std::int64_t int_of(const json& o, const char* field, std::int64_t dflt = 0) {
  auto it = o.find(field);
  if (it == o.end() || it->is_null()) return dflt;
  if (it->is_number_integer()) return it->get<std::int64_t>();
  if (it->is_number_float()) return static_cast<std::int64_t>(it->get<double>());
  if (it->is_string()) {
    try {
      return std::stoll(it->get<std::string>());
    } catch (...) {
      throw std::runtime_error(std::string("field ") + field + " is not an integer");
    }
  }
  throw std::runtime_error(std::string("field ") + field + " is not an integer");
}

OrderSide side_of(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  if (s == "buy") return OrderSide::Buy;
  if (s == "sell") return OrderSide::Sell;
  throw std::runtime_error("bad side '" + s + "'");
}

Order order_of(const json& o) {
  if (!o.is_object()) throw std::runtime_error("order is not an object");
  Order r;
  r.order_id = str_of(o, "order_id");
  if (r.order_id.empty()) throw std::runtime_error("missing field order_id");
  r.client_order_id = str_of(o, "client_order_id");
  r.symbol = normalize_symbol(str_of(o, "symbol"));
  r.side = side_of(str_of(o, "side"));
  r.type = str_of(o, "type");
  r.tif = TimeInForce::GoodTillCancel;
  if (auto it = o.find("options"); it != o.end() && it->is_array()) {
    for (const auto& opt : *it) {
      if (!opt.is_string()) continue;
      const auto& s = opt.get_ref<const std::string&>();
      if (s == "immediate-or-cancel") r.tif = TimeInForce::ImmediateOrCancel;
      if (s == "fill-or-kill") r.tif = TimeInForce::FillOrKill;
      if (s == "maker-or-cancel") r.tif = TimeInForce::MakerOrCancel;
    }
  }
  r.price = opt_dec(o, "price");
  r.original_amount = opt_dec(o, "original_amount");
  r.executed_amount = opt_dec(o, "executed_amount");
  r.remaining_amount = opt_dec(o, "remaining_amount");
  r.avg_execution_price = opt_dec(o, "avg_execution_price");
  r.is_live = o.value("is_live", false);
  r.is_cancelled = o.value("is_cancelled", false);
  r.reason = str_of(o, "reason");
  std::int64_t ms = int_of(o, "timestampms", 0);
  r.timestamp = ms ? ms * kNsPerMs : int_of(o, "timestamp", 0) * kNsPerSec;
  return r;
}
}  // namespace

std::optional<ErrorBody> parse_error_body(std::string_view body) {
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object() || j.value("result", "") != "error") return std::nullopt;
  ErrorBody e;
  e.reason = str_of(j, "reason");
  e.message = str_of(j, "message");
  return e;
}

Order parse_order(std::string_view body) {
  json j = parse_json(body);
  reject_error_body(j);
  return order_of(j);
}

std::vector<Order> parse_orders(std::string_view body) {
  json j = parse_json(body);
  reject_error_body(j);
  std::vector<Order> out;
  if (j.is_null()) return out;
  if (!j.is_array()) throw std::runtime_error("orders response is not an array");
  for (const auto& o : j) out.push_back(order_of(o));
  return out;
}

std::vector<Balance> parse_balances(std::string_view body) {
  json j = parse_json(body);
  reject_error_body(j);
  if (!j.is_array()) throw std::runtime_error("balances response is not an array");
  std::vector<Balance> out;
  for (const auto& b : j) {
    if (!b.is_object()) throw std::runtime_error("balance is not an object");
    Balance x;
    x.currency = str_of(b, "currency");
    if (x.currency.empty()) throw std::runtime_error("missing field currency");
    x.amount = req_dec(b, "amount");
    x.available = req_dec(b, "available");
    x.available_for_withdrawal = opt_dec(b, "availableForWithdrawal");
    out.push_back(std::move(x));
  }
  return out;
}

SymbolRules parse_symbol_details(std::string_view body) {
  json j = parse_json(body);
  reject_error_body(j);
  if (!j.is_object()) throw std::runtime_error("symbol details is not an object");
  SymbolRules r;
  r.symbol = normalize_symbol(str_of(j, "symbol"));
  r.tick_size = req_dec(j, "tick_size");              // quantity step (naming trap)
  r.quote_increment = req_dec(j, "quote_increment");  // price tick
  r.min_order_size = req_dec(j, "min_order_size");
  r.status = str_of(j, "status");
  if (!r.tick_size.is_positive() || !r.quote_increment.is_positive())
    throw std::runtime_error("symbol details with a non-positive increment");
  return r;
}

Ticker parse_pubticker(std::string_view body, std::string_view symbol) {
  json j = parse_json(body);
  reject_error_body(j);
  if (!j.is_object()) throw std::runtime_error("ticker is not an object");
  Ticker t;
  t.bid = opt_dec(j, "bid");
  t.ask = opt_dec(j, "ask");
  t.last = opt_dec(j, "last");
  if (auto v = j.find("volume"); v != j.end() && v->is_object()) {
    auto pair = split_symbol(symbol);
    t.volume_base = opt_dec(*v, pair.base.c_str());
    t.volume_quote = opt_dec(*v, pair.quote.c_str());
    t.ts = int_of(*v, "timestamp", 0) * kNsPerMs;
  }
  return t;
}

std::vector<MinuteBar> parse_candles(std::string_view body) {
  json j = parse_json(body);
  reject_error_body(j);
  if (!j.is_array()) throw std::runtime_error("candles response is not an array");
  std::vector<MinuteBar> out;
  out.reserve(j.size());
  for (const auto& c : j) {
    if (!c.is_array() || c.size() < 6) throw std::runtime_error("candle is not [t,o,h,l,c,v]");
    auto num = [&](std::size_t i) {
      if (c[i].is_number()) return c[i].get<double>();
      if (c[i].is_string()) return std::stod(c[i].get<std::string>());
      throw std::runtime_error("candle field is not a number");
    };
    MinuteBar b;
    b.ts = static_cast<TimeNs>(num(0)) * kNsPerMs;
    b.open = num(1);
    b.high = num(2);
    b.low = num(3);
    b.close = num(4);
    b.volume = num(5);
    out.push_back(b);
  }
  std::sort(out.begin(), out.end(),
            [](const MinuteBar& a, const MinuteBar& b) { return a.ts < b.ts; });
  return out;
}

std::vector<MyTrade> parse_my_trades(std::string_view body) {
  json j = parse_json(body);
  reject_error_body(j);
  std::vector<MyTrade> out;
  if (j.is_null()) return out;
  if (!j.is_array()) throw std::runtime_error("mytrades response is not an array");
  for (const auto& t : j) {
    if (!t.is_object()) throw std::runtime_error("trade is not an object");
    MyTrade m;
    m.tid = int_of(t, "tid");
    m.order_id = str_of(t, "order_id");
    m.client_order_id = str_of(t, "client_order_id");
    m.symbol = normalize_symbol(str_of(t, "symbol"));
    m.side = side_of(str_of(t, "type"));
    m.price = req_dec(t, "price");
    m.amount = req_dec(t, "amount");
    m.fee = opt_dec(t, "fee_amount");
    m.fee_currency = str_of(t, "fee_currency");
    m.aggressor = t.value("aggressor", false);
    std::int64_t ms = int_of(t, "timestampms", 0);
    m.ts = ms ? ms * kNsPerMs : int_of(t, "timestamp", 0) * kNsPerSec;
    out.push_back(std::move(m));
  }
  return out;
}

FeeRates parse_notional_volume(std::string_view body) {
  json j = parse_json(body);
  reject_error_body(j);
  if (!j.is_object()) throw std::runtime_error("notionalvolume is not an object");
  FeeRates f;
  f.maker_bps = static_cast<int>(int_of(j, "api_maker_fee_bps"));
  f.taker_bps = static_cast<int>(int_of(j, "api_taker_fee_bps"));
  if (auto it = j.find("notional_30d_volume"); it != j.end() && it->is_number())
    f.notional_30d = it->get<double>();
  return f;
}

CancelSessionResult parse_cancel_session(std::string_view body) {
  json j = parse_json(body);
  reject_error_body(j);
  CancelSessionResult r;
  if (!j.is_object()) throw std::runtime_error("cancel response is not an object");
  auto d = j.find("details");
  if (d == j.end() || !d->is_object()) return r;
  auto ids = [](const json& a, std::vector<std::string>& out) {
    if (!a.is_array()) return;
    for (const auto& x : a) out.push_back(x.is_string() ? x.get<std::string>() : x.dump());
  };
  if (auto c = d->find("cancelledOrders"); c != d->end()) ids(*c, r.cancelled);
  if (auto c = d->find("cancelRejects"); c != d->end()) ids(*c, r.rejected);
  return r;
}

std::string json_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  append_json_string(out, s);
  return out;
}

namespace {
void append_decimal(std::string& out, std::int64_t v) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, v);
  out.append(digits, end);
}

// {"request":path,"nonce":N — the opening every signed payload shares.
void append_payload_head(std::string& out, std::string_view path, std::int64_t nonce) {
  out += "{\"request\":";
  append_json_string(out, path);
  out += ",\"nonce\":";
  append_decimal(out, nonce);
}

void append_payload_tail(std::string& out, std::string_view account) {
  if (!account.empty()) {
    out += ",\"account\":";
    append_json_string(out, account);
  }
  out += '}';
}
}  // namespace

std::string private_payload(std::string_view path, std::int64_t nonce, std::string_view extra,
                            std::string_view account) {
  std::string out;
  out.reserve(64 + extra.size());
  append_payload_head(out, path, nonce);
  out += extra;
  append_payload_tail(out, account);
  return out;
}

void write_order_new_payload(std::string& out, const OrderRequest& r, std::int64_t nonce,
                             std::string_view account) {
  using namespace std::string_view_literals;  // sized literals: no strlen per append
  out.clear();
  out += R"({"request":"/v1/order/new","nonce":)"sv;
  append_decimal(out, nonce);
  if (!r.client_order_id.empty()) {
    out += ",\"client_order_id\":"sv;
    append_json_string(out, r.client_order_id);
  }
  out += ",\"symbol\":\""sv;
  for (char c : r.symbol) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  out += "\",\"amount\":\""sv;
  r.amount.append_to(out);
  out += "\",\"price\":\""sv;
  r.price.append_to(out);
  out += "\",\"side\":\""sv;
  out += to_string(r.side);
  out += "\",\"type\":\"exchange limit\""sv;
  if (auto opt = to_gemini_option(r.tif); !opt.empty()) {
    out += ",\"options\":[\""sv;
    out += opt;
    out += "\"]"sv;
  }
  append_payload_tail(out, account);
}

std::string order_new_payload(const OrderRequest& r, std::int64_t nonce, std::string_view account) {
  std::string out;
  out.reserve(256);
  write_order_new_payload(out, r, nonce, account);
  return out;
}

}  // namespace rtcrypto::net
