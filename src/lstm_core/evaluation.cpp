#include "rtcrypto/lstm_core/evaluation.hpp"

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "rtcrypto/lstm_core/lstm_forward.hpp"

namespace rtcrypto::lstm {

void wilson_interval(std::uint64_t k, std::uint64_t n, double& lower, double& upper) {
  if (n == 0) {
    lower = 0;
    upper = 1;
    return;
  }
  const double z = 1.96, nn = static_cast<double>(n), p = static_cast<double>(k) / nn;
  const double denom = 1 + z * z / nn;
  const double centre = (p + z * z / (2 * nn)) / denom;
  const double half = z * std::sqrt(p * (1 - p) / nn + z * z / (4 * nn * nn)) / denom;
  lower = centre - half;
  upper = centre + half;
}

double DirectionStats::lower95() const {
  double lo, hi;
  wilson_interval(correct, n, lo, hi);
  return lo;
}
double DirectionStats::upper95() const {
  double lo, hi;
  wilson_interval(correct, n, lo, hi);
  return hi;
}
void DirectionStats::add(bool actual_up, bool predicted_up) {
  ++n;
  if (actual_up == predicted_up) ++correct;
  ++confusion[actual_up ? 1 : 0][predicted_up ? 1 : 0];
}

LstmEvaluation evaluate_lstm(const LstmModel& model, const std::vector<MinuteBar>& bars,
                             const EvalOptions& options) {
  model.check_consistent();
  const Sidecar& sc = model.sidecar;
  LstmEvaluation ev;
  ev.bars = bars.size();
  FeatureTable table = compute_features(bars, sc.spec);
  const std::size_t F = sc.spec.size(), L = static_cast<std::size_t>(sc.lookback);
  const std::size_t h = static_cast<std::size_t>(sc.horizon);
  // Normalise every row once, in place (what the serving ring holds).
  for (std::size_t i = 0; i < table.size(); ++i)
    if (table.valid[i]) {
      float* r = table.rows.data() + i * F;
      sc.input.apply(r, r);
    }
  std::vector<std::size_t> ends = window_ends(table, sc.lookback, sc.horizon);
  if (options.max_windows && ends.size() > options.max_windows) {
    std::vector<std::size_t> picked;
    const double step = static_cast<double>(ends.size()) / static_cast<double>(options.max_windows);
    for (std::size_t k = 0; k < options.max_windows; ++k)
      picked.push_back(ends[static_cast<std::size_t>(static_cast<double>(k) * step)]);
    ends.swap(picked);
  }
  if (ends.empty()) return ev;
  ev.first = bars[ends.front()].ts;
  ev.last = bars[ends.back()].ts;

  LstmForward fwd(model.weights);
  const double fee = options.fee_bps * 1e-4;
  const double fee_log = -std::log1p(-fee);  // cost of one side as a log return
  double sum_abs = 0, sum_sq = 0, base_abs = 0, base_sq = 0;
  double strat_log = 0, hold_log = 0, fees_log = 0;
  std::uint64_t long_minutes = 0;
  int position = 0;
  std::size_t prev_end = 0;
  bool have_prev = false;
  std::int32_t hold_run = -1;
  for (std::size_t e : ends) {
    const float* y = fwd.run(table.row(e + 1 - L), sc.lookback);
    const double pred = sc.target.denormalise(h - 1, y[h - 1]);
    const double actual = std::log(bars[e + h].close / bars[e].close);
    sum_abs += std::abs(pred - actual);
    sum_sq += (pred - actual) * (pred - actual);
    base_abs += std::abs(actual);
    base_sq += actual * actual;
    const bool has_last_move = e >= h && table.run[e - h] == table.run[e];
    const double last_move = has_last_move ? std::log(bars[e].close / bars[e - h].close) : 0.0;
    ++ev.windows;
    if (actual == 0) {
      ++ev.actual_flat;
    } else {
      ev.direction.add(actual > 0, pred > 0);
      if (has_last_move && last_move != 0) ev.baseline_direction.add(actual > 0, last_move > 0);
    }
    // Backtest: the position taken at the close of minute e earns minute e+1.
    const bool contiguous = have_prev && e == prev_end + 1 && table.run[e] == table.run[prev_end];
    if (!contiguous && position) {  // the data broke off: we were flat across the gap
      fees_log += fee_log;
      ++ev.trades;
      position = 0;
    }
    const int want = pred > options.min_return ? 1 : 0;
    if (want != position) {
      fees_log += fee_log;
      ++ev.trades;
      position = want;
    }
    const double r1 = std::log(bars[e + 1].close / bars[e].close);
    if (position) {
      strat_log += r1;
      ++long_minutes;
    }
    if (table.run[e] != hold_run) {  // buy-and-hold pays in and out once per contiguous run
      hold_log -= 2 * fee_log;
      hold_run = table.run[e];
    }
    hold_log += r1;
    prev_end = e;
    have_prev = true;
  }
  if (position) {
    fees_log += fee_log;
    ++ev.trades;
  }
  const double n = static_cast<double>(ev.windows);
  ev.mae = sum_abs / n;
  ev.rmse = std::sqrt(sum_sq / n);
  ev.baseline_mae = base_abs / n;
  ev.baseline_rmse = std::sqrt(base_sq / n);
  ev.strategy_fees = fees_log;
  ev.strategy_return = std::expm1(strat_log - fees_log);
  ev.buy_hold_return = std::expm1(hold_log);
  ev.exposure = static_cast<double>(long_minutes) / n;
  return ev;
}

namespace {
nlohmann::json direction_json(const DirectionStats& d) {
  return {{"n", d.n},
          {"correct", d.correct},
          {"accuracy", d.accuracy()},
          {"ci95", {d.lower95(), d.upper95()}},
          {"confusion",
           {{"actual_down", {{"pred_down", d.confusion[0][0]}, {"pred_up", d.confusion[0][1]}}},
            {"actual_up", {{"pred_down", d.confusion[1][0]}, {"pred_up", d.confusion[1][1]}}}}}};
}
}  // namespace

std::string LstmEvaluation::to_json() const {
  nlohmann::json j{{"bars", bars},
                   {"windows", windows},
                   {"first", format_iso8601_ms(first)},
                   {"last", format_iso8601_ms(last)},
                   {"return_error", {{"mae", mae}, {"rmse", rmse}}},
                   {"persistence", {{"mae", baseline_mae}, {"rmse", baseline_rmse}}},
                   {"actual_flat", actual_flat},
                   {"direction", direction_json(direction)},
                   {"direction_last_move_baseline", direction_json(baseline_direction)},
                   {"backtest",
                    {{"strategy_return", strategy_return},
                     {"buy_hold_return", buy_hold_return},
                     {"fees_log", strategy_fees},
                     {"trades", trades},
                     {"exposure", exposure}}}};
  return j.dump(2);
}

std::string LstmEvaluation::to_text() const {
  char buf[2048];
  auto dir = [](const DirectionStats& d) {
    char b[256];
    std::snprintf(b, sizeof b, "%.2f %% [%.2f, %.2f] of %llu", 100 * d.accuracy(),
                  100 * d.lower95(), 100 * d.upper95(), static_cast<unsigned long long>(d.n));
    return std::string(b);
  };
  std::snprintf(
      buf, sizeof buf,
      "windows            %llu (of %llu bars, %s .. %s)\n"
      "return MAE / RMSE  %.6g / %.6g   persistence (no change): %.6g / %.6g\n"
      "direction          %s (95 %% Wilson)\n"
      "  confusion        actual down: pred down %llu, pred up %llu | actual up: pred down "
      "%llu, pred up %llu | actual flat (left out) %llu\n"
      "  last-move baseline %s\n"
      "backtest (long/flat, fees) %+.2f %% with %llu trades, %.1f %% of minutes long | "
      "buy-and-hold %+.2f %%\n",
      static_cast<unsigned long long>(windows), static_cast<unsigned long long>(bars),
      format_iso8601_ms(first).c_str(), format_iso8601_ms(last).c_str(), mae, rmse, baseline_mae,
      baseline_rmse, dir(direction).c_str(),
      static_cast<unsigned long long>(direction.confusion[0][0]),
      static_cast<unsigned long long>(direction.confusion[0][1]),
      static_cast<unsigned long long>(direction.confusion[1][0]),
      static_cast<unsigned long long>(direction.confusion[1][1]),
      static_cast<unsigned long long>(actual_flat), dir(baseline_direction).c_str(),
      100 * strategy_return, static_cast<unsigned long long>(trades), 100 * exposure,
      100 * buy_hold_return);
  return buf;
}

}  // namespace rtcrypto::lstm
