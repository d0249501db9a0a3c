#pragma once
// The LSTM as a SignalSource for the daemon: builds one-minute bars from the trade stream (or
// takes exchange candles to warm up at once), keeps the last `lookback` normalised feature
// rows per symbol, and predicts with the plain C++ forward pass on the event-loop thread.
// No LibTorch here: load_lstm_model() reads the weights (through the LibTorch module only for
// TorchScript files).
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rtcrypto/bars/minute_bars.hpp"
#include "rtcrypto/lstm_core/lstm_forward.hpp"
#include "rtcrypto/lstm_core/model.hpp"
#include "rtcrypto/signal/signal_source.hpp"

namespace rtcrypto::lstm {

struct LstmSignalOptions {
  // Dead band: |predicted return| below this gives no signal (`--lstm-min-return`).
  double min_return = 0.0;
  // Minutes without trades are filled with flat bars (close = previous close, volume 0, as
  // exchange candles do) up to this many; a longer silence restarts the history.
  int max_fill_minutes = 10;
};

class LstmSignal : public SignalSource {
 public:
  explicit LstmSignal(LstmModel model, LstmSignalOptions options = {});
  ~LstmSignal() override;

  // Complete minute candles (oldest first) so trading can start at once. Candles at or after
  // floor(now) are partial and skipped (now = 0: take all). Symbols match exactly.
  void warm_up(std::string_view symbol, const std::vector<MinuteBar>& candles, TimeNs now = 0);
  // Adds one complete bar (what warm_up does per candle); older bars are ignored.
  void on_bar(std::string_view symbol, const MinuteBar& bar);

  void on_trade(std::string_view symbol, TimeNs ts, double price, double qty) override;
  // For decisions at t: predicts from the minutes before floor(t); nullopt while warming up,
  // when the last minute is missing, or inside the dead band.
  std::optional<SignalValue> signal_at(std::string_view symbol, TimeNs t) override;
  // After nullopt: "dead_band" (with the predicted return), "warming_up" (rows so far, also
  // after a gap restarted the history), "no_last_minute" (the minute before t is missing).
  std::optional<NoSignalReason> why_no_signal(std::string_view symbol) const override;
  std::string describe() const override;

  // The completed bars of the current contiguous run (warm-up candles, flat-filled quiet
  // minutes and bars built from trades), oldest first, at most history_limit(): what a
  // restart needs to be ready at once. A gap or an invalid bar empties it.
  std::vector<MinuteBar> recent_bars(std::string_view symbol) const;
  // Minute of the newest completed bar (0 = none yet): tells when recent_bars changed.
  TimeNs last_bar_minute(std::string_view symbol) const;
  // Bars a restart needs to predict what an unbroken run would: the features' warm-up +
  // lookback + 30 x atr_window (Wilder's ATR forgets its seed slowly).
  int history_limit() const;

  // The normalised window behind the last prediction (lookback x features), for tests.
  bool last_window(std::string_view symbol, std::vector<float>& out) const;
  // Rows available for the next prediction (>= lookback means ready).
  int ready_rows(std::string_view symbol) const;
  std::uint64_t ignored_trades() const { return ignored_trades_; }
  const LstmModel& model() const { return model_; }

 private:
  struct State;
  State* state_for(std::string_view symbol, bool create);
  const State* find_state(std::string_view symbol) const;
  void accept_bar(State& s, MinuteBar bar);
  void push_row(State& s, const MinuteBar& bar);
  void advance(State& s, TimeNs t);
  void remember(State& s, const MinuteBar& bar);

  LstmModel model_;
  LstmSignalOptions options_;
  LstmForward forward_;
  std::map<std::string, std::unique_ptr<State>, std::less<>> states_;
  std::uint64_t ignored_trades_ = 0;
};

// The factory the app wires to `--signal lstm:MODEL`: loads MODEL and MODEL.json (throws
// std::runtime_error with a clear message when missing, corrupt or mismatched) as
// load_lstm_model() does: the trainer's own models need no LibTorch.
std::unique_ptr<SignalSource> make_lstm_signal(const std::string& model_path,
                                               LstmSignalOptions options = {});

}  // namespace rtcrypto::lstm

namespace rtcrypto {
using lstm::make_lstm_signal;
}  // namespace rtcrypto
