#pragma once
// EngineState as a small line-oriented text, for the store to keep between runs:
//   rtcrypto-engine-state 1
//   next_order_seq 3
//   position BTCUSD last_buy=60720.31 amount=0.1 fees=35.46
//   risk.killed 1
//   risk.kill_reason drawdown 12.5 % reached the limit 10 %
//   risk.killed_at 1618677960000000000
//   risk.peak_equity 100000           ("-" when unknown)
//   risk.day_start_equity 99000
//   risk.day 18734
//   risk.recent_orders 1618677945000000000 1618677960000000000
// Decimals are exact; decoding rejects anything else with std::invalid_argument naming
// the line.
#include <string>
#include <string_view>

#include "rtcrypto/engine/engine.hpp"

namespace rtcrypto {

std::string encode_engine_state(const EngineState& state);
EngineState decode_engine_state(std::string_view text);

}  // namespace rtcrypto
