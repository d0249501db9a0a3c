#pragma once
// `--signal lstm:MODEL` on a live source (the exchange's feed, or Kafka): warm-up at start
// from the bars the last run saved in the store and from the exchange's minute candles, and
// saving of the completed bars as they come, so that a (re)start can trade at once. Offline
// sources (replay:, bars:) are left exactly as they were: their outputs stay deterministic.
#include "rtcrypto/app/run_context.hpp"

namespace rtcrypto::app {

// Call after the store and the exchange are set up and before the engine is built: it may
// wrap ctx.signal. Does nothing without an LSTM signal or on an offline source. A failed
// candle fetch or unreadable saved bars are warnings: the signal then warms up live.
// `now` (for tests) is the decision time the warm-up is for; 0 = the clock after the fetch.
void setup_lstm_serving(RunContext& ctx, TimeNs now = 0);

}  // namespace rtcrypto::app
