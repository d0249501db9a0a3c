#pragma once
// What an LSTM signal is warmed up with at start: the exchange's minute candles and the bars
// a previous run of the daemon saved, merged without ever bridging a gap, and the small text
// codec those saved bars are kept in (the store's state table). Pure: no I/O here.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "rtcrypto/bars/minute_bars.hpp"

namespace rtcrypto::lstm {

struct WarmUpPlan {
  std::vector<MinuteBar> bars;  // oldest first: what LstmSignal::warm_up gets
  std::size_t from_candles = 0, from_store = 0;
  std::size_t partial_candles = 0;  // candles at or after floor(now): the open minute, dropped
  std::size_t stored_unused = 0;    // saved bars left out (gap, overlap or too old)
  std::string note;                 // why saved bars were left out ("" = none were)
};

// Merges for decisions from `now` on. Candles at or after floor(now) are partial and dropped;
// a minute in both comes from the candles (the exchange's record). Saved bars count only as
// far back as their newest contiguous run reaches, and only when that run joins the candles
// without a gap (or, without candles, reaches the minute before now): minutes the daemon did
// not see are never filled in. Inside the candles a missing minute is a quiet one (the
// signal fills it flat, as it does live). Keeps at most `max_bars` of the newest (0 = all).
WarmUpPlan plan_warm_up(std::vector<MinuteBar> stored, std::vector<MinuteBar> candles, TimeNs now,
                        std::size_t max_bars = 0);

// Saved bars as JSON: {"v":1,"bars":[[minute_ns,open,high,low,close,volume],...]} (doubles
// written to round-trip exactly). decode throws std::runtime_error on anything malformed.
std::string encode_bars(const std::vector<MinuteBar>& bars);
std::vector<MinuteBar> decode_bars(std::string_view text);

}  // namespace rtcrypto::lstm
