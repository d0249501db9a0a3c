#pragma once
// Risk limits in front of every order, and the kill switch. Pure logic on event time: the
// engine passes the book state, the time and the account equity with every check.
//
// - max_order_notional: amount × limit price, in quote units.
// - max_position: in BASE units (what the account would hold after a buy); sells always
//   reduce the position and are never refused by it.
// - max_orders_per_minute: orders allowed in any 60 s of event time.
// - daily_loss_limit: quote units; equity falling that far below the equity at the start of
//   the UTC day (first observation after midnight) trips the kill switch.
// - max_drawdown_pct: equity falling that many percent below its peak trips the kill switch.
// - max_book_age: no order when the feed last proved the book current longer ago than
//   this. RiskContext::book_age is `now − fresh_at`, where `now` is the engine's event
//   time (the largest event time seen, which the live source also moves with a wall-clock
//   tick once a second) and `fresh_at` the later of: the last level change of the book
//   (its event time), and the engine clock when a later frame arrived on the connection
//   that carries the symbol while the book was whole (heartbeat, pong, trade or any other
//   symbol's update: TCP delivers in order, so nothing of this book was missed up to it;
//   Engine::on_feed_current). A frame the parser could not read suspends those proofs
//   until the book changes again (Engine::on_feed_suspect). A silent connection gives no
//   proofs, so its books go stale; a book that is not whole is refused whatever its age.
// - order_in_flight (always on): no order for a symbol while an earlier order of it has no
//   known outcome (sent and unanswered, or unknown after a timeout / 5xx and not yet
//   resolved by a lookup by client_order_id): Exchange::in_flight_for.
// A limit that is not set (nullopt / 0) is not checked. A tripped kill switch refuses every
// order until reset_kill_switch() — except, with kill_switch_allows_sells, a sell of at most
// the position held (it can only take risk off; the other checks still apply), so a sell
// signal can still exit. It survives a restart through export_state/import_state.
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "rtcrypto/core/decimal.hpp"
#include "rtcrypto/core/time.hpp"
#include "rtcrypto/exec/exchange.hpp"

namespace rtcrypto {

struct RiskLimits {
  std::optional<Decimal> max_order_notional;
  std::optional<Decimal> max_position;  // base units
  int max_orders_per_minute = 0;        // 0 = no limit
  std::optional<Decimal> daily_loss_limit;
  std::optional<double> max_drawdown_pct;
  TimeNs max_book_age = 5000 * kNsPerMs;  // 0 = no limit
  bool kill_switch_allows_sells = false;  // a tripped kill switch still lets exits through
};

struct RiskContext {
  bool book_whole = false;
  bool book_crossed = false;
  TimeNs book_age = 0;  // now − the last time the feed proved the book current (see above)
  std::size_t orders_in_flight = 0;  // orders of this symbol whose outcome is not known yet
  TimeNs now = 0;
  std::optional<Decimal> equity;  // account value in quote units, when it can be marked
  Decimal position;               // base units held now (before this order)
};

struct RiskVerdict {
  bool allowed = false;
  std::string reason;  // "ok", "kill_switch", "order_in_flight", "book_not_whole",
                       // "book_crossed", "book_stale", "max_order_notional", "max_position",
                       // "max_orders_per_minute"
  std::string detail;
};

// What survives a restart.
struct RiskState {
  bool killed = false;
  std::string kill_reason;
  TimeNs killed_at = 0;
  std::optional<Decimal> peak_equity;
  std::optional<Decimal> day_start_equity;
  std::int64_t day = INT64_MIN;       // UTC day number of day_start_equity
  std::vector<TimeNs> recent_orders;  // order times within the last minute
};

class RiskManager {
 public:
  explicit RiskManager(RiskLimits limits = {}) : limits_(limits) {}

  // Marks equity at `now`: updates the peak and the day start, and trips the kill switch on
  // a daily loss or drawdown breach. Returns true when the switch is (now) tripped.
  bool observe_equity(TimeNs now, Decimal equity);

  // Checks an order. Observes ctx.equity first. An allowed order counts toward the rate limit.
  RiskVerdict check(const OrderRequest& request, const RiskContext& ctx);
  // The same verdict written into `out` (its strings reused: a caller that keeps one
  // verdict allocates nothing for the fixed texts).
  void check_into(const OrderRequest& request, const RiskContext& ctx, RiskVerdict& out);

  bool killed() const { return state_.killed; }
  const std::string& kill_reason() const { return state_.kill_reason; }
  [[gnu::cold]] void trip(TimeNs now, std::string reason);  // (cold: its callers' texts too)
  void reset_kill_switch();
  // Loss since the start of the UTC day and drawdown from the peak (0 when unknown).
  Decimal daily_loss() const { return daily_loss_; }
  double drawdown_pct() const { return drawdown_pct_; }

  const RiskLimits& limits() const { return limits_; }
  RiskState export_state() const;
  void import_state(const RiskState& s);

 private:
  void prune(TimeNs now);
  [[gnu::cold, gnu::noinline]] void trip_daily_loss(TimeNs now);
  [[gnu::cold, gnu::noinline]] void trip_drawdown(TimeNs now);

  RiskLimits limits_;
  RiskState state_;
  std::deque<TimeNs> orders_;
  Decimal daily_loss_;
  double drawdown_pct_ = 0;
};

}  // namespace rtcrypto
