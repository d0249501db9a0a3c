#include "rtcrypto/core/time.hpp"

#include <chrono>
#include <cstdio>

namespace rtcrypto {
namespace {

struct Civil {
  std::int64_t y;
  unsigned m, d;
};

// Howard Hinnant's civil_from_days.
Civil civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), m, d};
}

bool parse_uint(std::string_view s, std::size_t pos, std::size_t len, unsigned& out) {
  if (pos + len > s.size()) return false;
  unsigned v = 0;
  for (std::size_t i = pos; i < pos + len; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + static_cast<unsigned>(s[i] - '0');
  }
  out = v;
  return true;
}

void split(TimeNs t, Civil& c, unsigned& hh, unsigned& mm, unsigned& ss, std::int64_t& ns) {
  TimeNs secs = floor_to_period(t, kNsPerSec) / kNsPerSec;
  ns = t - secs * kNsPerSec;
  std::int64_t days = secs / 86400;
  std::int64_t rem = secs % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  c = civil_from_days(days);
  hh = static_cast<unsigned>(rem / 3600);
  mm = static_cast<unsigned>(rem % 3600 / 60);
  ss = static_cast<unsigned>(rem % 60);
}

}  // namespace

std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

std::string format_iso8601_ms(TimeNs t) {
  Civil c;
  unsigned hh, mm, ss;
  std::int64_t ns;
  split(t, c, hh, mm, ss, ns);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02u:%02u:%02u.%03lldZ",
                static_cast<long long>(c.y), c.m, c.d, hh, mm, ss,
                static_cast<long long>(ns / kNsPerMs));
  return buf;
}

std::string format_ymd_hms(TimeNs t) {
  Civil c;
  unsigned hh, mm, ss;
  std::int64_t ns;
  split(t, c, hh, mm, ss, ns);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u %02u:%02u:%02u", static_cast<long long>(c.y),
                c.m, c.d, hh, mm, ss);
  return buf;
}

std::optional<TimeNs> parse_ymd_hms(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r' || s.back() == 'Z')) s.remove_suffix(1);
  unsigned y, mo, d, h = 0, mi = 0, se = 0;
  if (s.size() < 10 || !parse_uint(s, 0, 4, y) || s[4] != '-' || !parse_uint(s, 5, 2, mo) ||
      s[7] != '-' || !parse_uint(s, 8, 2, d))
    return std::nullopt;
  if (s.size() > 10) {
    if (s.size() != 19 || (s[10] != ' ' && s[10] != 'T') || !parse_uint(s, 11, 2, h) ||
        s[13] != ':' || !parse_uint(s, 14, 2, mi) || s[16] != ':' || !parse_uint(s, 17, 2, se))
      return std::nullopt;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return std::nullopt;
  std::int64_t days = days_from_civil(y, mo, d);
  return ((days * 86400) + h * 3600 + mi * 60 + se) * kNsPerSec;
}

TimeNs wall_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace rtcrypto
