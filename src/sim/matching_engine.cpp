#include "rtcrypto/sim/matching_engine.hpp"

#include <algorithm>
#include <stdexcept>

namespace rtcrypto::sim {

namespace {
int digits_of(Decimal step) {
  const std::string s = step.to_string();
  const auto dot = s.find('.');
  return dot == std::string::npos ? 0 : static_cast<int>(s.size() - dot - 1);
}
std::string upper(std::string_view s) {
  return normalize_symbol(s);
}
}  // namespace

SymbolInfo default_symbol_info(std::string_view symbol) {
  SymbolInfo s;
  s.symbol = upper(symbol);
  const CurrencyPair pair = split_symbol(s.symbol);
  s.base = pair.base;
  s.quote = pair.quote;
  if (s.base == "BTC") {
    s.tick_size = decimal_or_throw("0.00000001");
    s.min_order_size = decimal_or_throw("0.00001");
  } else if (s.base == "ETH") {
    s.tick_size = decimal_or_throw("0.000001");
    s.min_order_size = decimal_or_throw("0.001");
  } else {
    s.tick_size = decimal_or_throw("0.000001");
    s.min_order_size = decimal_or_throw("0.001");
  }
  s.quote_increment = decimal_or_throw("0.01");
  s.price_digits = digits_of(s.quote_increment);
  s.qty_digits = digits_of(s.tick_size);
  return s;
}

Decimal SimOrder::avg_price() const {
  if (executed.is_zero()) return Decimal{};
  return notional.checked_div(executed).value_or(Decimal{});
}

MatchingEngine::MatchingEngine(std::vector<SymbolInfo> symbols, Decimal maker_fee_rate,
                               Decimal taker_fee_rate, const Clock& clock)
    : symbol_list_(std::move(symbols)),
      maker_rate_(maker_fee_rate),
      taker_rate_(taker_fee_rate),
      clock_(clock) {
  for (auto& s : symbol_list_) {
    s.symbol = upper(s.symbol);
    SymbolBook b;
    b.info = s;
    b.agg = OrderBook(s.symbol);
    b.agg.set_whole(true);
    books_.emplace(s.symbol, std::move(b));
  }
}

void MatchingEngine::add_account(const std::string& key, std::map<std::string, Decimal> balances,
                                 bool unlimited) {
  Account& a = accounts_[key];
  a.unlimited = unlimited;
  for (auto& [cur, amount] : balances) a.assets[upper(cur)].total = amount;
}

bool MatchingEngine::has_account(const std::string& key) const {
  return accounts_.count(key) > 0;
}

MatchingEngine::SymbolBook* MatchingEngine::find_book(std::string_view symbol) {
  auto it = books_.find(upper(symbol));
  return it == books_.end() ? nullptr : &it->second;
}

const SymbolInfo* MatchingEngine::symbol(std::string_view name) const {
  auto it = books_.find(upper(name));
  return it == books_.end() ? nullptr : &it->second.info;
}

const OrderBook& MatchingEngine::book(const std::string& symbol) const {
  auto it = books_.find(upper(symbol));
  if (it == books_.end()) throw std::out_of_range("unknown symbol " + symbol);
  return it->second.agg;
}

std::uint64_t MatchingEngine::last_update_id(const std::string& symbol) const {
  auto it = books_.find(upper(symbol));
  return it == books_.end() ? 0 : it->second.last_update_id;
}

const std::deque<PublicTrade>& MatchingEngine::recent_trades(const std::string& symbol) const {
  static const std::deque<PublicTrade> kNone;
  auto it = books_.find(upper(symbol));
  return it == books_.end() ? kNone : it->second.trades;
}

Decimal MatchingEngine::hold_per_unit(const SimOrder& o) const {
  if (o.side == OrderSide::Sell) return Decimal::from_int(1);
  return o.price * (Decimal::from_int(1) + taker_rate_);
}

Decimal MatchingEngine::available_on_book(const SymbolBook& b, const SimOrder& o) const {
  Decimal sum;
  const Side opposite = o.side == OrderSide::Buy ? Side::Ask : Side::Bid;
  for (std::size_t i = 0; i < b.agg.depth(opposite); ++i) {
    const BookLevel& l = b.agg.level(opposite, i);
    const bool crosses = o.side == OrderSide::Buy ? l.price <= o.price : l.price >= o.price;
    if (!crosses) break;
    sum += l.quantity;
    if (sum >= o.remaining) break;
  }
  return sum;
}

void MatchingEngine::change_level(SymbolBook& b, MarketEvents& ev, Side side, Decimal price,
                                  Decimal delta, std::string_view reason) {
  const Decimal total = b.agg.quantity_at(side, price).value_or(Decimal{}) + delta;
  b.agg.set_level(side, price, total);
  b.last_update_id = ++next_update_id_;
  b.agg.touch(ev.ts);
  ev.changes.push_back(LevelChange{side, price, total.is_negative() ? Decimal{} : total, delta,
                                   reason, b.last_update_id});
}

void MatchingEngine::rest(SymbolBook& b, MarketEvents& ev, SimOrder& o) {
  if (o.side == OrderSide::Buy) {
    b.bids[o.price].orders.push_back(o.id);
  } else {
    b.asks[o.price].orders.push_back(o.id);
  }
  o.live = true;
  change_level(b, ev, book_side_of(o.side), o.price, o.remaining, "place");
}

void MatchingEngine::unlink(SymbolBook& b, MarketEvents& ev, SimOrder& o, std::string_view reason) {
  auto drop = [&](auto& side_map) {
    auto it = side_map.find(o.price);
    if (it == side_map.end()) return;
    auto& q = it->second.orders;
    q.erase(std::remove(q.begin(), q.end(), o.id), q.end());
    if (q.empty()) side_map.erase(it);
  };
  if (o.side == OrderSide::Buy) {
    drop(b.bids);
  } else {
    drop(b.asks);
  }
  o.live = false;
  change_level(b, ev, book_side_of(o.side), o.price, -o.remaining, reason);
}

void MatchingEngine::settle(SimOrder& o, const SymbolInfo& info, Decimal price, Decimal qty,
                            Decimal fee, bool aggressor, std::uint64_t tid) {
  Account& acct = accounts_.at(o.account);
  if (acct.unlimited) return;
  const Decimal notional = price * qty;
  Asset& base = acct.assets[info.base];
  Asset& quote = acct.assets[info.quote];
  if (o.side == OrderSide::Buy) {
    quote.total -= notional + fee;
    const Decimal release = min(o.hold, qty * hold_per_unit(o));
    quote.held -= release;
    o.hold -= release;
    base.total += qty;
  } else {
    base.total -= qty;
    base.held -= qty;
    o.hold -= qty;
    quote.total += notional - fee;
  }
  acct.volume += notional;
  acct.trades.push_back(AccountTrade{tid, o.id, o.client_order_id, info.symbol, o.side, price, qty,
                                     fee, info.quote, aggressor, clock_.now()});
}

void MatchingEngine::fill(SymbolBook& b, MarketEvents& ev, SimOrder& taker, SimOrder& maker,
                          Decimal qty) {
  const Decimal price = maker.price;
  const std::uint64_t tid = next_tid_++;
  const Decimal notional = price * qty;
  const Decimal maker_fee = notional * maker_rate_;
  const Decimal taker_fee = notional * taker_rate_;
  for (SimOrder* o : {&taker, &maker}) {
    o->executed += qty;
    o->remaining -= qty;
    o->notional += notional;
  }
  taker.fee += taker_fee;
  maker.fee += maker_fee;
  settle(taker, b.info, price, qty, taker_fee, true, tid);
  settle(maker, b.info, price, qty, maker_fee, false, tid);

  PublicTrade t{tid, price, qty, taker.side, ev.ts};
  ev.trades.push_back(t);
  b.trades.push_back(t);
  if (b.trades.size() > 500) b.trades.pop_front();

  change_level(b, ev, book_side_of(maker.side), price, -qty, "trade");
  if (maker.remaining.is_zero()) {
    auto pop = [&](auto& side_map) {
      auto it = side_map.find(price);
      auto& q = it->second.orders;
      q.pop_front();
      if (q.empty()) side_map.erase(it);
    };
    if (maker.side == OrderSide::Buy) {
      pop(b.bids);
    } else {
      pop(b.asks);
    }
    maker.live = false;
    close(maker);
  }
}

void MatchingEngine::close(SimOrder& o) {
  Account& acct = accounts_.at(o.account);
  if (acct.unlimited || o.hold.is_zero()) {
    o.hold = Decimal{};
    return;
  }
  const SymbolInfo* info = symbol(o.symbol);
  Asset& a = acct.assets[o.side == OrderSide::Buy ? info->quote : info->base];
  a.held -= o.hold;
  o.hold = Decimal{};
}

void MatchingEngine::emit(MarketEvents& ev) {
  if (listener_ && (!ev.changes.empty() || !ev.trades.empty())) listener_(ev);
}

MatchingEngine::OrderResult MatchingEngine::place(const NewOrder& req) {
  auto acct_it = accounts_.find(req.account);
  if (acct_it == accounts_.end()) return EngineError{400, "InvalidSignature", "InvalidSignature"};
  Account& acct = acct_it->second;
  SymbolBook* b = find_book(req.symbol);
  if (!b) {
    std::string list;
    for (const auto& s : symbol_list_) list += (list.empty() ? "'" : ", '") + s.symbol + "'";
    return EngineError{400, "InvalidSymbol",
                       "Received bad symbol '" + req.symbol +
                           "' but expected a supported symbol "
                           "from [" +
                           list + "]"};
  }
  const SymbolInfo& info = b->info;
  if (info.status != "open") {
    return EngineError{400, "MarketNotOpen", "Market " + info.symbol + " is not open"};
  }
  if (!req.amount.is_positive() || !req.amount.is_multiple_of(info.tick_size) ||
      req.amount < info.min_order_size) {
    return EngineError{400, "InvalidQuantity",
                       "Invalid quantity for symbol " + info.symbol + ": '" +
                           req.amount.to_string() + "' (minimum " +
                           info.min_order_size.to_string() + ", step " +
                           info.tick_size.to_string() + ")"};
  }
  if (!req.price.is_positive() || !req.price.is_multiple_of(info.quote_increment)) {
    return EngineError{400, "InvalidPrice",
                       "Invalid price for symbol " + info.symbol + ": '" + req.price.to_string() +
                           "' (tick " + info.quote_increment.to_string() + ")"};
  }

  SimOrder o;
  o.account = req.account;
  o.client_order_id = req.client_order_id;
  o.symbol = info.symbol;
  o.side = req.side;
  o.tif = req.tif;
  o.price = req.price;
  o.original = req.amount;
  o.remaining = req.amount;
  o.ts = clock_.now();

  if (!acct.unlimited) {
    const std::string& cur = req.side == OrderSide::Buy ? info.quote : info.base;
    const Decimal need = req.amount * hold_per_unit(o);
    Asset& a = acct.assets[cur];
    if (a.total - a.held < need) {
      return EngineError{406, "InsufficientFunds",
                         "Failed to place " + std::string(to_string(req.side)) +
                             " order on symbol '" + info.symbol + "' for price " +
                             req.price.to_string() + " " + info.quote + " and quantity " +
                             req.amount.to_string() + " " + info.base +
                             " due to insufficient funds"};
    }
    a.held += need;
    o.hold = need;
    ++cid_counts_[req.client_order_id];
    ++orders_placed_;
  }
  o.id = next_order_id_++;

  MarketEvents ev;
  ev.symbol = info.symbol;
  ev.ts = o.ts;
  const bool buy = o.side == OrderSide::Buy;
  auto crosses = [&] {
    if (buy) return !b->asks.empty() && b->asks.begin()->first <= o.price;
    return !b->bids.empty() && b->bids.begin()->first >= o.price;
  };

  if (o.tif == TimeInForce::MakerOrCancel && crosses()) {
    o.cancelled = true;
    o.reason = "MakerOrCancelWouldTake";
  } else if (o.tif == TimeInForce::FillOrKill && available_on_book(*b, o) < o.remaining) {
    o.cancelled = true;
    o.reason = "FillOrKillWouldNotFill";
  } else {
    std::vector<std::uint64_t> finished_market;
    while (o.remaining.is_positive() && crosses()) {
      const std::uint64_t maker_id =
          buy ? b->asks.begin()->second.orders.front() : b->bids.begin()->second.orders.front();
      SimOrder& maker = orders_.at(maker_id);
      fill(*b, ev, o, maker, min(o.remaining, maker.remaining));
      if (!maker.live && accounts_.at(maker.account).unlimited) finished_market.push_back(maker_id);
    }
    for (auto id : finished_market) orders_.erase(id);
    if (o.remaining.is_positive()) {
      if (o.tif == TimeInForce::ImmediateOrCancel || o.tif == TimeInForce::FillOrKill) {
        o.cancelled = true;
        o.reason = "ImmediateOrCancelWouldPost";
      } else {
        rest(*b, ev, o);
      }
    }
  }
  if (!o.live) close(o);
  SimOrder copy = o;
  if (!acct.unlimited) acct.order_ids.push_back(o.id);
  if (o.live || !acct.unlimited) orders_.emplace(o.id, std::move(o));
  emit(ev);
  return copy;
}

MatchingEngine::OrderResult MatchingEngine::cancel(const std::string& account,
                                                   std::uint64_t order_id) {
  auto it = orders_.find(order_id);
  if (it == orders_.end() || it->second.account != account) {
    return EngineError{404, "OrderNotFound", "Order " + std::to_string(order_id) + " not found"};
  }
  SimOrder& o = it->second;
  if (o.live) {
    SymbolBook* b = find_book(o.symbol);
    MarketEvents ev;
    ev.symbol = o.symbol;
    ev.ts = clock_.now();
    unlink(*b, ev, o, "cancel");
    o.cancelled = true;
    o.reason = "Requested";
    close(o);
    SimOrder copy = o;
    if (accounts_.at(account).unlimited) orders_.erase(it);
    emit(ev);
    return copy;
  }
  return o;
}

std::vector<std::uint64_t> MatchingEngine::cancel_all(const std::string& account) {
  std::vector<std::uint64_t> ids;
  for (const auto& o : open_orders(account)) {
    if (std::holds_alternative<SimOrder>(cancel(account, o.id))) ids.push_back(o.id);
  }
  return ids;
}

const SimOrder* MatchingEngine::order(const std::string& account, std::uint64_t order_id) const {
  auto it = orders_.find(order_id);
  if (it == orders_.end() || it->second.account != account) return nullptr;
  return &it->second;
}

const SimOrder* MatchingEngine::order_by_client_id(const std::string& account,
                                                   const std::string& cid) const {
  auto a = accounts_.find(account);
  if (a == accounts_.end()) return nullptr;
  for (auto it = a->second.order_ids.rbegin(); it != a->second.order_ids.rend(); ++it) {
    const SimOrder& o = orders_.at(*it);
    if (o.client_order_id == cid) return &o;
  }
  return nullptr;
}

std::vector<SimOrder> MatchingEngine::open_orders(const std::string& account) const {
  std::vector<SimOrder> out;
  auto a = accounts_.find(account);
  if (a == accounts_.end()) return out;
  if (a->second.unlimited) {
    for (const auto& [id, o] : orders_) {
      if (o.account == account && o.live) out.push_back(o);
    }
    return out;
  }
  for (auto id : a->second.order_ids) {
    const SimOrder& o = orders_.at(id);
    if (o.live) out.push_back(o);
  }
  return out;
}

std::vector<AccountTrade> MatchingEngine::account_trades(const std::string& account,
                                                         const std::string& symbol,
                                                         std::size_t limit, TimeNs since_ns) const {
  std::vector<AccountTrade> out;
  auto a = accounts_.find(account);
  if (a == accounts_.end()) return out;
  const std::string sym = upper(symbol);
  const auto& trades = a->second.trades;
  for (auto it = trades.rbegin(); it != trades.rend() && out.size() < limit; ++it) {
    if (!sym.empty() && it->symbol != sym) continue;
    if (it->ts < since_ns) continue;
    out.push_back(*it);
  }
  return out;
}

std::vector<AssetBalance> MatchingEngine::balances(const std::string& account) const {
  std::vector<AssetBalance> out;
  auto a = accounts_.find(account);
  if (a == accounts_.end()) return out;
  for (const auto& [cur, asset] : a->second.assets) {
    out.push_back(AssetBalance{cur, asset.total, asset.total - asset.held});
  }
  return out;
}

std::optional<Decimal> MatchingEngine::notional_volume(const std::string& account) const {
  auto a = accounts_.find(account);
  if (a == accounts_.end()) return std::nullopt;
  return a->second.volume;
}

std::vector<std::uint64_t> MatchingEngine::resting_ids(const std::string& account,
                                                       const std::string& symbol, Side side) const {
  std::vector<std::uint64_t> out;
  auto it = books_.find(upper(symbol));
  if (it == books_.end()) return out;
  auto collect = [&](const auto& side_map) {
    for (const auto& [price, level] : side_map) {
      for (auto id : level.orders) {
        if (orders_.at(id).account == account) out.push_back(id);
      }
    }
  };
  if (side == Side::Bid) {
    collect(it->second.bids);
  } else {
    collect(it->second.asks);
  }
  return out;
}

const SimOrder* MatchingEngine::resting(std::uint64_t id) const {
  auto it = orders_.find(id);
  return it == orders_.end() || !it->second.live ? nullptr : &it->second;
}

}  // namespace rtcrypto::sim
