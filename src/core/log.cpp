#include "rtcrypto/core/log.hpp"

#include <atomic>
#include <cstdio>
#include <mutex>
#include <string>

namespace rtcrypto::log {
namespace {
std::atomic<int> g_level{static_cast<int>(Level::Info)};
std::mutex g_mu;
constexpr const char* kNames[] = {"debug", "info", "warn", "error", "off"};
}  // namespace

void set_level(Level l) { g_level = static_cast<int>(l); }
Level level() { return static_cast<Level>(g_level.load()); }

bool parse_level(std::string_view t, Level& out) {
  for (int i = 0; i < 5; ++i) {
    if (t == kNames[i]) {
      out = static_cast<Level>(i);
      return true;
    }
  }
  return false;
}

void write(Level l, std::string_view m) {
  if (static_cast<int>(l) < g_level.load() || l == Level::Off) return;
  std::string line = format_iso8601_ms(wall_now_ns());
  line += " [";
  line += kNames[static_cast<int>(l)];
  line += "] ";
  line += m;
  line += '\n';
  std::lock_guard lock(g_mu);
  std::fwrite(line.data(), 1, line.size(), stderr);
}

bool RateLimiter::allow(std::uint64_t& suppressed) {
  TimeNs now = wall_now_ns();
  if (used_ < burst_) {
    ++used_;
    last_ = now;
    suppressed = skipped_;
    skipped_ = 0;
    return true;
  }
  if (now - last_ >= interval_) {
    last_ = now;
    suppressed = skipped_;
    skipped_ = 0;
    return true;
  }
  ++skipped_;
  return false;
}

}  // namespace rtcrypto::log
