#include "rtcrypto/net/endpoints.hpp"

namespace rtcrypto::net {

std::optional<TradingMode> parse_trading_mode(std::string_view t) {
  if (t == "paper") return TradingMode::Paper;
  if (t == "sandbox") return TradingMode::Sandbox;
  if (t == "live") return TradingMode::Live;
  return std::nullopt;
}

std::string_view to_string(TradingMode m) {
  switch (m) {
    case TradingMode::Paper:
      return "paper";
    case TradingMode::Sandbox:
      return "sandbox";
    case TradingMode::Live:
      return "live";
  }
  return "?";
}

Endpoints resolve_endpoints(TradingMode mode, FeedProtocol protocol, std::string_view ws_override,
                            std::string_view rest_override) {
  bool sandbox = mode == TradingMode::Sandbox;
  Endpoints e;
  e.rest_url = sandbox ? "https://api.sandbox.gemini.com" : "https://api.gemini.com";
  if (protocol == FeedProtocol::Ws) {
    e.ws_url = sandbox ? "wss://ws.sandbox.gemini.com" : "wss://ws.gemini.com";
  } else {
    e.ws_url = sandbox ? "wss://api.sandbox.gemini.com" : "wss://api.gemini.com";
  }
  if (!ws_override.empty()) e.ws_url = std::string(ws_override);
  if (!rest_override.empty()) e.rest_url = std::string(rest_override);
  return e;
}

}  // namespace rtcrypto::net
