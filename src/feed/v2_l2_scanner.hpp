#pragma once
// A direct scanner for Gemini v2 `l2_updates` frames as the exchange sends them: no
// whitespace, plain ASCII strings without escapes, known keys each at most once (in any
// order), decimals as strings, trades as flat objects, `auction_events` an array of plain
// values. It checks
// everything GeminiV2Parser's simdjson path checks and accepts a subset of what that path
// accepts, giving the same levels and trades; on anything else (or any doubt) it returns
// false without side effects and the caller takes the simdjson path, which counts and
// reports malformed frames.
#include <cstdint>
#include <string_view>
#include <vector>

#include "rtcrypto/core/decimal.hpp"
#include "rtcrypto/core/time.hpp"
#include "rtcrypto/core/types.hpp"

namespace rtcrypto::feed_detail {

struct PendingLevel {
  Side side;
  Decimal price;
  Decimal quantity;
};

struct PendingTrade {
  Decimal price;
  Decimal quantity;
  OrderSide taker = OrderSide::Buy;
  bool has_taker = false;
  TimeNs ts = 0;
  std::int64_t id = -1;
};

struct L2Scan {
  std::string_view symbol;  // as in the frame (not upper-cased), never empty
  bool has_trades = false;  // a `trades` array was present (a snapshot)
  bool has_auction_events = false;
};

// Fills `out`, `levels` and `trades` (cleared first) and returns true when the frame is a
// valid `l2_updates` frame of the canonical shape; false otherwise (contents unspecified).
bool scan_l2_updates(std::string_view frame, TimeNs recv_ts, L2Scan& out,
                     std::vector<PendingLevel>& levels, std::vector<PendingTrade>& trades);

}  // namespace rtcrypto::feed_detail
