#include "rtcrypto/risk/risk_manager.hpp"

#include <string_view>

#include "rtcrypto/core/decimal_to_double.hpp"

namespace rtcrypto {
namespace {

// Cold: the refusals' texts are built on paths the compiler keeps apart from check()'s
// common one. Written into the verdict's own buffers (no allocation once they are big enough).
[[gnu::cold]] void refuse(RiskVerdict& out, std::string_view reason, std::string_view detail) {
  out.allowed = false;
  out.reason.assign(reason);
  out.detail.assign(detail);
}

std::int64_t utc_day(TimeNs t) {
  return floor_to_period(t, 86400 * kNsPerSec) / (86400 * kNsPerSec);
}

}  // namespace

void RiskManager::trip(TimeNs now, std::string reason) {
  if (state_.killed) return;
  state_.killed = true;
  state_.killed_at = now;
  state_.kill_reason = std::move(reason);
}

void RiskManager::reset_kill_switch() {
  state_.killed = false;
  state_.kill_reason.clear();
  state_.killed_at = 0;
  // Measure drawdown afresh from here: otherwise the next observation trips it again.
  state_.peak_equity.reset();
  state_.day_start_equity.reset();
  state_.day = INT64_MIN;
  daily_loss_ = {};
  drawdown_pct_ = 0;
}

bool RiskManager::observe_equity(TimeNs now, Decimal equity) {
  std::int64_t day = utc_day(now);
  if (day != state_.day || !state_.day_start_equity) {
    state_.day = day;  // daily loss resets at UTC midnight
    state_.day_start_equity = equity;
  }
  if (!state_.peak_equity || equity > *state_.peak_equity) state_.peak_equity = equity;
  daily_loss_ = *state_.day_start_equity - equity;
  drawdown_pct_ = 0;
  // (At the peak the drawdown is 0 exactly, as the division below would give: no
  // conversions.)
  if (state_.peak_equity->is_positive() && equity != *state_.peak_equity) {
    // (decimal_to_double: to_double's doubles without its divide.)
    drawdown_pct_ = decimal_to_double(*state_.peak_equity - equity) /
                    decimal_to_double(*state_.peak_equity) * 100.0;
  }
  if (limits_.daily_loss_limit && daily_loss_ >= *limits_.daily_loss_limit &&
      daily_loss_.is_positive())
    trip_daily_loss(now);
  if (limits_.max_drawdown_pct && drawdown_pct_ >= *limits_.max_drawdown_pct && drawdown_pct_ > 0)
    trip_drawdown(now);
  return state_.killed;
}

// The trips' texts, out of line: observe_equity runs on every decision.
void RiskManager::trip_daily_loss(TimeNs now) {
  trip(now, "daily loss " + daily_loss_.to_string() + " reached the limit " +
                limits_.daily_loss_limit->to_string());
}

void RiskManager::trip_drawdown(TimeNs now) {
  trip(now, "drawdown " + std::to_string(drawdown_pct_) + " % reached the limit " +
                std::to_string(*limits_.max_drawdown_pct) + " %");
}

void RiskManager::prune(TimeNs now) {
  while (!orders_.empty() && orders_.front() <= now - kNsPerMin) orders_.pop_front();
}

namespace {
// A spot sell of no more than is held: it can only take risk off.
bool reduces_position(const OrderRequest& req, const RiskContext& ctx) {
  return req.side == OrderSide::Sell && req.amount <= ctx.position;
}
}  // namespace

RiskVerdict RiskManager::check(const OrderRequest& req, const RiskContext& ctx) {
  RiskVerdict v;
  check_into(req, ctx, v);
  return v;
}

void RiskManager::check_into(const OrderRequest& req, const RiskContext& ctx, RiskVerdict& out) {
  if (ctx.equity) observe_equity(ctx.now, *ctx.equity);
  if (state_.killed && !(limits_.kill_switch_allows_sells && reduces_position(req, ctx)))
    return refuse(out, "kill_switch", "kill switch tripped: " + state_.kill_reason);
  // A second order next to one whose fate is unknown could double the position.
  if (ctx.orders_in_flight > 0) {
    return refuse(out, "order_in_flight",
                  std::to_string(ctx.orders_in_flight) + " order(s) of " + req.symbol +
                      " with no known outcome yet (waiting for the exchange's answer or a "
                      "lookup by client_order_id)");
  }
  if (!ctx.book_whole)
    return refuse(out, "book_not_whole", "the book is rebuilding (no complete snapshot)");
  if (ctx.book_crossed) return refuse(out, "book_crossed", "the book is crossed");
  if (limits_.max_book_age > 0 && ctx.book_age > limits_.max_book_age) {
    return refuse(out, "book_stale",
                  "the book is " + std::to_string(ctx.book_age / kNsPerMs) + " ms old (limit " +
                      std::to_string(limits_.max_book_age / kNsPerMs) + " ms)");
  }
  if (!req.amount.is_positive() || !req.price.is_positive())
    return refuse(out, "bad_order", "amount and price must be positive");
  auto notional = req.amount.checked_mul(req.price);
  if (limits_.max_order_notional && (!notional || *notional > *limits_.max_order_notional)) {
    return refuse(out, "max_order_notional",
                  "order notional " + (notional ? notional->to_string() : "overflow") +
                      " exceeds " + limits_.max_order_notional->to_string());
  }
  if (limits_.max_position && req.side == OrderSide::Buy &&
      ctx.position + req.amount > *limits_.max_position) {
    return refuse(out, "max_position",
                  "position would be " + (ctx.position + req.amount).to_string() +
                      " above the limit " + limits_.max_position->to_string());
  }
  prune(ctx.now);
  if (limits_.max_orders_per_minute > 0 &&
      static_cast<int>(orders_.size()) >= limits_.max_orders_per_minute) {
    return refuse(out, "max_orders_per_minute",
                  std::to_string(orders_.size()) + " orders in the last minute (limit " +
                      std::to_string(limits_.max_orders_per_minute) + ")");
  }
  orders_.push_back(ctx.now);
  out.allowed = true;
  out.reason.assign("ok");
  out.detail.assign("within limits");
}

RiskState RiskManager::export_state() const {
  RiskState s = state_;
  s.recent_orders.assign(orders_.begin(), orders_.end());
  return s;
}

void RiskManager::import_state(const RiskState& s) {
  state_ = s;
  orders_.assign(s.recent_orders.begin(), s.recent_orders.end());
  state_.recent_orders.clear();
  daily_loss_ = {};
  drawdown_pct_ = 0;
}

}  // namespace rtcrypto
