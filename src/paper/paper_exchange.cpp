#include "rtcrypto/paper/paper_exchange.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <stdexcept>

#include "rtcrypto/paper/symbol_rules.hpp"

namespace rtcrypto {
namespace {

const Decimal kBpsPerUnit = Decimal::from_int(10'000);

std::optional<std::uint64_t> parse_id(std::string_view id) {
  std::uint64_t v = 0;
  auto [p, ec] = std::from_chars(id.data(), id.data() + id.size(), v);
  if (ec != std::errc{} || p != id.data() + id.size() || id.empty()) return std::nullopt;
  return v;
}

Side opposite_side(OrderSide s) {
  return s == OrderSide::Buy ? Side::Ask : Side::Bid;
}

// Would a level at `level_price` trade with our order at `limit`?
bool crosses(OrderSide side, Decimal limit, Decimal level_price) {
  return side == OrderSide::Buy ? level_price <= limit : level_price >= limit;
}

Decimal rate_of(Decimal bps, const char* what) {
  if (bps.is_negative() || bps >= kBpsPerUnit)
    throw std::invalid_argument(std::string("paper: ") + what + " fee bps must be in [0, 10000)");
  return *bps.checked_div(kBpsPerUnit);
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

PaperExchange::PaperExchange(PaperConfig config)
    : config_(std::move(config)),
      taker_rate_(rate_of(config_.taker_fee_bps, "taker")),
      maker_rate_(rate_of(config_.maker_fee_bps, "maker")),
      next_id_(config_.first_order_id) {
  for (const auto& [currency, amount] : config_.balances) {
    if (amount.is_negative())
      throw std::invalid_argument("paper: negative starting balance for " + currency);
    amounts_[upper(currency)] += amount;
  }
  std::map<std::string, SymbolRules, std::less<>> rules;
  for (auto [symbol, r] : config_.rules) {
    if (!r.tick_size.is_positive() || !r.quote_increment.is_positive() ||
        r.min_order_size.is_negative())
      throw std::invalid_argument("paper: rules for " + symbol + " need positive steps");
    r.symbol = normalize_symbol(symbol);
    rules[r.symbol] = r;
  }
  config_.rules = std::move(rules);
  if (!config_.default_rules.tick_size.is_positive() ||
      !config_.default_rules.quote_increment.is_positive())
    throw std::invalid_argument("paper: default rules need positive steps");
}

SymbolRules PaperExchange::rules(const std::string& symbol) const {
  const std::string s = normalize_symbol(symbol);
  if (auto it = config_.rules.find(s); it != config_.rules.end()) return it->second;
  if (auto r = builtin_symbol_rules(s)) return *r;
  SymbolRules r = config_.default_rules;
  r.symbol = s;
  return r;
}

void PaperExchange::rules_into(const std::string& symbol, SymbolRules& out) const {
  // The same answer as rules(), copied into `out`'s strings (no temporaries when the
  // symbol is already upper case, as the engine's are).
  const bool upper_case = std::none_of(symbol.begin(), symbol.end(), [](char c) {
    return c >= 'a' && c <= 'z';  // (std::islower of the "C" locale, without a call)
  });
  if (!upper_case) {
    out = rules(symbol);
    return;
  }
  const SymbolRules* found = nullptr;
  if (auto it = config_.rules.find(symbol); it != config_.rules.end()) found = &it->second;
  if (!found) found = find_builtin_symbol_rules(symbol);
  if (!found) found = &config_.default_rules;
  out.symbol.assign(found == &config_.default_rules ? std::string_view(symbol) : found->symbol);
  out.tick_size = found->tick_size;
  out.quote_increment = found->quote_increment;
  out.min_order_size = found->min_order_size;
  if (out.status != found->status) out.status = found->status;
}

Decimal PaperExchange::fee_for(Decimal notional, bool maker) const {
  return notional * (maker ? maker_rate_ : taker_rate_);
}

Decimal PaperExchange::hold_of(const Order& o) const {
  if (o.side == OrderSide::Sell) return o.remaining_amount;
  const Decimal notional = o.price * o.remaining_amount;
  return notional + fee_for(notional, /*maker=*/true);
}

std::map<std::string, Decimal> PaperExchange::holds() const {
  std::map<std::string, Decimal> out;
  for (const auto& [id, po] : open_) {
    const auto pair = split_symbol(po.order.symbol);
    out[po.order.side == OrderSide::Buy ? pair.quote : pair.base] += hold_of(po.order);
  }
  return out;
}

Decimal& PaperExchange::amount_of(const std::string& currency) {
  return amounts_[currency];
}

Decimal PaperExchange::available_of(const std::string& currency) const {
  auto it = amounts_.find(currency);
  const Decimal amount = it == amounts_.end() ? Decimal{} : it->second;
  if (open_.empty()) return amount;  // nothing rests: nothing held
  const auto h = holds();
  auto hit = h.find(currency);
  return hit == h.end() ? amount : amount - hit->second;
}

Balance PaperExchange::balance(std::string_view currency) const {
  const std::string c = upper(currency);
  auto it = amounts_.find(c);
  Balance b;
  b.currency = c;
  b.amount = it == amounts_.end() ? Decimal{} : it->second;
  b.available = available_of(c);
  b.available_for_withdrawal = b.available;
  return b;
}

std::vector<Balance> PaperExchange::balances() const {
  const auto h = holds();
  std::vector<Balance> out;
  out.reserve(amounts_.size());
  for (const auto& [currency, amount] : amounts_) {
    auto hit = h.find(currency);
    const Decimal avail = hit == h.end() ? amount : amount - hit->second;
    out.push_back(Balance{currency, amount, avail, avail});
  }
  return out;
}

void PaperExchange::balances_into(std::vector<Balance>& out) const {
  const auto h = holds();  // empty (no allocation) while no order rests
  out.resize(amounts_.size());
  auto b = out.begin();
  for (const auto& [currency, amount] : amounts_) {
    auto hit = h.find(currency);
    const Decimal avail = hit == h.end() ? amount : amount - hit->second;
    if (b->currency != currency) b->currency = currency;
    b->amount = amount;
    b->available = avail;
    b->available_for_withdrawal = avail;
    ++b;
  }
}

std::optional<PaperExchange::Rejection> PaperExchange::validate(const OrderRequest& r,
                                                                const std::string& sym,
                                                                const CurrencyPair& pair,
                                                                const SymbolRules& rules,
                                                                const OrderBook*& book) const {
  if (r.client_order_id.size() >= 100)
    return Rejection{"ClientOrderIdTooLong", "client_order_id must be shorter than 100 characters"};
  // (ASCII letters and digits: std::isalnum of the "C" locale, without a call per letter.)
  const bool alnum = !sym.empty() && std::all_of(sym.begin(), sym.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  });
  if (!alnum || pair.base.empty() || pair.quote.empty())
    return Rejection{"InvalidSymbol", "Received bad symbol '" + r.symbol + "'"};

  // The texts only a rejection needs (built then, not for every accepted order).
  const auto qty = [&] { return r.amount.to_string(); };
  const auto px = [&] { return r.price.to_string(); };
  if (!r.amount.is_positive())
    return Rejection{"InvalidQuantity",
                     "Invalid quantity for symbol " + sym + ": " + qty() + " must be positive"};
  if (r.amount < rules.min_order_size)
    return Rejection{"InvalidQuantity", "Invalid quantity for symbol " + sym + ": " + qty() +
                                            " is below the minimum order size " +
                                            rules.min_order_size.to_string()};
  if (!r.amount.is_multiple_of(rules.tick_size))
    return Rejection{"InvalidQuantity", "Invalid quantity for symbol " + sym + ": " + qty() +
                                            " is not a multiple of the tick size " +
                                            rules.tick_size.to_string()};
  if (!r.price.is_positive())
    return Rejection{"InvalidPrice",
                     "Invalid price for symbol " + sym + ": " + px() + " must be positive"};
  if (!r.price.is_multiple_of(rules.quote_increment))
    return Rejection{"InvalidPrice", "Invalid price for symbol " + sym + ": " + px() +
                                         " is not a multiple of the quote increment " +
                                         rules.quote_increment.to_string()};
  const auto notional = r.price.checked_mul(r.amount);
  if (!notional)
    return Rejection{"InvalidQuantity", "Invalid quantity for symbol " + sym + ": " + qty() +
                                            " at price " + px() + " is too large"};

  if (rules.status != "open" &&  // (the usual status: one comparison)
      (rules.status == "closed" || rules.status == "cancel_only" ||
       (rules.status == "post_only" && r.tif != TimeInForce::MakerOrCancel)))
    return Rejection{"MarketNotOpen", "Market " + sym + " is " + rules.status};
  book = config_.book_lookup ? config_.book_lookup(sym) : nullptr;
  if (book == nullptr || book->empty())
    return Rejection{"MarketNotOpen", "Market " + sym + " is not open: no order book"};

  // Funds: the worst case of the whole order (every part at the limit, taker fee unless it
  // can only ever be a maker).
  const bool maker_only = r.tif == TimeInForce::MakerOrCancel;
  const std::string& pay_currency = r.side == OrderSide::Buy ? pair.quote : pair.base;
  const Decimal need =
      r.side == OrderSide::Buy ? *notional + fee_for(*notional, maker_only) : r.amount;
  if (available_of(pay_currency) < need)
    return Rejection{"InsufficientFunds", "Failed to place " + std::string(to_string(r.side)) +
                                              " order on symbol '" + sym + "' for price " + px() +
                                              " " + pair.quote + " and quantity " + qty() + " " +
                                              pair.base + " due to insufficient funds"};
  return std::nullopt;
}

void PaperExchange::plan_taker(std::string_view symbol, const OrderBook& book, OrderSide side,
                               Decimal limit, Decimal amount, Decimal tick,
                               std::vector<Planned>& plan) {
  plan.clear();
  const Side opp = opposite_side(side);
  Decimal left = amount;
  for (std::size_t i = 0; i < book.depth(opp) && left.is_positive(); ++i) {
    const BookLevel& level = book.level(opp, i);
    if (!crosses(side, limit, level.price)) break;
    const Decimal avail = overlay_.available(symbol, opp, level.price, level.quantity);
    const Decimal take = min(left, avail.floor_to(tick));
    if (!take.is_positive()) continue;
    plan.push_back(Planned{level.price, take, level.quantity});
    left -= take;
  }
}

void PaperExchange::apply_fill(PaperOpenOrder& po, const CurrencyPair& pair, Decimal price,
                               Decimal amount, Decimal displayed, Decimal level_price, bool maker,
                               std::vector<Fill>& fills) {
  ++epoch_;
  Order& o = po.order;
  const Decimal notional = price * amount;
  const Decimal fee = fee_for(notional, maker);
  if (o.side == OrderSide::Buy) {
    amount_of(pair.quote) -= notional + fee;
    amount_of(pair.base) += amount;
  } else {
    amount_of(pair.base) -= amount;
    amount_of(pair.quote) += notional - fee;
  }
  o.executed_amount += amount;
  o.remaining_amount -= amount;
  o.fee += fee;
  po.executed_notional += notional;
  o.avg_execution_price = po.executed_notional.checked_div(o.executed_amount).value_or(Decimal{});
  overlay_.consume(o.symbol, opposite_side(o.side), level_price, displayed, amount);
  fills.push_back(
      Fill{o.order_id, o.client_order_id, o.symbol, o.side, price, amount, fee, maker, now()});
  ++stats_.fills;
}

void PaperExchange::close(std::uint64_t seq, PaperOpenOrder&& po) {
  po.order.is_live = false;
  closed_.insert_or_assign(seq, std::move(po.order));  // (no default Order to assign over)
  closed_order_.push_back(seq);
  while (closed_order_.size() > config_.max_closed_orders) {
    const std::uint64_t old = closed_order_.front();
    closed_order_.pop_front();
    auto it = closed_.find(old);
    if (it == closed_.end()) continue;
    auto cit = by_client_id_.find(it->second.client_order_id);
    if (cit != by_client_id_.end() && cit->second == old) by_client_id_.erase(cit);
    closed_.erase(it);
  }
}

void PaperExchange::notify(const std::vector<Fill>& fills) {
  if (!fill_listener_) return;
  for (const auto& f : fills) fill_listener_(f);
}

void PaperExchange::place(const OrderRequest& request, OrderCallback done) {
  // (balances_epoch() moves only if the order fills or rests: a rejected or cancelled
  // order changes no balance.)
  PaperOpenOrder po{};  // the order built in place (no move into its open-order record)
  Order& o = po.order;
  o.client_order_id = request.client_order_id;
  // Upper case already (the engine's symbols are): copied as it is, no temporary.
  const bool upper_case = std::all_of(request.symbol.begin(), request.symbol.end(), [](char c) {
    return !(c >= 'a' && c <= 'z') && static_cast<unsigned char>(c) < 0x80;
  });
  if (upper_case) {
    o.symbol.assign(request.symbol);
  } else {
    o.symbol = normalize_symbol(request.symbol);
  }
  o.side = request.side;
  o.tif = request.tif;
  o.price = request.price;
  o.original_amount = request.amount;
  o.remaining_amount = request.amount;
  o.timestamp = now();

  // The symbol's rules and currencies, looked up once per symbol.
  auto info = place_info_.find(o.symbol);
  if (info == place_info_.end()) {
    SymbolInfo si;
    rules_into(o.symbol, si.rules);  // (may throw: nothing kept then)
    si.pair = split_symbol(o.symbol);
    info = place_info_.emplace(o.symbol, std::move(si)).first;
  }
  const SymbolRules& sr = info->second.rules;
  const CurrencyPair& pair = info->second.pair;
  const OrderBook* book = nullptr;
  if (auto rej = validate(request, o.symbol, pair, sr, book)) {
    ++stats_.rejected;
    OrderOutcome out{OutcomeKind::Rejected, std::move(o), std::move(rej->reason),
                     std::move(rej->message)};
    if (done) done(out);
    return;
  }

  const std::uint64_t seq = next_id_++;
  o.order_id = std::to_string(seq);
  ++stats_.accepted;
  Order& ord = po.order;
  // The kept buffers, taken for this call (a callback that places again takes empty ones).
  std::vector<Fill> fills = std::move(fills_buffer_);
  fills.clear();

  const auto cancel_with = [&](const char* reason) {
    ord.is_cancelled = true;
    ord.reason = reason;
    ++stats_.cancelled;
  };

  if (ord.tif == TimeInForce::MakerOrCancel) {
    const auto best = book->best(opposite_side(ord.side));
    if (best && crosses(ord.side, ord.price, best->price)) cancel_with("MakerOrCancelWouldTake");
  } else {
    std::vector<Planned> plan = std::move(plan_buffer_);
    plan_taker(ord.symbol, *book, ord.side, ord.price, ord.original_amount, sr.tick_size, plan);
    Decimal fillable;
    for (const auto& p : plan) fillable += p.amount;
    if (ord.tif == TimeInForce::FillOrKill && fillable < ord.original_amount) {
      plan.clear();
      cancel_with("FillOrKillWouldNotFill");
    }
    for (const auto& p : plan)
      apply_fill(po, pair, p.price, p.amount, p.displayed, p.price, /*maker=*/false, fills);
    if (ord.tif == TimeInForce::ImmediateOrCancel && ord.remaining_amount.is_positive())
      cancel_with("ImmediateOrCancelWouldPost");
    plan_buffer_ = std::move(plan);
  }

  if (!ord.client_order_id.empty()) by_client_id_[ord.client_order_id] = seq;
  const bool rests = !ord.is_cancelled && ord.remaining_amount.is_positive();
  if (rests) ord.is_live = true;  // rests as a maker order
  // The answer holds the order as it is now (a copy made in place, not moved in later).
  OrderOutcome out{OutcomeKind::Accepted, ord, {}, {}};
  if (rests) {
    open_.emplace(seq, std::move(po));
  } else {
    close(seq, std::move(po));
  }

  if (rests || !fills.empty()) ++epoch_;  // again: settled before anyone hears of it
  notify(fills);
  fills_buffer_ = std::move(fills);
  if (done) done(out);
}

void PaperExchange::cancel(const std::string& order_id, OrderCallback done) {
  ++epoch_;
  const auto seq = parse_id(order_id);
  if (seq) {
    if (auto it = open_.find(*seq); it != open_.end()) {
      PaperOpenOrder po = std::move(it->second);
      open_.erase(it);
      po.order.is_live = false;
      po.order.is_cancelled = true;
      po.order.reason = "Requested";
      ++stats_.cancelled;
      Order snapshot = po.order;
      close(*seq, std::move(po));
      if (done) done(OrderOutcome{OutcomeKind::Accepted, std::move(snapshot), {}, {}});
      return;
    }
    // (The same text: "0123" and "123" are one number but not one id.)
    if (auto it = closed_.find(*seq); it != closed_.end() && it->second.order_id == order_id) {
      if (done) done(OrderOutcome{OutcomeKind::Accepted, it->second, {}, {}});
      return;
    }
  }
  if (done) {
    OrderOutcome out;
    out.kind = OutcomeKind::Rejected;
    out.order.order_id = order_id;
    out.reason = "OrderNotFound";
    out.message = "Order " + order_id + " not found";
    done(out);
  }
}

void PaperExchange::on_book_update(std::string_view symbol) {
  const std::string sym = normalize_symbol(symbol);
  const OrderBook* book = config_.book_lookup ? config_.book_lookup(sym) : nullptr;
  if (book == nullptr) return;
  overlay_.prune(sym, *book);

  // Price priority, then age: buys from the highest limit, sells from the lowest.
  std::vector<std::uint64_t> ids;
  for (const auto& [seq, po] : open_)
    if (po.order.symbol == sym) ids.push_back(seq);
  if (ids.empty()) return;
  std::stable_sort(ids.begin(), ids.end(), [&](std::uint64_t a, std::uint64_t b) {
    const Order& x = open_.at(a).order;
    const Order& y = open_.at(b).order;
    if (x.side != y.side) return x.side == OrderSide::Buy;
    if (x.price != y.price) return x.side == OrderSide::Buy ? x.price > y.price : x.price < y.price;
    return a < b;
  });

  const Decimal tick = rules(sym).tick_size;
  std::optional<CurrencyPair> pair;  // split at the first fill
  std::vector<Fill> fills;
  std::vector<Order> updated;
  for (std::uint64_t seq : ids) {
    auto it = open_.find(seq);
    PaperOpenOrder& po = it->second;
    const Side opp = opposite_side(po.order.side);
    const std::size_t before = fills.size();
    for (std::size_t i = 0; i < book->depth(opp) && po.order.remaining_amount.is_positive(); ++i) {
      const BookLevel& level = book->level(opp, i);
      if (!crosses(po.order.side, po.order.price, level.price)) break;
      const Decimal avail = overlay_.available(sym, opp, level.price, level.quantity);
      const Decimal take = min(po.order.remaining_amount, avail.floor_to(tick));
      if (!take.is_positive()) continue;
      if (!pair) pair = split_symbol(sym);
      apply_fill(po, *pair, po.order.price, take, level.quantity, level.price, /*maker=*/true,
                 fills);
    }
    if (fills.size() == before) continue;
    if (po.order.remaining_amount.is_positive()) {
      updated.push_back(po.order);
    } else {
      po.order.is_live = false;
      updated.push_back(po.order);
      PaperOpenOrder done = std::move(po);
      open_.erase(it);
      close(seq, std::move(done));
    }
  }

  if (!fills.empty()) ++epoch_;  // (fills, and orders closed after them)
  notify(fills);
  if (order_listener_)
    for (const auto& o : updated) order_listener_(o);
}

std::optional<Order> PaperExchange::order_by_client_id(const std::string& client_order_id) const {
  auto cit = by_client_id_.find(client_order_id);
  if (cit == by_client_id_.end()) return std::nullopt;
  if (auto it = open_.find(cit->second); it != open_.end()) return it->second.order;
  if (auto it = closed_.find(cit->second); it != closed_.end()) return it->second;
  return std::nullopt;
}

std::vector<Order> PaperExchange::open_orders() const {
  std::vector<Order> out;
  out.reserve(open_.size());
  for (const auto& [seq, po] : open_) out.push_back(po.order);
  return out;
}

PaperState PaperExchange::export_state() const {
  PaperState s;
  for (const auto& [currency, amount] : amounts_) s.balances.emplace_back(currency, amount);
  for (const auto& [seq, po] : open_) s.open_orders.push_back(po);
  s.next_order_id = next_id_;
  return s;
}

void PaperExchange::import_state(const PaperState& state) {
  ++epoch_;
  std::map<std::string, Decimal, std::less<>> amounts;
  for (const auto& [currency, amount] : state.balances) {
    if (amount.is_negative())
      throw std::invalid_argument("paper state: negative balance for " + currency);
    amounts[upper(currency)] += amount;
  }
  std::map<std::uint64_t, PaperOpenOrder> open;
  for (const auto& po : state.open_orders) {
    const auto seq = parse_id(po.order.order_id);
    if (!seq) throw std::invalid_argument("paper state: bad order_id '" + po.order.order_id + "'");
    if (!po.order.remaining_amount.is_positive() || !po.order.price.is_positive())
      throw std::invalid_argument("paper state: open order " + po.order.order_id +
                                  " needs a positive price and remaining amount");
    if (*seq >= state.next_order_id)
      throw std::invalid_argument("paper state: next_order_id must exceed open order " +
                                  po.order.order_id);
    PaperOpenOrder copy = po;
    copy.order.symbol = normalize_symbol(copy.order.symbol);
    copy.order.is_live = true;
    copy.order.is_cancelled = false;
    if (!open.emplace(*seq, std::move(copy)).second)
      throw std::invalid_argument("paper state: order " + po.order.order_id + " twice");
  }

  // Commit, then check the holds against the balances (restoring on failure).
  auto old_amounts = std::move(amounts_);
  auto old_open = std::move(open_);
  amounts_ = std::move(amounts);
  open_ = std::move(open);
  for (const auto& [currency, hold] : holds()) {
    if (available_of(currency).is_negative()) {
      amounts_ = std::move(old_amounts);
      open_ = std::move(old_open);
      throw std::invalid_argument("paper state: open orders hold more " + currency +
                                  " than the balance");
    }
  }
  next_id_ = state.next_order_id;
  closed_.clear();
  closed_order_.clear();
  by_client_id_.clear();
  for (const auto& [seq, po] : open_)
    if (!po.order.client_order_id.empty()) by_client_id_[po.order.client_order_id] = seq;
  overlay_.clear();
  ++epoch_;
}

}  // namespace rtcrypto
