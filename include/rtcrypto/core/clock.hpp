#pragma once
// Injected clock: live mode reads the wall clock, replay and tests set time by hand.
#include "rtcrypto/core/time.hpp"

namespace rtcrypto {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimeNs now() const = 0;
};

class WallClock final : public Clock {
 public:
  TimeNs now() const override { return wall_now_ns(); }
};

// Follows event time: advanced by whoever drives the replay.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimeNs t = 0) : t_(t) {}
  TimeNs now() const override { return t_; }
  void set(TimeNs t) { t_ = t; }
  void advance_to(TimeNs t) {
    if (t > t_) t_ = t;
  }

 private:
  TimeNs t_;
};

}  // namespace rtcrypto
