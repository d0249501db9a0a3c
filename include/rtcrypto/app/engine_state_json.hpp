#pragma once
// The engine's restart state (positions, risk/kill switch, order counter) as JSON for the
// store's state table.
#include <string>
#include <string_view>

#include "rtcrypto/engine/engine.hpp"

namespace rtcrypto::app {

std::string engine_state_to_json(const EngineState& state);
// Throws std::invalid_argument with the reason when the text is not a valid state.
EngineState engine_state_from_json(std::string_view text);

}  // namespace rtcrypto::app
