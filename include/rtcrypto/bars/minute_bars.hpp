#pragma once
// One-minute OHLCV bars read from the layouts of the DESIGN contract (Kaggle Bitstamp,
// CryptoDataDownload, Binance klines, plain OHLCV, and the shared bars with segment_id).
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "rtcrypto/core/time.hpp"

namespace rtcrypto {

struct MinuteBar {
  TimeNs ts = 0;  // minute open time, UTC
  double open = 0, high = 0, low = 0, close = 0, volume = 0;
  double weighted_price = 0;  // 0 when the layout has none
  std::int32_t segment = 0;   // contiguous-run id: from the file, or assigned at gaps
};

struct BarsReport {
  std::string layout;  // "bitstamp", "cryptodatadownload", "binance", "plain", "shared"
  std::size_t rows_read = 0;
  std::size_t rows_skipped = 0;  // NaN / malformed
  std::size_t duplicates = 0;
  std::size_t gaps = 0;  // missing-minute runs inside the data
  std::size_t segments = 0;
};

// Reads plain or gzip files; sorts by time, drops duplicate minutes, splits segments at gaps
// longer than `max_gap_minutes`. Throws std::runtime_error with a clear message on failure.
// Timestamps are sniffed per row by magnitude (seconds, milliseconds, microseconds or
// nanoseconds; "YYYY-MM-DD HH:MM:SS" also accepted) and floored to the minute. Segment ids
// from a `segment_id` column are kept; otherwise a new segment starts after any gap longer
// than `max_gap_minutes`. A gap of any length still means: no return across it.
std::vector<MinuteBar> read_minute_bars(const std::filesystem::path& file,
                                        BarsReport* report = nullptr, int max_gap_minutes = 60);

// The same, from text already in memory (what read_minute_bars does after decompressing).
std::vector<MinuteBar> parse_minute_bars(std::string_view text, BarsReport* report = nullptr,
                                         int max_gap_minutes = 60);

// The price a model should use: the weighted price where the layout has one, else close.
inline double model_price(const MinuteBar& b) {
  return b.weighted_price > 0 ? b.weighted_price : b.close;
}

// True when b directly follows a in time and segment (a one-minute return a -> b is valid).
inline bool consecutive(const MinuteBar& a, const MinuteBar& b) {
  return a.segment == b.segment && b.ts - a.ts == kNsPerMin;
}

}  // namespace rtcrypto
