#pragma once
// Turns a closed window, the signal and the position into a decision. Pure: no I/O, no
// clock; the engine passes risk checks and the exchange afterwards.
#include <optional>
#include <string>
#include <string_view>

#include "rtcrypto/book/order_book.hpp"
#include "rtcrypto/core/decimal.hpp"
#include "rtcrypto/exec/exchange.hpp"
#include "rtcrypto/signal/signal_source.hpp"
#include "rtcrypto/window/window_aggregator.hpp"

namespace rtcrypto {

enum class Action : std::uint8_t { None, Buy, Sell };
std::string_view to_string(Action a);

struct StrategyInput {
  const WindowResult& window;
  const std::optional<SignalValue>& signal;
  Decimal base_available;   // base currency the account can sell
  Decimal quote_available;  // quote currency the account can spend
  std::optional<Decimal> last_buy_price;
  const OrderBook& book;
  const SymbolRules& rules;
};

struct Decision {
  Action action = Action::None;
  std::string reason;  // short machine code: "buy", "sell", "no_signal", "ratio_outside_band", ...
  std::string detail;  // one line for people
  std::optional<OrderRequest> order;  // set for Buy/Sell; client_order_id left for the engine
};

class Strategy {
 public:
  virtual ~Strategy() = default;
  virtual Decision decide(const StrategyInput& in) = 0;
  // The same decision written into `out` (the engine keeps one per run, so a strategy that
  // overrides this can reuse its strings' buffers: no allocation per decision).
  virtual void decide_into(const StrategyInput& in, Decision& out) { out = decide(in); }
  virtual std::string name() const = 0;
};

struct BookStrategyConfig {
  double band_low = 0.1;  // buy only when band_low < ratio < band_high (strictly)
  double band_high = 2.0;
  Decimal trade_pct = Decimal::from_raw(Decimal::kOne / 10 * 9);  // share of quote spent per buy
  // How far past the touch the limit may go, in basis points (0 = exactly at the touch).
  std::int64_t slippage_bps = 0;
  TimeInForce tif = TimeInForce::ImmediateOrCancel;
};

// DESIGN "The default strategy" (the book's rules):
// - no signal -> nothing ("no_signal");
// - sell signal: base ≥ min_order_size -> sell all of it (floored to tick_size) IOC at the
//   best bid (less the slippage cap, price rounded up to quote_increment so the cap holds);
//   otherwise "nothing_to_sell" (zero) or "below_min_size" (dust);
// - buy signal: only when flat (base < min_order_size, else "not_flat"), the ratio exists
//   ("no_ratio") and lies strictly inside the band ("ratio_outside_band"): spend trade_pct
//   of the available quote IOC at the best ask (plus the slippage cap, price rounded down),
//   amount = spend ÷ price floored to tick_size ("below_min_size" when that is too small);
// - an empty side of the book gives "no_bid" / "no_ask"; a closed symbol "symbol_not_open".
class BookStrategy final : public Strategy {
 public:
  explicit BookStrategy(BookStrategyConfig config = {});
  Decision decide(const StrategyInput& in) override;
  void decide_into(const StrategyInput& in, Decision& out) override;
  std::string name() const override { return "book"; }
  const BookStrategyConfig& config() const { return config_; }

 private:
  BookStrategyConfig config_;
  std::string outside_band_;  // " is outside (<band_low>, <band_high>)", written once
};

}  // namespace rtcrypto
