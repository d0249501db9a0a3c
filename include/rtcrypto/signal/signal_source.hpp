#pragma once
// Which way the price goes next minute, from a forecast table or a model.
#include <optional>
#include <string>
#include <string_view>

#include "rtcrypto/core/time.hpp"
#include "rtcrypto/core/types.hpp"

namespace rtcrypto {

struct SignalValue {
  OrderSide side = OrderSide::Buy;
  TimeNs target_minute = 0;             // the minute the signal is about (ds)
  std::optional<double> yhat;           // forecast price, where the source has one
  std::optional<double> yhat_lower, yhat_upper;
  std::optional<double> predicted_return;  // models that predict returns
  std::string source;                   // "forecast", "lstm", ...
};

// Why a source gave no signal, where it knows more than "nothing": a short machine code that
// becomes the decision's reason ("dead_band", "warming_up", ...) and one line for people.
struct NoSignalReason {
  std::string code;
  std::string detail;
};

class SignalSource {
 public:
  virtual ~SignalSource() = default;
  // The signal for decisions taken at time t (the table looks up the minute after t's).
  // nullopt means "no signal": never a guess.
  virtual std::optional<SignalValue> signal_at(std::string_view symbol, TimeNs t) = 0;
  // Live sources that learn from the stream (LSTM minute bars) get every trade and close.
  virtual void on_trade(std::string_view symbol, TimeNs ts, double price, double qty) {}
  // Why the last signal_at(symbol, ...) gave nullopt; nullopt here = plain "no_signal".
  virtual std::optional<NoSignalReason> why_no_signal(std::string_view symbol) const {
    return std::nullopt;
  }
  virtual std::string describe() const = 0;
};

}  // namespace rtcrypto
