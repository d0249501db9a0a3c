#include "rtcrypto/forecast/evaluation.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>
#include <unordered_map>

namespace rtcrypto::forecast {
namespace {

struct ErrorAcc {
  std::size_t n = 0;
  double abs = 0, sq = 0;
  void add(double e) {
    ++n;
    abs += std::abs(e);
    sq += e * e;
  }
  ErrorMetrics done() const {
    if (n == 0) return {};
    return {n, abs / n, std::sqrt(sq / n)};
  }
};

struct MethodAcc {
  std::string name;
  bool directional = true;
  ErrorAcc level, ret;
  DirectionMetrics dir;
  void add(double pred_level, double real_level, std::optional<double> pred_ret, double real_ret) {
    level.add(pred_level - real_level);
    if (!pred_ret) return;
    ret.add(*pred_ret - real_ret);
    if (real_ret == 0) {
      ++dir.realised_flat;
      return;
    }
    if (*pred_ret == 0) {
      ++dir.abstained;
      return;
    }
    const bool pu = *pred_ret > 0, ru = real_ret > 0;
    (pu ? (ru ? dir.up_up : dir.up_down) : (ru ? dir.down_up : dir.down_down))++;
  }
  MethodMetrics done() const {
    MethodMetrics m;
    m.name = name;
    m.log_price = level.done();
    m.log_return = ret.done();
    m.direction = dir;
    m.direction.n = dir.up_up + dir.up_down + dir.down_up + dir.down_down;
    m.direction.correct = dir.up_up + dir.down_down;
    m.direction.applicable = directional && m.direction.n > 0;
    if (m.direction.n > 0) {
      m.direction.accuracy = static_cast<double>(m.direction.correct) / m.direction.n;
      wilson_interval(m.direction.correct, m.direction.n, m.direction.ci_low, m.direction.ci_high);
    }
    return m;
  }
};

double log_price(const MinuteBar& b) {
  return std::log(model_price(b));
}

ProphetModel fit_bars(const std::vector<const MinuteBar*>& bars, const ProphetOptions& opt) {
  std::vector<TimeNs> ds;
  std::vector<double> y;
  ds.reserve(bars.size());
  y.reserve(bars.size());
  for (const MinuteBar* b : bars) {
    ds.push_back(b->ts);
    y.push_back(log_price(*b));
  }
  return ProphetModel::fit(ds, y, opt);
}

}  // namespace

void wilson_interval(std::size_t k, std::size_t n, double& low, double& high) {
  if (n == 0) {
    low = 0, high = 1;
    return;
  }
  const double z = 1.959963984540054, nn = static_cast<double>(n);
  const double p = static_cast<double>(k) / nn;
  const double denom = 1 + z * z / nn;
  const double centre = (p + z * z / (2 * nn)) / denom;
  const double half = z * std::sqrt(p * (1 - p) / nn + z * z / (4 * nn * nn)) / denom;
  low = std::max(0.0, centre - half);
  high = std::min(1.0, centre + half);
}

EvalReport evaluate_forecast(const std::vector<MinuteBar>& train,
                             const std::vector<MinuteBar>& holdout, const EvalOptions& opt,
                             const Progress& progress) {
  if (train.size() < 3) throw std::invalid_argument("forecast eval: too few training bars");
  if (holdout.size() < 2) throw std::invalid_argument("forecast eval: too few holdout bars");
  if (holdout.front().ts <= train.back().ts)
    throw std::invalid_argument("forecast eval: the holdout must start after the training bars");
  EvalReport rep;
  rep.train_rows = train.size();
  rep.holdout_rows = holdout.size();
  rep.holdout_first = holdout.front().ts;
  rep.holdout_last = holdout.back().ts;
  rep.fee = opt.fee;
  rep.interval_width = opt.prophet.interval_width;

  // Drift: the mean one-minute log return of the training bars (never across a gap).
  double drift_sum = 0;
  std::size_t drift_n = 0;
  for (std::size_t i = 1; i < train.size(); ++i)
    if (consecutive(train[i - 1], train[i])) {
      drift_sum += log_price(train[i]) - log_price(train[i - 1]);
      ++drift_n;
    }
  const double drift = drift_n ? drift_sum / drift_n : 0.0;

  // Walk forward: one model per block, fitted on everything before the block.
  std::vector<Prediction> pred(holdout.size());
  std::vector<double> pred_prev(holdout.size());  // yhat one minute earlier, same model
  const TimeNs block = opt.refit_days > 0 ? opt.refit_days * 1440 * kNsPerMin : 0;
  std::size_t begin = 0;
  std::vector<const MinuteBar*> history;
  for (const auto& b : train) history.push_back(&b);
  while (begin < holdout.size()) {
    std::size_t end = holdout.size();
    if (block > 0) {
      const TimeNs limit = holdout[begin].ts + block;
      end = begin;
      while (end < holdout.size() && holdout[end].ts < limit) ++end;
    }
    if (progress) progress("fitting", static_cast<double>(begin) / holdout.size());
    const auto t0 = std::chrono::steady_clock::now();
    const ProphetModel model = fit_bars(history, opt.prophet);
    rep.fit_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    ++rep.fits;
    std::vector<TimeNs> ds;
    for (std::size_t i = begin; i < end; ++i) ds.push_back(holdout[i].ts);
    const auto p = model.predict(ds, opt.intervals);
    for (std::size_t i = begin; i < end; ++i) {
      pred[i] = p[i - begin];
      pred_prev[i] = model.predict_one(holdout[i].ts - kNsPerMin);
      history.push_back(&holdout[i]);
    }
    begin = end;
  }

  // Same minute yesterday, for the seasonal naive baseline.
  std::unordered_map<TimeNs, std::size_t> index;
  index.reserve(holdout.size() * 2);
  for (std::size_t i = 0; i < holdout.size(); ++i) index.emplace(holdout[i].ts, i);

  MethodAcc model_acc, persist, drift_acc, seasonal;
  model_acc.name = "prophet";
  persist.name = "persistence";
  persist.directional = false;
  drift_acc.name = "drift";
  seasonal.name = "seasonal_naive";
  std::size_t covered = 0;
  for (std::size_t i = 0; i < holdout.size(); ++i) {
    const double y = log_price(holdout[i]);
    if (y >= pred[i].yhat_lower && y <= pred[i].yhat_upper) ++covered;
    rep.series.push_back({holdout[i].ts, model_price(holdout[i]), std::exp(pred[i].yhat),
                          std::exp(pred[i].yhat_lower), std::exp(pred[i].yhat_upper),
                          holdout[i].segment});
    if (i == 0 || !consecutive(holdout[i - 1], holdout[i])) continue;
    const double y_prev = log_price(holdout[i - 1]);
    const double r = y - y_prev;
    model_acc.add(pred[i].yhat, y, pred[i].yhat - pred_prev[i], r);
    persist.add(y_prev, y, 0.0, r);
    drift_acc.add(y_prev + drift, y, drift, r);
    auto a = index.find(holdout[i].ts - 1440 * kNsPerMin);
    if (a != index.end() && a->second > 0 &&
        consecutive(holdout[a->second - 1], holdout[a->second])) {
      const double r_yday = log_price(holdout[a->second]) - log_price(holdout[a->second - 1]);
      seasonal.add(y_prev + r_yday, y, r_yday, r);
    }
  }
  rep.interval_coverage = static_cast<double>(covered) / holdout.size();
  for (const MethodAcc* m : {&model_acc, &persist, &drift_acc, &seasonal})
    rep.methods.push_back(m->done());

  // Backtest: the position over bar i's return (close i-1 -> close i) is the side of table row
  // i-1 (buy when yhat(i) > yhat(i-1)): the model's own call for that bar, the same one the
  // directional accuracy scores. Returns across gaps count for neither strategy.
  BacktestResult& bt = rep.backtest;
  double equity = 1, peak = 1, hold = 1, hold_peak = 1;
  bool long_pos = false;
  std::size_t held = 0, steps = 0;
  hold *= 1 - opt.fee;
  for (std::size_t i = 1; i < holdout.size(); ++i) {
    if (!consecutive(holdout[i - 1], holdout[i])) continue;
    const bool buy = pred[i].yhat > pred_prev[i];
    if (buy != long_pos) {
      equity *= 1 - opt.fee;
      bt.strategy_fees += opt.fee;
      ++bt.trades;
      long_pos = buy;
    }
    const double growth = model_price(holdout[i]) / model_price(holdout[i - 1]);
    if (long_pos) {
      equity *= growth;
      ++held;
    }
    hold *= growth;
    ++steps;
    peak = std::max(peak, equity);
    hold_peak = std::max(hold_peak, hold);
    bt.strategy_max_drawdown = std::max(bt.strategy_max_drawdown, 1 - equity / peak);
    bt.buy_hold_max_drawdown = std::max(bt.buy_hold_max_drawdown, 1 - hold / hold_peak);
  }
  if (long_pos) {
    equity *= 1 - opt.fee;
    bt.strategy_fees += opt.fee;
    ++bt.trades;
  }
  hold *= 1 - opt.fee;
  bt.strategy_return = equity - 1;
  bt.buy_hold_return = hold - 1;
  bt.exposure = steps ? static_cast<double>(held) / steps : 0;
  return rep;
}

}  // namespace rtcrypto::forecast
