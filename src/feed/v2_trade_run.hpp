#pragma once
// A snapshot's trades in the exchange's two flat shapes, read as a run without the general
// cursor (as v2_change_run.hpp's kernels read changes). The scanner's SSE2 reader takes them
// where this CPU has no AVX2.
#include <cstddef>
#include <vector>

#include "v2_l2_scanner.hpp"

namespace rtcrypto::feed_detail {

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
