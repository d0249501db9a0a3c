#pragma once
// A snapshot's trades in the exchange's two flat shapes, read as a run without the general
// cursor (as v2_change_run.hpp's kernels read changes). The scanner's SSE2 reader takes them
// where this CPU has no AVX2.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "rtcrypto/feed/feed_parser.hpp"  // epoch_to_ns
#include "v2_l2_scanner.hpp"

namespace rtcrypto::feed_detail {

// A flat trade's time (the exchange's milliseconds) in nanoseconds; false when it has none.
[[gnu::always_inline]] inline bool trade_time(std::uint64_t ms, TimeNs& ts) {
  // epoch_to_ns() inline for the exchange's milliseconds (a call per trade otherwise).
  constexpr std::uint64_t kMinMs = 100'000'000'000;  // below: seconds
  constexpr std::uint64_t kMaxMs = std::numeric_limits<TimeNs>::max() / kNsPerMs;
  if (ms - kMinMs <= kMaxMs - kMinMs) [[likely]] {
    ts = static_cast<TimeNs>(ms) * kNsPerMs;
    return true;
  }
  const auto ns = epoch_to_ns(static_cast<std::int64_t>(ms));
  if (!ns) return false;
  ts = *ns;
  return true;
}

// Fills t from a flat trade's fields; false when the time has no nanosecond value.
[[gnu::always_inline]] inline bool fill_trade(PendingTrade& t, Decimal::Rep price, Decimal::Rep qty,
                                              OrderSide taker, std::uint64_t ms, std::uint64_t id) {
  TimeNs ts;
  if (!trade_time(ms, ts)) return false;
  t.price = Decimal::from_raw(price);
  t.quantity = Decimal::from_raw(qty);
  t.taker = taker;
  t.has_taker = true;
  t.ts = ts;
  t.id = static_cast<std::int64_t>(id);
  return true;
}

// The readable bytes (padding counts) a trade kernel needs from a trade's start.
inline constexpr std::size_t kTradeRunReadable = 224;

// Reads trades separated by commas from p while kTradeRunReadable bytes are readable before
// readable_end, appending them to `trades`. Returns the position after the last one's `}`
// (before its separator), or nullptr when the first is not taken (nothing appended). Takes
// only the shapes {"type":"trade","symbol":..,"event_id":..,"timestamp":..,"price":..,
// "quantity":..,"side":..} and {"event_id":..,"price":..,"quantity":..,"side":..,"symbol":..,
// "tid":..,"timestamp":..,"type":"trade"} with values the general reader gives the same.
using TradeRunFn = const char* (*)(const char* p, const char* readable_end,
                                   std::vector<PendingTrade>& trades);

// Only where avx2_usable().
const char* trade_run_avx2(const char* p, const char* readable_end,
                           std::vector<PendingTrade>& trades);

// trade_run_avx2 where this CPU runs it, else nullptr.
TradeRunFn best_trade_run();

// The kernel the scanner uses (nullptr: its SSE2 reader): best_trade_run() unless a test set
// another with set_trade_run(), so both readers are tested on any machine.
TradeRunFn trade_run();
void set_trade_run(TradeRunFn run);

}  // namespace rtcrypto::feed_detail
