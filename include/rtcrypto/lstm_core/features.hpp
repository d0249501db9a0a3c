#pragma once
// Per-minute model inputs computed from minute bars, identically in training, evaluation and
// serving. Every feature is made stationary (relative to price) so a normalisation fitted on
// 2019 prices still means something in 2026:
//   logret  ln(C_t / C_{t-1})
//   sma     ln(C_t / SMA_n(C)_t): distance of the close from its rolling n-minute average price
//   tr      true range / C_{t-1}, TR_t = max(H_t, C_{t-1}) - min(L_t, C_{t-1})
//   atr     ATR_n / C_t; Wilder's (seeded with the mean of the first n TRs, then
//           ATR_t = (ATR_{t-1}(n-1) + TR_t)/n) or the simple n-minute mean of TR
//   volume  ln(1 + V_t)
// The state restarts at every break (segment change, missing minute, invalid bar): no feature
// ever spans a gap.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rtcrypto/bars/minute_bars.hpp"

namespace rtcrypto::lstm {

enum class Feature : std::uint8_t { LogReturn, Sma, TrueRange, Atr, Volume };
std::string_view to_string(Feature f);
// Throws std::invalid_argument naming the unknown feature.
Feature parse_feature(std::string_view name);
// "logret,sma,tr,atr,volume" -> features (the default set when `text` is empty).
std::vector<Feature> parse_feature_list(std::string_view text);

enum class AtrMethod : std::uint8_t { Wilder, Simple };

struct FeatureSpec {
  std::vector<Feature> features{Feature::LogReturn, Feature::Sma, Feature::TrueRange, Feature::Atr,
                                Feature::Volume};
  int sma_window = 14;
  int atr_window = 14;
  AtrMethod atr_method = AtrMethod::Wilder;

  std::size_t size() const { return features.size(); }
  // Bars a run needs before the first full feature row (index in the run of that row).
  int warmup() const;
  void validate() const;  // throws std::invalid_argument
};

// Incremental calculator: push bars of one symbol in time order; a row comes out once the
// run is long enough. Allocates only at construction.
class FeatureCalculator {
 public:
  explicit FeatureCalculator(FeatureSpec spec);
  // Computes the row for `bar` into out[0..size). Returns false while warming up (or for an
  // invalid bar, which also restarts the run). A bar that does not directly follow the
  // previous one (segment or minute) restarts the run first.
  bool push(const MinuteBar& bar, float* out);
  void reset();
  const FeatureSpec& spec() const { return spec_; }
  // Bars seen in the current run.
  int run_length() const { return run_length_; }

 private:
  FeatureSpec spec_;
  bool has_prev_ = false;
  MinuteBar prev_{};
  int run_length_ = 0;
  std::vector<double> closes_;  // ring of the last sma_window closes
  double close_sum_ = 0;
  std::vector<double> trs_;  // ring of the last atr_window true ranges
  double tr_sum_ = 0;
  int tr_count_ = 0;
  double atr_ = 0;
};

// True for a bar whose prices are finite, positive and ordered (low <= open/close <= high).
bool valid_bar(const MinuteBar& b);

// Features of a whole bar series. rows is N x F row-major; valid[i] tells whether row i is a
// full feature row; run[i] is the id of the contiguous run bar i belongs to (a new run at
// every break, and at `extra_break_ts` when given: bars at or after it start a new run).
struct FeatureTable {
  std::size_t features = 0;
  std::vector<float> rows;
  std::vector<std::uint8_t> valid;
  std::vector<std::int32_t> run;
  std::size_t size() const { return valid.size(); }
  const float* row(std::size_t i) const { return rows.data() + i * features; }
};
FeatureTable compute_features(const std::vector<MinuteBar>& bars, const FeatureSpec& spec,
                              TimeNs extra_break_ts = 0);

// Indices e of windows whose inputs are rows e-lookback+1..e (all valid, one run) and whose
// targets ln(C_{e+k}/C_e), k = 1..horizon, stay in the same run.
std::vector<std::size_t> window_ends(const FeatureTable& table, int lookback, int horizon);

}  // namespace rtcrypto::lstm
