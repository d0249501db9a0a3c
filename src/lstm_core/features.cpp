#include "rtcrypto/lstm_core/features.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace rtcrypto::lstm {

std::string_view to_string(Feature f) {
  switch (f) {
    case Feature::LogReturn:
      return "logret";
    case Feature::Sma:
      return "sma";
    case Feature::TrueRange:
      return "tr";
    case Feature::Atr:
      return "atr";
    case Feature::Volume:
      return "volume";
  }
  return "?";
}

Feature parse_feature(std::string_view name) {
  for (Feature f :
       {Feature::LogReturn, Feature::Sma, Feature::TrueRange, Feature::Atr, Feature::Volume})
    if (to_string(f) == name) return f;
  throw std::invalid_argument("unknown feature '" + std::string(name) +
                              "' (known: logret, sma, tr, atr, volume)");
}

std::vector<Feature> parse_feature_list(std::string_view text) {
  if (text.empty()) return FeatureSpec{}.features;
  std::vector<Feature> out;
  while (!text.empty()) {
    auto comma = text.find(',');
    auto name = text.substr(0, comma);
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    Feature f = parse_feature(name);
    if (std::find(out.begin(), out.end(), f) != out.end())
      throw std::invalid_argument("feature '" + std::string(name) + "' given twice");
    out.push_back(f);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

int FeatureSpec::warmup() const {
  int w = 0;
  for (Feature f : features) {
    switch (f) {
      case Feature::LogReturn:
      case Feature::TrueRange:
        w = std::max(w, 1);
        break;
      case Feature::Sma:
        w = std::max(w, sma_window - 1);
        break;
      case Feature::Atr:
        w = std::max(w, atr_window);
        break;
      case Feature::Volume:
        break;
    }
  }
  return w;
}

void FeatureSpec::validate() const {
  if (features.empty()) throw std::invalid_argument("no features selected");
  if (sma_window < 1 || sma_window > 10000)
    throw std::invalid_argument("sma window must be in 1..10000");
  if (atr_window < 1 || atr_window > 10000)
    throw std::invalid_argument("atr window must be in 1..10000");
}

bool valid_bar(const MinuteBar& b) {
  auto ok = [](double v) { return std::isfinite(v) && v > 0; };
  return ok(b.open) && ok(b.high) && ok(b.low) && ok(b.close) && std::isfinite(b.volume) &&
         b.volume >= 0 && b.low <= b.high && b.low <= std::min(b.open, b.close) &&
         b.high >= std::max(b.open, b.close);
}

FeatureCalculator::FeatureCalculator(FeatureSpec spec) : spec_(std::move(spec)) {
  spec_.validate();
  closes_.assign(static_cast<std::size_t>(spec_.sma_window), 0.0);
  trs_.assign(static_cast<std::size_t>(spec_.atr_window), 0.0);
}

void FeatureCalculator::reset() {
  has_prev_ = false;
  run_length_ = 0;
  close_sum_ = 0;
  tr_sum_ = 0;
  tr_count_ = 0;
  atr_ = 0;
}

bool FeatureCalculator::push(const MinuteBar& bar, float* out) {
  if (!valid_bar(bar)) {
    reset();
    return false;
  }
  if (has_prev_ && !consecutive(prev_, bar)) reset();
  const int k = run_length_;  // index of this bar in its run
  const int n_sma = spec_.sma_window, n_atr = spec_.atr_window;

  // Rolling close sum over the last n_sma closes.
  auto& slot = closes_[static_cast<std::size_t>(k % n_sma)];
  if (k >= n_sma) close_sum_ -= slot;
  slot = bar.close;
  close_sum_ += bar.close;

  double tr = 0;
  if (k >= 1) {
    const double pc = prev_.close;
    tr = std::max(bar.high, pc) - std::min(bar.low, pc);
    auto& tslot = trs_[static_cast<std::size_t>(tr_count_ % n_atr)];
    if (tr_count_ >= n_atr) tr_sum_ -= tslot;
    tslot = tr;
    tr_sum_ += tr;
    ++tr_count_;
    if (spec_.atr_method == AtrMethod::Simple || tr_count_ <= n_atr) {
      atr_ = tr_sum_ / std::min(tr_count_, n_atr);  // Wilder seeds with the simple mean
    } else {
      atr_ = (atr_ * (n_atr - 1) + tr) / n_atr;
    }
  }

  const bool ready = k >= spec_.warmup();
  if (ready) {
    for (std::size_t i = 0; i < spec_.features.size(); ++i) {
      double v = 0;
      switch (spec_.features[i]) {
        case Feature::LogReturn:
          v = std::log(bar.close / prev_.close);
          break;
        case Feature::Sma:
          v = std::log(bar.close / (close_sum_ / n_sma));
          break;
        case Feature::TrueRange:
          v = tr / prev_.close;
          break;
        case Feature::Atr:
          v = atr_ / bar.close;
          break;
        case Feature::Volume:
          v = std::log1p(bar.volume);
          break;
      }
      out[i] = static_cast<float>(v);
    }
  }
  prev_ = bar;
  has_prev_ = true;
  ++run_length_;
  return ready;
}

FeatureTable compute_features(const std::vector<MinuteBar>& bars, const FeatureSpec& spec,
                              TimeNs extra_break_ts) {
  FeatureTable t;
  t.features = spec.size();
  t.rows.assign(bars.size() * t.features, 0.0f);
  t.valid.assign(bars.size(), 0);
  t.run.assign(bars.size(), 0);
  FeatureCalculator calc(spec);
  std::int32_t run = 0;
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const bool crosses_cut = extra_break_ts != 0 && i > 0 && bars[i - 1].ts < extra_break_ts &&
                             bars[i].ts >= extra_break_ts;
    if (crosses_cut) calc.reset();
    if (i > 0 && (crosses_cut || !consecutive(bars[i - 1], bars[i]) || !valid_bar(bars[i]) ||
                  !valid_bar(bars[i - 1])))
      ++run;
    t.run[i] = run;
    t.valid[i] = calc.push(bars[i], t.rows.data() + i * t.features) ? 1 : 0;
  }
  return t;
}

std::vector<std::size_t> window_ends(const FeatureTable& table, int lookback, int horizon) {
  std::vector<std::size_t> ends;
  const std::size_t L = static_cast<std::size_t>(lookback), H = static_cast<std::size_t>(horizon);
  if (lookback < 1 || horizon < 1) return ends;
  for (std::size_t e = L - 1; e + H < table.size(); ++e) {
    const std::size_t s = e + 1 - L;
    // Rows become valid after the warm-up and stay valid until the run ends.
    if (table.valid[s] && table.valid[e] && table.run[s] == table.run[e] &&
        table.run[e + H] == table.run[e])
      ends.push_back(e);
  }
  return ends;
}

}  // namespace rtcrypto::lstm
