#pragma once
// One-minute OHLCV bars read from the layouts of the DESIGN contract (Kaggle Bitstamp,
// CryptoDataDownload, Binance klines, plain OHLCV, and the shared bars with segment_id).
#include <cstdint>
#include <filesystem>
#include <string>
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
  std::string layout;            // "bitstamp", "cryptodatadownload", "binance", "plain", "shared"
  std::size_t rows_read = 0;
  std::size_t rows_skipped = 0;  // NaN / malformed
  std::size_t duplicates = 0;
  std::size_t gaps = 0;          // missing-minute runs inside the data
  std::size_t segments = 0;
};

// Reads plain or gzip files; sorts by time, drops duplicate minutes, splits segments at gaps
// longer than `max_gap_minutes`. Throws std::runtime_error with a clear message on failure.
std::vector<MinuteBar> read_minute_bars(const std::filesystem::path& file, BarsReport* report = nullptr,
                                        int max_gap_minutes = 60);

}  // namespace rtcrypto
