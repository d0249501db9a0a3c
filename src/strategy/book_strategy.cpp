#include <charconv>
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

Decision none(std::string reason, std::string detail) {
  Decision d;
  d.reason = std::move(reason);
  d.detail = std::move(detail);
  return d;
}

// price × (1 ± bps/10000), exact in decimals.
Decimal with_slippage(Decimal price, std::int64_t bps, bool up) {
  if (bps <= 0) return price;
  Decimal frac = Decimal::from_raw(Decimal::kOne / 10'000 * bps);
  Decimal delta = price * frac;
  return up ? price + delta : price - delta;
}

// Same text as `std::ostream << v` (printf %g, 6 significant digits) without a stream:
// this runs on every decision, ahead of the order.
std::string fmt(double v) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, 6);
  if (ec != std::errc()) return "?";
  return std::string(buf, end);
}

}  // namespace

Decision BookStrategy::decide(const StrategyInput& in) {
  const SymbolRules& rules = in.rules;
  if (!in.signal) return none("no_signal", "no signal for the next minute");
  if (!rules.status.empty() && rules.status != "open")
    return none("symbol_not_open", "symbol status is " + rules.status);

  if (in.signal->side == OrderSide::Sell) {
    if (!in.base_available.is_positive())
      return none("nothing_to_sell", "sell signal but no " + in.window.symbol + " base holdings");
    Decimal amount = in.base_available.floor_to(rules.tick_size);
    if (amount < rules.min_order_size)
      return none("below_min_size", "sell signal but holdings " + in.base_available.to_string() +
                                        " are below the minimum order size " +
                                        rules.min_order_size.to_string());
    auto bid = in.book.best_bid();
    if (!bid) return none("no_bid", "sell signal but the book has no bid");
    Decimal price =
        with_slippage(bid->price, config_.slippage_bps, false).ceil_to(rules.quote_increment);
    if (!price.is_positive()) return none("no_bid", "sell price rounds to zero");
    Decision d;
    d.action = Action::Sell;
    d.reason = "sell";
    d.detail = "sell signal: sell all " + amount.to_string() + " at " + price.to_string();
    OrderRequest r;
    r.symbol = in.window.symbol;
    r.side = OrderSide::Sell;
    r.amount = amount;
    r.price = price;
    r.tif = config_.tif;
    d.order = std::move(r);
    return d;
  }

  // Buy signal.
  if (in.base_available >= rules.min_order_size)
    return none("not_flat", "buy signal but already holding " + in.base_available.to_string());
  if (!in.window.ratio)
    return none("no_ratio", "buy signal but the window has no ratio (a side had no flow)");
  double ratio = *in.window.ratio;
  if (!(ratio > config_.band_low && ratio < config_.band_high))
    return none("ratio_outside_band", "buy signal but ratio " + fmt(ratio) + " is outside (" +
                                          fmt(config_.band_low) + ", " + fmt(config_.band_high) +
                                          ")");
  auto ask = in.book.best_ask();
  if (!ask) return none("no_ask", "buy signal but the book has no ask");
  Decimal price =
      with_slippage(ask->price, config_.slippage_bps, true).floor_to(rules.quote_increment);
  if (!price.is_positive()) return none("no_ask", "buy price rounds to zero");
  Decimal spend =
      in.quote_available.is_positive() ? in.quote_available * config_.trade_pct : Decimal{};
  auto raw_amount = spend.checked_div(price);
  Decimal amount = raw_amount ? raw_amount->floor_to(rules.tick_size) : Decimal{};
  if (amount < rules.min_order_size || !amount.is_positive())
    return none("below_min_size", "buy signal but " + spend.to_string() + " buys " +
                                      amount.to_string() + ", below the minimum order size " +
                                      rules.min_order_size.to_string());
  Decision d;
  d.action = Action::Buy;
  d.reason = "buy";
  d.detail = "buy signal, ratio " + fmt(ratio) + " in band: buy " + amount.to_string() + " at " +
             price.to_string();
  OrderRequest r;
  r.symbol = in.window.symbol;
  r.side = OrderSide::Buy;
  r.amount = amount;
  r.price = price;
  r.tif = config_.tif;
  d.order = std::move(r);
  return d;
}

}  // namespace rtcrypto
