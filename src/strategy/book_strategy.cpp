#include <charconv>
#include <cstring>
#include <string>

#include "rtcrypto/strategy/strategy.hpp"

namespace rtcrypto {

std::string_view to_string(Action a) {
  switch (a) {
    case Action::Buy:
      return "buy";
    case Action::Sell:
      return "sell";
    case Action::None:
      break;
  }
  return "none";
}

namespace {

// A decision's words written in place: `out`'s strings keep their buffers between decisions.
class Words {
 public:
  explicit Words(std::string& s) : s_(s) {}
  Words& operator<<(std::string_view v) {
    s_.append(v);
    return *this;
  }
  Words& operator<<(const Decimal& d) {
    d.append_to(s_);
    return *this;
  }
  // Same text as `std::ostream << v` (printf %g, 6 significant digits) without a stream.
  Words& operator<<(double v) {
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, 6);
    if (ec != std::errc()) return *this << std::string_view("?");
    s_.append(buf, end);
    return *this;
  }

 private:
  std::string& s_;
};

// No order: `reason`, and the detail to be written after.
Words none(Decision& out, std::string_view reason) {
  out.action = Action::None;
  out.reason.assign(reason);
  out.detail.clear();
  out.order.reset();
  return Words(out.detail);
}

// An order: the request filled in (client_order_id left for the engine), the detail after.
Words order(Decision& out, Action action, const StrategyInput& in, const BookStrategyConfig& cfg,
            Decimal amount, Decimal price) {
  out.action = action;
  out.reason.assign(action == Action::Buy ? "buy" : "sell");
  out.detail.clear();
  if (!out.order) out.order.emplace();
  OrderRequest& r = *out.order;
  r.client_order_id.clear();
  r.symbol.assign(in.window.symbol);
  r.side = action == Action::Buy ? OrderSide::Buy : OrderSide::Sell;
  r.amount = amount;
  r.price = price;
  r.tif = cfg.tif;
  return Words(out.detail);
}

// price × (1 ± bps/10000), exact in decimals.
Decimal with_slippage(Decimal price, std::int64_t bps, bool up) {
  if (bps <= 0) return price;
  Decimal frac = Decimal::from_raw(Decimal::kOne / 10'000 * bps);
  Decimal delta = price * frac;
  return up ? price + delta : price - delta;
}

}  // namespace

BookStrategy::BookStrategy(BookStrategyConfig config) : config_(config) {
  Words(outside_band_) << " is outside (" << config_.band_low << ", " << config_.band_high << ")";
}

Decision BookStrategy::decide(const StrategyInput& in) {
  Decision d;
  decide_into(in, d);
  return d;
}

void BookStrategy::decide_into(const StrategyInput& in, Decision& out) {
  const SymbolRules& rules = in.rules;
  if (!in.signal) {
    none(out, "no_signal") << "no signal for the next minute";
    return;
  }
  // (The usual "open" compared inline: the string compare's memcmp call showed, one a
  // decision.)
  const std::string& status = rules.status;
  const bool open = status.size() == 4 && std::memcmp(status.data(), "open", 4) == 0;
  if (!status.empty() && !open) {
    none(out, "symbol_not_open") << "symbol status is " << rules.status;
    return;
  }

  if (in.signal->side == OrderSide::Sell) {
    if (!in.base_available.is_positive()) {
      none(out, "nothing_to_sell") << "sell signal but no " << in.window.symbol << " base holdings";
      return;
    }
    Decimal amount = in.base_available.floor_to(rules.tick_size);
    if (amount < rules.min_order_size) {
      none(out, "below_min_size") << "sell signal but holdings " << in.base_available
                                  << " are below the minimum order size " << rules.min_order_size;
      return;
    }
    auto bid = in.book.best_bid();
    if (!bid) {
      none(out, "no_bid") << "sell signal but the book has no bid";
      return;
    }
    Decimal price =
        with_slippage(bid->price, config_.slippage_bps, false).ceil_to(rules.quote_increment);
    if (!price.is_positive()) {
      none(out, "no_bid") << "sell price rounds to zero";
      return;
    }
    order(out, Action::Sell, in, config_, amount, price)
        << "sell signal: sell all " << amount << " at " << price;
    return;
  }

  // Buy signal.
  if (in.base_available >= rules.min_order_size) {
    none(out, "not_flat") << "buy signal but already holding " << in.base_available;
    return;
  }
  if (!in.window.ratio) {
    none(out, "no_ratio") << "buy signal but the window has no ratio (a side had no flow)";
    return;
  }
  double ratio = *in.window.ratio;
  if (!(ratio > config_.band_low && ratio < config_.band_high)) {
    none(out, "ratio_outside_band") << "buy signal but ratio " << ratio << outside_band_;
    return;
  }
  auto ask = in.book.best_ask();
  if (!ask) {
    none(out, "no_ask") << "buy signal but the book has no ask";
    return;
  }
  Decimal price =
      with_slippage(ask->price, config_.slippage_bps, true).floor_to(rules.quote_increment);
  if (!price.is_positive()) {
    none(out, "no_ask") << "buy price rounds to zero";
    return;
  }
  Decimal spend =
      in.quote_available.is_positive() ? in.quote_available * config_.trade_pct : Decimal{};
  auto raw_amount = spend.checked_div(price);
  Decimal amount = raw_amount ? raw_amount->floor_to(rules.tick_size) : Decimal{};
  if (amount < rules.min_order_size || !amount.is_positive()) {
    none(out, "below_min_size") << "buy signal but " << spend << " buys " << amount
                                << ", below the minimum order size " << rules.min_order_size;
    return;
  }
  order(out, Action::Buy, in, config_, amount, price)
      << "buy signal, ratio " << ratio << " in band: buy " << amount << " at " << price;
}

}  // namespace rtcrypto
