#pragma once
// Client-side request pacing: at most `per_minute` requests in any 60 s window and at most
// `per_second` in any 1 s window (Gemini: public 120/min, private 600/min, §6). Pure logic
// with time passed in, so it is testable without waiting.
#include <cstddef>
#include <deque>

#include "rtcrypto/core/time.hpp"

namespace rtcrypto::net {

class SlidingRateLimiter {
 public:
  SlidingRateLimiter(int per_minute, int per_second);
  // How long to wait from `now` before the next request may go (0 = now).
  TimeNs delay(TimeNs now) const;
  // Records a request sent at `now`.
  void record(TimeNs now);
  int per_minute() const { return per_minute_; }

 private:
  void trim(TimeNs now) const;
  int per_minute_;
  int per_second_;
  mutable std::deque<TimeNs> sent_;  // send times within the last minute, oldest first
};

}  // namespace rtcrypto::net
