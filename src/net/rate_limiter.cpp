#include "rtcrypto/net/rate_limiter.hpp"

#include <algorithm>

namespace rtcrypto::net {

SlidingRateLimiter::SlidingRateLimiter(int per_minute, int per_second)
    : per_minute_(std::max(1, per_minute)), per_second_(std::max(1, per_second)) {}

void SlidingRateLimiter::trim(TimeNs now) const {
  while (!sent_.empty() && sent_.front() <= now - kNsPerMin) sent_.pop_front();
}

TimeNs SlidingRateLimiter::delay(TimeNs now) const {
  trim(now);
  TimeNs wait = 0;
  if (static_cast<int>(sent_.size()) >= per_minute_) {
    // The oldest of the last `per_minute_` must leave the window first.
    TimeNs oldest = sent_[sent_.size() - static_cast<std::size_t>(per_minute_)];
    wait = std::max(wait, oldest + kNsPerMin - now);
  }
  if (static_cast<int>(sent_.size()) >= per_second_) {
    TimeNs oldest = sent_[sent_.size() - static_cast<std::size_t>(per_second_)];
    wait = std::max(wait, oldest + kNsPerSec - now);
  }
  return std::max<TimeNs>(0, wait);
}

void SlidingRateLimiter::record(TimeNs now) {
  trim(now);
  sent_.push_back(now);
}

}  // namespace rtcrypto::net
