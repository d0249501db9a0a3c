#pragma once
// A small leveled logger to stderr, plus a rate limiter so a flood of bad frames gives a
// few lines and a count instead of a wall of text. Never pass a secret to it.
#include <cstdint>
#include <string_view>

#include "rtcrypto/core/time.hpp"

namespace rtcrypto::log {

enum class Level { Debug = 0, Info = 1, Warn = 2, Error = 3, Off = 4 };

void set_level(Level level);
Level level();
bool parse_level(std::string_view text, Level& out);
void write(Level level, std::string_view message);

inline void debug(std::string_view m) { write(Level::Debug, m); }
inline void info(std::string_view m) { write(Level::Info, m); }
inline void warn(std::string_view m) { write(Level::Warn, m); }
inline void error(std::string_view m) { write(Level::Error, m); }

// Allows `burst` messages, then one per `interval_ns` of wall time, counting the rest.
class RateLimiter {
 public:
  explicit RateLimiter(int burst = 5, TimeNs interval_ns = 10 * kNsPerSec)
      : burst_(burst), interval_(interval_ns) {}
  // True when this occurrence may be logged; `suppressed` tells how many were skipped since.
  bool allow(std::uint64_t& suppressed);

 private:
  int burst_;
  TimeNs interval_;
  int used_ = 0;
  TimeNs last_ = 0;
  std::uint64_t skipped_ = 0;
};

}  // namespace rtcrypto::log
