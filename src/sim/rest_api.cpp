#include "rtcrypto/sim/rest_api.hpp"

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

#include "rtcrypto/sim/frames.hpp"
#include "rtcrypto/sim/signature.hpp"

namespace rtcrypto::sim {

using ojson = nlohmann::ordered_json;

std::string error_body(std::string_view reason, std::string_view message) {
  ojson j;
  j["result"] = "error";
  j["reason"] = reason;
  j["message"] = message;
  return j.dump();
}

namespace {

RestResponse err(int status, std::string_view reason, std::string_view message) {
  return RestResponse{status, error_body(reason, message), {}};
}
RestResponse ok(const ojson& j) {
  return RestResponse{200, j.dump(), {}};
}

std::string_view option_name(TimeInForce t) {
  switch (t) {
    case TimeInForce::ImmediateOrCancel:
      return "immediate-or-cancel";
    case TimeInForce::FillOrKill:
      return "fill-or-kill";
    case TimeInForce::MakerOrCancel:
      return "maker-or-cancel";
    default:
      return "";
  }
}

ojson order_json(const SimOrder& o, const SymbolInfo& info) {
  ojson j;
  const std::string id = std::to_string(o.id);
  j["order_id"] = id;
  j["id"] = id;
  j["symbol"] = lower(o.symbol);
  j["exchange"] = "gemini";
  j["avg_execution_price"] = o.executed.is_zero() ? "0.00" : o.avg_price().to_string();
  j["side"] = to_string(o.side);
  j["type"] = "exchange limit";
  j["timestamp"] = std::to_string(o.ts / kNsPerSec);
  j["timestampms"] = o.ts / kNsPerMs;
  j["is_live"] = o.live;
  j["is_cancelled"] = o.cancelled;
  j["is_hidden"] = false;
  j["was_forced"] = false;
  j["executed_amount"] = o.executed.to_string();
  if (o.cancelled && !o.reason.empty()) j["reason"] = o.reason;
  if (!o.client_order_id.empty()) j["client_order_id"] = o.client_order_id;
  j["options"] = ojson::array();
  if (auto opt = option_name(o.tif); !opt.empty()) j["options"].push_back(opt);
  j["price"] = fixed(o.price, info.price_digits);
  j["original_amount"] = o.original.to_string();
  j["remaining_amount"] = o.remaining.to_string();
  return j;
}

ojson trade_json(const AccountTrade& t, bool with_symbol) {
  ojson j;
  j["price"] = t.price.to_string();
  j["amount"] = t.amount.to_string();
  j["timestamp"] = t.ts / kNsPerSec;
  j["timestampms"] = t.ts / kNsPerMs;
  j["type"] = t.side == OrderSide::Buy ? "Buy" : "Sell";
  j["aggressor"] = t.aggressor;
  j["fee_currency"] = t.fee_currency;
  j["fee_amount"] = t.fee.to_string();
  j["tid"] = t.tid;
  j["order_id"] = std::to_string(t.order_id);
  j["exchange"] = "gemini";
  j["is_auction_fill"] = false;
  j["is_clearing_fill"] = false;
  if (with_symbol) j["symbol"] = t.symbol;
  if (!t.client_order_id.empty()) j["client_order_id"] = t.client_order_id;
  return j;
}

std::optional<std::int64_t> as_int64(const nlohmann::json& v) {
  if (v.is_number_integer()) return v.get<std::int64_t>();
  if (v.is_number_unsigned()) {
    const auto u = v.get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
    return static_cast<std::int64_t>(u);
  }
  if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    std::int64_t out = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    if (ec == std::errc() && p == s.data() + s.size()) return out;
  }
  return std::nullopt;
}

std::optional<Decimal> as_decimal(const nlohmann::json& v) {
  if (v.is_string()) return Decimal::parse(v.get_ref<const std::string&>());
  if (v.is_number()) return Decimal::parse(v.dump());
  return std::nullopt;
}

std::string query_param(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto item = query.substr(0, amp);
    const auto eq = item.find('=');
    if (item.substr(0, eq) == name) return eq == item.npos ? "" : std::string(item.substr(eq + 1));
    if (amp == query.npos) break;
    query.remove_prefix(amp + 1);
  }
  return {};
}

int int_param(std::string_view query, std::string_view name, int fallback) {
  const std::string v = query_param(query, name);
  int out = fallback;
  if (!v.empty()) std::from_chars(v.data(), v.data() + v.size(), out);
  return out;
}

RestResponse bad_symbol(std::string_view given, const MatchingEngine& engine) {
  std::string list;
  for (const auto& s : engine.symbols()) list += (list.empty() ? "" : ", ") + lower(s.symbol);
  return err(400, "Bad Request",
             "Supplied value '" + std::string(given) +
                 "' is not a valid symbol.  Please correct your API request to use one of the "
                 "supported symbols: [" +
                 list + "]");
}

// Minutes per Gemini candle time frame.
int frame_minutes(std::string_view tf) {
  if (tf == "1m") return 1;
  if (tf == "5m") return 5;
  if (tf == "15m") return 15;
  if (tf == "30m") return 30;
  if (tf == "1hr") return 60;
  if (tf == "6hr") return 360;
  if (tf == "1day") return 1440;
  return 0;
}

}  // namespace

RestApi::RestApi(MatchingEngine& engine, const SyntheticMarket* market, const SimConfig& config,
                 const Clock& market_clock, const Clock& wall_clock)
    : engine_(engine),
      market_(market),
      config_(config),
      market_clock_(market_clock),
      wall_clock_(wall_clock) {
  for (const auto& a : config.accounts) keys_[a.key].spec = a;
}

bool RestApi::rate_limited(const std::string& bucket, int per_minute) {
  if (!config_.rate_limits) return false;
  auto& w = windows_[bucket];
  const TimeNs now = wall_clock_.now();
  while (!w.empty() && w.front() <= now - kNsPerMin) w.pop_front();
  // Gemini queues a burst of 5 beyond the rate before it answers 429.
  if (static_cast<int>(w.size()) >= per_minute + 5) return true;
  w.push_back(now);
  return false;
}

RestResponse RestApi::handle(const RestRequest& req) {
  std::string_view target = req.target;
  std::string_view path = target.substr(0, target.find('?'));
  std::string_view query =
      path.size() < target.size() ? target.substr(path.size() + 1) : std::string_view{};
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  ++requests_[std::string(path.substr(0, std::min<std::size_t>(path.size(), 40)))];

  RestResponse r;
  if (req.method == "POST" && !(path.rfind("/v1/symbols", 0) == 0)) {
    if (rate_limited("private:" + req.api_key, config_.private_per_minute)) {
      r = err(429, "RateLimit", "Too Many Requests");
    } else {
      r = handle_private(req, path);
    }
  } else if (req.method == "GET" || req.method == "HEAD") {
    if (path.rfind("/sim/", 0) != 0 &&
        rate_limited("public:" + req.remote, config_.public_per_minute)) {
      r = err(429, "RateLimit", "Too Many Requests");
    } else {
      r = handle_public(path, query);
    }
  } else {
    r = err(404, "EndpointNotFound", "API entry point `" + std::string(path) + "` not found");
  }
  if (r.status != 200) {
    try {
      auto j = nlohmann::json::parse(r.body);
      ++rejects_[j.value("reason", "?")];
    } catch (...) {
    }
  }
  ++statuses_[r.status];
  return r;
}

RestResponse RestApi::handle_public(std::string_view path, std::string_view query) {
  auto tail = [&](std::string_view prefix) -> std::optional<std::string_view> {
    if (path.size() > prefix.size() && path.substr(0, prefix.size()) == prefix) {
      return path.substr(prefix.size());
    }
    return std::nullopt;
  };
  const TimeNs now = market_clock_.now();
  if (path == "/v1/symbols") {
    ojson j = ojson::array();
    for (const auto& s : engine_.symbols()) j.push_back(lower(s.symbol));
    return ok(j);
  }
  if (auto s = tail("/v1/symbols/details/")) {
    const SymbolInfo* info = engine_.symbol(*s);
    if (!info) return bad_symbol(*s, engine_);
    ojson j;
    j["symbol"] = info->symbol;
    j["base_currency"] = info->base;
    j["quote_currency"] = info->quote;
    j["tick_size"] = info->tick_size.to_double();
    j["quote_increment"] = info->quote_increment.to_double();
    j["min_order_size"] = info->min_order_size.to_string();
    j["status"] = info->status;
    j["wrap_enabled"] = false;
    j["product_type"] = "spot";
    j["contract_type"] = "vanilla";
    j["contract_price_currency"] = info->quote;
    return ok(j);
  }
  if (auto s = tail("/v1/pubticker/")) {
    const SymbolInfo* info = engine_.symbol(*s);
    if (!info) return bad_symbol(*s, engine_);
    const OrderBook& book = engine_.book(info->symbol);
    const auto& trades = engine_.recent_trades(info->symbol);
    ojson j;
    j["bid"] = book.best_bid() ? fixed(book.best_bid()->price, info->price_digits) : "0";
    j["ask"] = book.best_ask() ? fixed(book.best_ask()->price, info->price_digits) : "0";
    Decimal last = trades.empty() ? book.mid().value_or(Decimal{}) : trades.back().price;
    j["last"] = fixed(last, info->price_digits);
    double base_vol = 0, quote_vol = 0;
    if (market_) {
      for (const auto& c : market_->candles(info->symbol).newest_first(1440)) {
        base_vol += c.volume;
        quote_vol += c.volume * c.close;
      }
    }
    ojson vol;
    vol[info->base] = Decimal::from_double(base_vol, 8).value_or(Decimal{}).to_string();
    vol[info->quote] = Decimal::from_double(quote_vol, 8).value_or(Decimal{}).to_string();
    vol["timestamp"] = floor_to_period(now, kNsPerMin) / kNsPerMs;
    j["volume"] = vol;
    return ok(j);
  }
  if (auto rest = tail("/v2/candles/")) {
    const auto slash = rest->find('/');
    const std::string_view sym = rest->substr(0, slash);
    const SymbolInfo* info = engine_.symbol(sym);
    if (!info) return bad_symbol(sym, engine_);
    const std::string_view tf = slash == rest->npos ? "" : rest->substr(slash + 1);
    const int minutes = frame_minutes(tf);
    if (minutes == 0) {
      return err(400, "Bad Request",
                 "Supplied value '" + std::string(tf) +
                     "' is not a valid time frame: [1m, 5m, 15m, 30m, 1hr, 6hr, 1day]");
    }
    ojson j = ojson::array();
    if (market_) {
      // Newest first; coarser frames fold the minutes into buckets.
      const auto candles = market_->candles(info->symbol).newest_first();
      std::vector<Candle> out;
      for (const auto& c : candles) {
        const TimeNs bucket = floor_to_period(c.ts, minutes * kNsPerMin);
        if (out.empty() || out.back().ts != bucket) {
          out.push_back(Candle{bucket, c.open, c.high, c.low, c.close, c.volume});
        } else {
          Candle& b = out.back();
          b.open = c.open;  // walking back in time: the oldest minute opens the bucket
          b.high = std::max(b.high, c.high);
          b.low = std::min(b.low, c.low);
          b.volume += c.volume;
        }
      }
      for (const auto& c : out) {
        j.push_back(ojson::array({c.ts / kNsPerMs, c.open, c.high, c.low, c.close, c.volume}));
      }
    }
    return ok(j);
  }
  if (auto s = tail("/v1/book/")) {
    const SymbolInfo* info = engine_.symbol(*s);
    if (!info) return bad_symbol(*s, engine_);
    const OrderBook& book = engine_.book(info->symbol);
    const std::string ts = std::to_string(now / kNsPerSec);
    ojson j;
    for (Side side : {Side::Bid, Side::Ask}) {
      const int limit = int_param(query, side == Side::Bid ? "limit_bids" : "limit_asks", 50);
      ojson arr = ojson::array();
      for (std::size_t i = 0; i < book.depth(side) && (limit <= 0 || i < std::size_t(limit)); ++i) {
        ojson l;
        l["price"] = fixed(book.level(side, i).price, info->price_digits);
        l["amount"] = book.level(side, i).quantity.to_string();
        l["timestamp"] = ts;
        arr.push_back(l);
      }
      j[side == Side::Bid ? "bids" : "asks"] = arr;
    }
    return ok(j);
  }
  if (auto s = tail("/v1/trades/")) {
    const SymbolInfo* info = engine_.symbol(*s);
    if (!info) return bad_symbol(*s, engine_);
    const int limit = std::clamp(int_param(query, "limit_trades", 50), 1, 500);
    ojson j = ojson::array();
    const auto& trades = engine_.recent_trades(info->symbol);
    for (auto it = trades.rbegin(); it != trades.rend() && int(j.size()) < limit; ++it) {
      ojson t;
      t["timestamp"] = it->ts / kNsPerSec;
      t["timestampms"] = it->ts / kNsPerMs;
      t["tid"] = it->tid;
      t["price"] = it->price.to_string();
      t["amount"] = it->amount.to_string();
      t["exchange"] = "gemini";
      t["type"] = to_string(it->taker_side);
      j.push_back(t);
    }
    return ok(j);
  }
  if (path == "/sim/stats") return RestResponse{200, stats_json(), {}};
  return err(404, "EndpointNotFound", "API entry point `" + std::string(path) + "` not found");
}

RestResponse RestApi::handle_private(const RestRequest& req, std::string_view path) {
  static const std::map<std::string_view, int> kRoles = {
      // 1 = trader, 2 = trader/auditor, 3 = trader/auditor/fund manager, 0 = any
      {"/v1/order/new", 1},        {"/v1/order/cancel", 1}, {"/v1/order/cancel/session", 1},
      {"/v1/order/cancel/all", 1}, {"/v1/order/status", 2}, {"/v1/orders", 2},
      {"/v1/mytrades", 2},         {"/v1/balances", 3},     {"/v1/notionalvolume", 2},
      {"/v1/heartbeat", 0}};
  auto route = kRoles.find(path);
  if (route == kRoles.end()) {
    return err(404, "EndpointNotFound", "API entry point `" + std::string(path) + "` not found");
  }
  if (!req.has_api_key || req.api_key.empty()) {
    return err(400, "MissingApikeyHeader", "No API key header (X-GEMINI-APIKEY) was supplied");
  }
  if (!req.has_payload || req.payload.empty()) {
    return err(400, "MissingPayloadHeader", "No payload header (X-GEMINI-PAYLOAD) was supplied");
  }
  if (!req.has_signature || req.signature.empty()) {
    return err(400, "MissingSignatureHeader",
               "No signature header (X-GEMINI-SIGNATURE) was supplied");
  }
  auto key_it = keys_.find(req.api_key);
  if (key_it == keys_.end()) return err(400, "InvalidSignature", "InvalidSignature");
  Key& key = key_it->second;
  if (!verify_signature(key.spec.secret, req.payload, req.signature)) {
    return err(400, "InvalidSignature", "InvalidSignature");
  }
  auto decoded = base64_decode(req.payload);
  nlohmann::json p = decoded ? nlohmann::json::parse(*decoded, nullptr, false) : nlohmann::json();
  if (!decoded || p.is_discarded() || !p.is_object()) {
    return err(400, "InvalidJson", "Could not parse the JSON in the payload");
  }
  if (!p.contains("request") || !p["request"].is_string()) {
    return err(400, "EndpointNotFound", "The payload has no 'request' field");
  }
  if (p["request"].get<std::string>() != path) {
    return err(400, "EndpointMismatch",
               "The 'request' field in the payload (" + p["request"].get<std::string>() +
                   ") does not match the endpoint (" + std::string(path) + ")");
  }
  if (!p.contains("nonce")) return err(400, "InvalidNonce", "The payload has no nonce");
  auto nonce = as_int64(p["nonce"]);
  if (!nonce || *nonce <= 0) {
    return err(400, "InvalidNonce", "Nonce '" + p["nonce"].dump() + "' is not a positive integer");
  }
  if (key.has_nonce && *nonce <= key.last_nonce) {
    return err(400, "InvalidNonce",
               "Nonce '" + std::to_string(*nonce) +
                   "' has not increased since your last call to the "
                   "Gemini API.");
  }
  if (!key.has_nonce) key.first_nonce = *nonce;
  key.has_nonce = true;
  key.last_nonce = *nonce;
  ++key.nonces_accepted;

  const int need = route->second;
  const AccountSpec& spec = key.spec;
  const bool allowed = need == 0 || (need == 1 && spec.trader) ||
                       (need == 2 && (spec.trader || spec.auditor)) ||
                       (need == 3 && (spec.trader || spec.auditor || spec.fund_manager));
  if (!allowed) {
    const char* roles = need == 1   ? "[Trader]"
                        : need == 2 ? "[Trader, Auditor]"
                                    : "[Trader, Auditor, FundManager]";
    return err(403, "MissingRole",
               std::string("To access this endpoint, you need to log in to the website and go to "
                           "the settings page to assign one of these roles ") +
                   roles + " to API key " + spec.key + " which currently has roles []");
  }
  const std::string& account = spec.key;

  if (path == "/v1/heartbeat") return ok(ojson{{"result", "ok"}});
  if (path == "/v1/balances") {
    ojson j = ojson::array();
    for (const auto& b : engine_.balances(account)) {
      ojson row;
      row["type"] = "exchange";
      row["currency"] = b.currency;
      row["amount"] = b.total.to_string();
      row["available"] = b.available.to_string();
      row["availableForWithdrawal"] = b.available.to_string();
      j.push_back(row);
    }
    return ok(j);
  }
  if (path == "/v1/notionalvolume") {
    ojson j;
    const TimeNs now = market_clock_.now();
    j["web_maker_fee_bps"] = 100;
    j["web_taker_fee_bps"] = 100;
    j["web_auction_fee_bps"] = 100;
    j["api_maker_fee_bps"] = config_.maker_fee_bps;
    j["api_taker_fee_bps"] = config_.taker_fee_bps;
    j["api_auction_fee_bps"] = 20;
    j["fix_maker_fee_bps"] = config_.maker_fee_bps;
    j["fix_taker_fee_bps"] = config_.taker_fee_bps;
    j["fix_auction_fee_bps"] = 20;
    j["block_maker_fee_bps"] = 0;
    j["block_taker_fee_bps"] = 0;
    j["notional_30d_volume"] = engine_.notional_volume(account).value_or(Decimal{}).to_double();
    j["last_updated_ms"] = now / kNsPerMs;
    j["date"] = format_ymd_hms(now).substr(0, 10);
    j["notional_1d_volume"] = ojson::array();
    return ok(j);
  }
  if (path == "/v1/orders") {
    ojson j = ojson::array();
    for (const auto& o : engine_.open_orders(account)) {
      j.push_back(order_json(o, *engine_.symbol(o.symbol)));
    }
    return ok(j);
  }
  if (path == "/v1/mytrades") {
    const std::string sym = p.contains("symbol") && p["symbol"].is_string()
                                ? p["symbol"].get<std::string>()
                                : std::string();
    if (!sym.empty() && !engine_.symbol(sym)) {
      return err(400, "InvalidSymbol", "Received bad symbol '" + sym + "'");
    }
    std::size_t limit = 50;
    if (p.contains("limit_trades")) {
      if (auto l = as_int64(p["limit_trades"])) limit = std::clamp<std::int64_t>(*l, 1, 500);
    }
    TimeNs since = 0;
    if (p.contains("timestamp")) {
      auto t = as_int64(p["timestamp"]);
      if (!t || *t < 0) {
        return err(400, "InvalidTimestampInPayload",
                   "Received invalid timestamp '" + p["timestamp"].dump() +
                       "'.  Timestamp field in payload must be either a string or an int "
                       "representing seconds or milliseconds that can be parsed to a valid date "
                       "and time.");
      }
      since = *t > 100'000'000'000LL ? *t * kNsPerMs : *t * kNsPerSec;
    }
    ojson j = ojson::array();
    for (const auto& t : engine_.account_trades(account, sym, limit, since)) {
      j.push_back(trade_json(t, true));
    }
    return ok(j);
  }
  if (path == "/v1/order/status") {
    const SimOrder* o = nullptr;
    if (p.contains("order_id")) {
      auto id = as_int64(p["order_id"]);
      if (!id) return err(400, "InvalidOrderId", "order_id must be an integer");
      o = engine_.order(account, static_cast<std::uint64_t>(*id));
      if (!o) return err(404, "OrderNotFound", "Order " + std::to_string(*id) + " not found");
    } else if (p.contains("client_order_id")) {
      if (!p["client_order_id"].is_string()) {
        return err(400, "ClientOrderIdMustBeString", "client_order_id must be a string");
      }
      const auto cid = p["client_order_id"].get<std::string>();
      o = engine_.order_by_client_id(account, cid);
      if (!o) return err(404, "OrderNotFound", "Order with client_order_id " + cid + " not found");
    } else {
      return err(400, "MissingOrderField", "Either order_id or client_order_id is required");
    }
    ojson j = order_json(*o, *engine_.symbol(o->symbol));
    if (p.value("include_trades", false)) {
      ojson arr = ojson::array();
      for (const auto& t : engine_.account_trades(account, o->symbol, 100000)) {
        if (t.order_id == o->id) arr.push_back(trade_json(t, false));
      }
      j["trades"] = arr;
    }
    return ok(j);
  }
  if (path == "/v1/order/cancel") {
    if (!p.contains("order_id")) return err(400, "MissingOrderField", "order_id is required");
    auto id = as_int64(p["order_id"]);
    if (!id) return err(400, "InvalidOrderId", "order_id must be an integer");
    auto r = engine_.cancel(account, static_cast<std::uint64_t>(*id));
    if (auto* e = std::get_if<EngineError>(&r)) return err(e->http_status, e->reason, e->message);
    const auto& o = std::get<SimOrder>(r);
    return ok(order_json(o, *engine_.symbol(o.symbol)));
  }
  if (path == "/v1/order/cancel/session" || path == "/v1/order/cancel/all") {
    ojson ids = ojson::array();
    for (auto id : engine_.cancel_all(account)) ids.push_back(id);
    ojson j;
    j["result"] = "ok";
    j["details"] = {{"cancelledOrders", ids}, {"cancelRejects", ojson::array()}};
    return ok(j);
  }
  // /v1/order/new
  NewOrder o;
  o.account = account;
  if (p.contains("client_order_id")) {
    if (!p["client_order_id"].is_string()) {
      return err(400, "ClientOrderIdMustBeString", "client_order_id must be a string");
    }
    o.client_order_id = p["client_order_id"].get<std::string>();
    if (o.client_order_id.size() >= 100) {
      return err(400, "ClientOrderIdTooLong", "client_order_id must be under 100 characters");
    }
  }
  RestResponse out;
  out.order_new_client_id = o.client_order_id;
  auto fail = [&](int status, std::string_view reason, std::string message) {
    RestResponse r = err(status, reason, message);
    r.order_new_client_id = o.client_order_id;
    return r;
  };
  for (const char* f : {"symbol", "amount", "price", "side", "type"}) {
    if (!p.contains(f))
      return fail(400, "MissingOrderField", std::string("Missing field '") + f + "'");
  }
  const std::string sym =
      p["symbol"].is_string() ? p["symbol"].get<std::string>() : p["symbol"].dump();
  const SymbolInfo* info = engine_.symbol(sym);
  if (!info) {
    std::string list;
    for (const auto& s : engine_.symbols()) list += (list.empty() ? "'" : ", '") + s.symbol + "'";
    return fail(
        400, "InvalidSymbol",
        "Received bad symbol '" + sym + "' but expected a supported symbol from [" + list + "]");
  }
  o.symbol = info->symbol;
  const std::string type = p["type"].is_string() ? p["type"].get<std::string>() : p["type"].dump();
  if (type != "exchange limit") {
    return fail(400, "InvalidOrderType",
                "Invalid order type for symbol " + info->symbol + ": '" + type + "'");
  }
  const std::string side = lower(p["side"].is_string() ? p["side"].get<std::string>() : "");
  if (side != "buy" && side != "sell") {
    return fail(400, "InvalidSide",
                "Invalid side for symbol " + info->symbol + ": '" + p["side"].dump() + "'");
  }
  o.side = side == "buy" ? OrderSide::Buy : OrderSide::Sell;
  if (p.contains("options")) {
    if (!p["options"].is_array())
      return fail(400, "OptionsMustBeArray", "options must be an array");
    if (p["options"].size() > 1) {
      return fail(400, "ConflictingOptions", "A single order supports at most one option");
    }
    if (p["options"].size() == 1) {
      const auto opt = p["options"][0].is_string() ? p["options"][0].get<std::string>() : "";
      if (opt == "immediate-or-cancel") {
        o.tif = TimeInForce::ImmediateOrCancel;
      } else if (opt == "fill-or-kill") {
        o.tif = TimeInForce::FillOrKill;
      } else if (opt == "maker-or-cancel") {
        o.tif = TimeInForce::MakerOrCancel;
      } else {
        return fail(400, "UnsupportedOption",
                    "Option '" + p["options"][0].dump() + "' is not supported");
      }
    }
  }
  auto amount = as_decimal(p["amount"]);
  if (!amount) {
    return fail(400, "InvalidQuantity",
                "Invalid quantity for symbol " + info->symbol + ": " + p["amount"].dump());
  }
  auto price = as_decimal(p["price"]);
  if (!price) {
    return fail(400, "InvalidPrice",
                "Invalid price for symbol " + info->symbol + ": " + p["price"].dump());
  }
  o.amount = *amount;
  o.price = *price;
  auto r = engine_.place(o);
  if (auto* e = std::get_if<EngineError>(&r)) return fail(e->http_status, e->reason, e->message);
  out.status = 200;
  out.body = order_json(std::get<SimOrder>(r), *info).dump();
  return out;
}

std::string RestApi::stats_json(std::string_view extra_fields_json) const {
  ojson j;
  ojson counts = ojson::object();
  for (const auto& [cid, n] : engine_.client_order_id_counts()) counts[cid] = n;
  j["orders_placed"] = engine_.orders_placed();
  j["orders_by_client_order_id"] = counts;
  j["duplicate_client_order_ids"] = std::count_if(
      engine_.client_order_id_counts().begin(), engine_.client_order_id_counts().end(),
      [](const auto& kv) { return !kv.first.empty() && kv.second > 1; });
  j["trades"] = engine_.trades_total();
  ojson req = ojson::object();
  for (const auto& [p, n] : requests_) req[p] = n;
  j["requests"] = req;
  ojson st = ojson::object();
  for (const auto& [s, n] : statuses_) st[std::to_string(s)] = n;
  j["http_status"] = st;
  ojson rej = ojson::object();
  for (const auto& [r, n] : rejects_) rej[r] = n;
  j["errors_by_reason"] = rej;
  ojson nonces = ojson::object();  // per key: every accepted nonce was above the previous one
  for (const auto& [k, key] : keys_)
    if (key.has_nonce)
      nonces[k] = {{"accepted", key.nonces_accepted}, {"first", key.first_nonce},
                   {"last", key.last_nonce}};
  j["nonces"] = nonces;
  if (!extra_fields_json.empty()) {
    auto extra = ojson::parse(extra_fields_json, nullptr, false);
    if (extra.is_object()) {
      for (auto it = extra.begin(); it != extra.end(); ++it) j[it.key()] = it.value();
    }
  }
  return j.dump();
}

}  // namespace rtcrypto::sim
