#pragma once
// Default Gemini hosts per trading mode and feed protocol (reference §0 and ws §1):
// paper/live → production, sandbox → sandbox. `--ws-url` / `--rest-url` override them.
#include <string>
#include <string_view>

#include "rtcrypto/net/market_data_client.hpp"

namespace rtcrypto::net {

enum class TradingMode : std::uint8_t { Paper, Sandbox, Live };
std::optional<TradingMode> parse_trading_mode(std::string_view text);
std::string_view to_string(TradingMode m);

struct Endpoints {
  std::string rest_url;  // https://api.gemini.com
  std::string ws_url;    // wss://ws.gemini.com (ws) or wss://api.gemini.com (v1/v2)
};

// Empty overrides keep the defaults.
Endpoints resolve_endpoints(TradingMode mode, FeedProtocol protocol,
                            std::string_view ws_override = {}, std::string_view rest_override = {});

}  // namespace rtcrypto::net
