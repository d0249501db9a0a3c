#pragma once
// Honest figures for an LSTM on minute bars it was not trained on: error of the predicted
// return against the "no change" (persistence) forecast, directional accuracy with a 95 %
// Wilson interval and confusion matrix beside the "last move repeats" baseline, and a
// bar-level long/flat backtest with fees against buy-and-hold.
#include <cstdint>
#include <string>
#include <vector>

#include "rtcrypto/bars/minute_bars.hpp"
#include "rtcrypto/lstm_core/model.hpp"

namespace rtcrypto::lstm {

struct EvalOptions {
  double fee_bps = 10.0;        // per side, on every position change
  double min_return = 0.0;      // dead band: go long only when predicted return > this
  std::size_t max_windows = 0;  // 0 = all; otherwise evenly spaced windows
};

struct DirectionStats {
  std::uint64_t n = 0, correct = 0;
  // confusion[actual][predicted], 0 = down, 1 = up (actual flat minutes are left out)
  std::uint64_t confusion[2][2] = {{0, 0}, {0, 0}};
  double accuracy() const { return n ? static_cast<double>(correct) / static_cast<double>(n) : 0; }
  double lower95() const;
  double upper95() const;
  void add(bool actual_up, bool predicted_up);
};

struct LstmEvaluation {
  std::uint64_t bars = 0, windows = 0, actual_flat = 0;
  TimeNs first = 0, last = 0;
  double mae = 0, rmse = 0;                      // of the horizon log return
  double baseline_mae = 0, baseline_rmse = 0;    // persistence: price unchanged (return 0)
  DirectionStats direction, baseline_direction;  // baseline: sign of the last return
  // Backtest on one-minute steps: long when the prediction > min_return, else flat.
  double strategy_return = 0, buy_hold_return = 0;  // simple returns (e.g. -0.05 = -5 %)
  double strategy_fees = 0;                         // fees paid, as a return fraction (log)
  std::uint64_t trades = 0;                         // position changes
  double exposure = 0;                              // fraction of minutes held long
  std::string to_json() const;
  std::string to_text() const;
};

// Features, normalisation and forward pass exactly as in serving.
LstmEvaluation evaluate_lstm(const LstmModel& model, const std::vector<MinuteBar>& bars,
                             const EvalOptions& options = {});

// Wilson score interval for k successes in n trials (z = 1.96).
void wilson_interval(std::uint64_t k, std::uint64_t n, double& lower, double& upper);

}  // namespace rtcrypto::lstm
