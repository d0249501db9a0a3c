#include "rtcrypto/lstm_core/lstm_signal.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace rtcrypto::lstm {

struct LstmSignal::State {
  explicit State(const Sidecar& s)
      : calc(s.spec),
        lookback(s.lookback),
        features(static_cast<int>(s.spec.size())),
        ring(2 * static_cast<std::size_t>(s.lookback) * s.spec.size()),
        raw(s.spec.size()) {}
  FeatureCalculator calc;
  int lookback, features;
  // Each row is written twice (at i and i + lookback) so the window is always contiguous.
  std::vector<float> ring;
  std::vector<float> raw;
  int next = 0;        // ring slot of the next row
  int valid_rows = 0;  // consecutive full rows in the current run
  std::int32_t segment = 0;
  bool has_open = false, has_last = false;
  MinuteBar open{}, last{};
  TimeNs cached_for = -1;
  std::optional<SignalValue> cached;
  std::deque<MinuteBar> history;  // the current run's completed bars, bounded
  // Why the last signal_at gave nothing (texts are made only when asked).
  enum class Why : std::uint8_t { None, WarmingUp, NoLastMinute, DeadBand, BadPrediction };
  Why why = Why::None;
  double why_return = 0;
  const float* window() const {
    return ring.data() + static_cast<std::size_t>(next) * features;  // oldest .. newest
  }
};

LstmSignal::LstmSignal(LstmModel model, LstmSignalOptions options)
    : model_(std::move(model)), options_(options), forward_(model_.weights) {
  model_.check_consistent();
}

LstmSignal::~LstmSignal() = default;

LstmSignal::State* LstmSignal::state_for(std::string_view symbol, bool create) {
  auto it = states_.find(symbol);
  if (it != states_.end()) return it->second.get();
  if (!create) return nullptr;
  return states_.emplace(std::string(symbol), std::make_unique<State>(model_.sidecar))
      .first->second.get();
}

const LstmSignal::State* LstmSignal::find_state(std::string_view symbol) const {
  auto it = states_.find(symbol);
  return it == states_.end() ? nullptr : it->second.get();
}

void LstmSignal::push_row(State& s, const MinuteBar& bar) {
  const bool ready = s.calc.push(bar, s.raw.data());
  if (s.calc.run_length() <= 1) s.valid_rows = 0;  // the run restarted
  if (!ready) {
    s.valid_rows = 0;
    return;
  }
  const std::size_t F = static_cast<std::size_t>(s.features),
                    L = static_cast<std::size_t>(s.lookback);
  float* a = s.ring.data() + static_cast<std::size_t>(s.next) * F;
  model_.sidecar.input.apply(s.raw.data(), a);
  std::copy(a, a + F, s.ring.data() + (static_cast<std::size_t>(s.next) + L) * F);
  s.next = (s.next + 1) % s.lookback;
  ++s.valid_rows;
}

void LstmSignal::accept_bar(State& s, MinuteBar bar) {
  if (s.has_last && bar.ts <= s.last.ts) return;
  if (s.has_last && bar.ts > s.last.ts + kNsPerMin) {
    const TimeNs missing = (bar.ts - s.last.ts) / kNsPerMin - 1;
    if (missing <= options_.max_fill_minutes) {
      for (TimeNs m = s.last.ts + kNsPerMin; m < bar.ts; m += kNsPerMin) {
        MinuteBar flat{};
        flat.ts = m;
        flat.open = flat.high = flat.low = flat.close = s.last.close;
        flat.segment = s.segment;
        push_row(s, flat);
        remember(s, flat);
        s.last = flat;
      }
    } else {
      ++s.segment;  // a silence too long to fill: the history restarts
      s.history.clear();
    }
  }
  bar.segment = s.segment;
  push_row(s, bar);
  if (valid_bar(bar)) {
    remember(s, bar);
  } else {
    ++s.segment;
    s.history.clear();
  }
  s.last = bar;
  s.has_last = true;
}

void LstmSignal::remember(State& s, const MinuteBar& bar) {
  s.history.push_back(bar);
  while (s.history.size() > static_cast<std::size_t>(history_limit())) s.history.pop_front();
}

int LstmSignal::history_limit() const {
  // Wilder's ATR remembers its seed with weight (1 - 1/n)^k: 30·n bars bring that below 1e-13,
  // so a restart from the saved bars predicts what an unbroken run does.
  const auto& spec = model_.sidecar.spec;
  return spec.warmup() + model_.sidecar.lookback + std::max(10, 30 * spec.atr_window);
}

void LstmSignal::warm_up(std::string_view symbol, const std::vector<MinuteBar>& candles,
                         TimeNs now) {
  State& s = *state_for(symbol, true);
  const TimeNs current = now ? floor_to_period(now, kNsPerMin) : 0;
  for (const MinuteBar& c : candles) {
    if (now && c.ts >= current) break;
    if (s.has_open && c.ts >= s.open.ts) break;
    accept_bar(s, c);
  }
}

void LstmSignal::on_bar(std::string_view symbol, const MinuteBar& bar) {
  accept_bar(*state_for(symbol, true), bar);
}

void LstmSignal::on_trade(std::string_view symbol, TimeNs ts, double price, double qty) {
  if (!(std::isfinite(price) && price > 0 && std::isfinite(qty) && qty >= 0)) {
    ++ignored_trades_;
    return;
  }
  State& s = *state_for(symbol, true);
  const TimeNs m = floor_to_period(ts, kNsPerMin);
  if ((s.has_last && m <= s.last.ts) || (s.has_open && m < s.open.ts)) {
    ++ignored_trades_;  // late: that minute is closed
    return;
  }
  if (s.has_open && m == s.open.ts) {
    s.open.high = std::max(s.open.high, price);
    s.open.low = std::min(s.open.low, price);
    s.open.close = price;
    s.open.volume += qty;
    return;
  }
  if (s.has_open) accept_bar(s, s.open);
  s.open = MinuteBar{};
  s.open.ts = m;
  s.open.open = s.open.high = s.open.low = s.open.close = price;
  s.open.volume = qty;
  s.has_open = true;
}

void LstmSignal::advance(State& s, TimeNs t) {
  const TimeNs current = floor_to_period(t, kNsPerMin);
  if (s.has_open && s.open.ts < current) {
    accept_bar(s, s.open);
    s.has_open = false;
  }
  // Quiet minutes up to the current one are flat.
  if (s.has_last && s.last.ts < current - kNsPerMin &&
      (current - kNsPerMin - s.last.ts) / kNsPerMin <= options_.max_fill_minutes) {
    MinuteBar flat{};
    flat.ts = current - kNsPerMin;
    flat.open = flat.high = flat.low = flat.close = s.last.close;
    accept_bar(s, flat);  // fills the minutes between as well
  }
}

std::optional<SignalValue> LstmSignal::signal_at(std::string_view symbol, TimeNs t) {
  State* s = state_for(symbol, false);
  if (!s) return std::nullopt;
  advance(*s, t);
  const TimeNs current = floor_to_period(t, kNsPerMin);
  if (!s->has_last) {
    s->why = State::Why::WarmingUp;
    return std::nullopt;
  }
  if (s->last.ts != current - kNsPerMin) {
    s->why = State::Why::NoLastMinute;
    return std::nullopt;
  }
  if (s->valid_rows < s->lookback) {
    s->why = State::Why::WarmingUp;
    return std::nullopt;
  }
  if (s->cached_for == s->last.ts) return s->cached;  // `why` still says why not
  const auto& sc = model_.sidecar;
  const float* y = forward_.run(s->window(), s->lookback);
  const std::size_t k = static_cast<std::size_t>(sc.horizon - 1);
  const double r = sc.target.denormalise(k, y[k]);
  s->cached_for = s->last.ts;
  s->cached.reset();
  s->why_return = r;
  s->why = std::isfinite(r) ? State::Why::DeadBand : State::Why::BadPrediction;
  if (std::isfinite(r) && std::abs(r) >= options_.min_return && r != 0.0) {
    s->why = State::Why::None;
    SignalValue v;
    v.side = r > 0 ? OrderSide::Buy : OrderSide::Sell;
    v.target_minute = current + static_cast<TimeNs>(k) * kNsPerMin;
    v.predicted_return = r;
    v.yhat = s->last.close * std::exp(r);
    v.source = "lstm";
    s->cached = v;
  }
  return s->cached;
}

std::optional<NoSignalReason> LstmSignal::why_no_signal(std::string_view symbol) const {
  const State* s = find_state(symbol);
  const int L = model_.sidecar.lookback;
  if (!s) return NoSignalReason{"warming_up", "lstm: no bars for " + std::string(symbol) + " yet"};
  char num[64];
  switch (s->why) {
    case State::Why::None:
      return std::nullopt;
    case State::Why::WarmingUp:
      return NoSignalReason{"warming_up", "lstm warming up: " + std::to_string(s->valid_rows) +
                                              " of " + std::to_string(L) +
                                              " rows (a gap restarts the count)"};
    case State::Why::NoLastMinute:
      return NoSignalReason{"no_last_minute",
                            "lstm: no bar for the minute before the decision "
                            "(newest bar " +
                                format_ymd_hms(s->last.ts) + " UTC)"};
    case State::Why::DeadBand:
      std::snprintf(num, sizeof num, "%.3g inside the dead band of %.3g", s->why_return,
                    options_.min_return);
      return NoSignalReason{"dead_band", std::string("lstm predicted return ") + num};
    case State::Why::BadPrediction:
      return NoSignalReason{"bad_prediction", "lstm predicted a non-finite return"};
  }
  return std::nullopt;
}

std::vector<MinuteBar> LstmSignal::recent_bars(std::string_view symbol) const {
  const State* s = find_state(symbol);
  if (!s) return {};
  return {s->history.begin(), s->history.end()};
}

TimeNs LstmSignal::last_bar_minute(std::string_view symbol) const {
  const State* s = find_state(symbol);
  return s && s->has_last ? s->last.ts : 0;
}

std::string LstmSignal::describe() const {
  const auto& sc = model_.sidecar;
  return "lstm:" + model_.file.string() + " (lookback " + std::to_string(sc.lookback) +
         ", horizon " + std::to_string(sc.horizon) + ", hidden " + std::to_string(sc.hidden) +
         " x " + std::to_string(sc.layers) + ", " + std::to_string(sc.spec.size()) +
         " features, dead band " + std::to_string(options_.min_return) + ")";
}

bool LstmSignal::last_window(std::string_view symbol, std::vector<float>& out) const {
  const State* s = find_state(symbol);
  if (!s || s->valid_rows < s->lookback) return false;
  out.assign(s->window(), s->window() + static_cast<std::size_t>(s->lookback) * s->features);
  return true;
}

int LstmSignal::ready_rows(std::string_view symbol) const {
  const State* s = find_state(symbol);
  return s ? s->valid_rows : 0;
}

}  // namespace rtcrypto::lstm
