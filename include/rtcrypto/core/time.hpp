#pragma once
// Event time is int64 nanoseconds since the Unix epoch, UTC, everywhere in the program.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rtcrypto {

using TimeNs = std::int64_t;

inline constexpr TimeNs kNsPerUs = 1'000;
inline constexpr TimeNs kNsPerMs = 1'000'000;
inline constexpr TimeNs kNsPerSec = 1'000'000'000;
inline constexpr TimeNs kNsPerMin = 60 * kNsPerSec;

// Start of the period of length `period` containing t (floor, also for negative t).
constexpr TimeNs floor_to_period(TimeNs t, TimeNs period) {
  TimeNs q = t / period;
  if (t % period != 0 && t < 0) --q;
  return q * period;
}

// "2021-04-05T18:34:07.991Z" (milliseconds, as Elasticsearch likes it).
std::string format_iso8601_ms(TimeNs t);
// "2021-04-05 18:34:07" (the forecast table's ds).
std::string format_ymd_hms(TimeNs t);
// Parses "YYYY-MM-DD HH:MM:SS" or "YYYY-MM-DDTHH:MM:SS[Z]" as UTC; nullopt otherwise.
std::optional<TimeNs> parse_ymd_hms(std::string_view text);
// Days since 1970-01-01 for a civil date (proleptic Gregorian).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d);

// Wall-clock now (used only at the edges; the core takes time from events or a Clock).
TimeNs wall_now_ns();

}  // namespace rtcrypto
