#pragma once
// Walk-forward evaluation of the forecast on held-out minute bars, against baselines
// (persistence, drift, seasonal naive), with a bar-level backtest of the table's sides.
#include <string>
#include <vector>

#include "rtcrypto/bars/minute_bars.hpp"
#include "rtcrypto/forecast/prophet_model.hpp"

namespace rtcrypto::forecast {

struct EvalOptions {
  int refit_days = 0;  // 0: fit once on the training bars; N: refit every N days (expanding)
  double fee = 0.001;  // per side, fraction of notional, in the backtest
  bool intervals = true;
  ProphetOptions prophet;
};

struct ErrorMetrics {
  std::size_t n = 0;
  double mae = 0, rmse = 0;
};

struct DirectionMetrics {
  bool applicable = false;  // false for a method that never predicts a direction
  std::size_t n = 0, correct = 0;
  double accuracy = 0, ci_low = 0, ci_high = 0;  // Wilson 95 % interval
  // Predicted (first) versus realised (second) direction.
  std::size_t up_up = 0, up_down = 0, down_up = 0, down_down = 0;
  std::size_t abstained = 0;      // predicted exactly no change
  std::size_t realised_flat = 0;  // realised no change (excluded from n)
};

struct MethodMetrics {
  std::string name;
  ErrorMetrics log_price;   // one-step log price
  ErrorMetrics log_return;  // one-minute log return
  DirectionMetrics direction;
};

struct BacktestResult {
  double strategy_return = 0, buy_hold_return = 0;  // simple returns over the holdout
  double strategy_fees = 0;                         // fraction of equity paid, summed
  std::size_t trades = 0;
  double exposure = 0;  // fraction of minutes held long
  double strategy_max_drawdown = 0, buy_hold_max_drawdown = 0;
};

struct PlotPoint {
  TimeNs ds;
  double price, yhat, lower, upper;
  std::int32_t segment;
};

struct EvalReport {
  std::size_t train_rows = 0, holdout_rows = 0, fits = 0;
  TimeNs holdout_first = 0, holdout_last = 0;
  double fee = 0;
  double fit_seconds = 0;
  double interval_width = 0, interval_coverage = 0;  // share of closes inside [lower, upper]
  std::vector<MethodMetrics> methods;  // "prophet", "persistence", "drift", "seasonal_naive"
  BacktestResult backtest;
  std::vector<PlotPoint> series;  // one per holdout bar
};

// Wilson score interval for k successes out of n at 95 %.
void wilson_interval(std::size_t k, std::size_t n, double& low, double& high);

EvalReport evaluate_forecast(const std::vector<MinuteBar>& train,
                             const std::vector<MinuteBar>& holdout, const EvalOptions& options,
                             const Progress& progress = {});

std::string eval_report_text(const EvalReport& report);
std::string eval_report_json(const EvalReport& report);
// Price, forecast and interval over the holdout, segments side by side; no external assets.
std::string eval_plot_svg(const EvalReport& report, int width = 1200, int height = 500);

}  // namespace rtcrypto::forecast
