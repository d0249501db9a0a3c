#include "rtcrypto/net/rest_error.hpp"

namespace rtcrypto::net {

std::string_view to_string(RestError e) {
  switch (e) {
    case RestError::Ok:
      return "Ok";
    case RestError::InsufficientFunds:
      return "InsufficientFunds";
    case RestError::InvalidNonce:
      return "InvalidNonce";
    case RestError::InvalidSignature:
      return "InvalidSignature";
    case RestError::MissingAuth:
      return "MissingAuth";
    case RestError::MissingRole:
      return "MissingRole";
    case RestError::InvalidPrice:
      return "InvalidPrice";
    case RestError::InvalidQuantity:
      return "InvalidQuantity";
    case RestError::InvalidSymbol:
      return "InvalidSymbol";
    case RestError::InvalidOrder:
      return "InvalidOrder";
    case RestError::MarketNotOpen:
      return "MarketNotOpen";
    case RestError::Maintenance:
      return "Maintenance";
    case RestError::RateLimited:
      return "RateLimited";
    case RestError::OrderNotFound:
      return "OrderNotFound";
    case RestError::ServerError:
      return "ServerError";
    case RestError::BadRequest:
      return "BadRequest";
    case RestError::Timeout:
      return "Timeout";
    case RestError::Network:
      return "Network";
    case RestError::Tls:
      return "Tls";
    case RestError::BadResponse:
      return "BadResponse";
    case RestError::NoCredentials:
      return "NoCredentials";
    case RestError::Cancelled:
      return "Cancelled";
  }
  return "?";
}

RestError classify_rest_error(int status, std::string_view reason) {
  // The reason is the most specific signal when present; the status decides otherwise.
  if (reason.find("Nonce") != std::string_view::npos) return RestError::InvalidNonce;
  if (reason == "InvalidSignature") return RestError::InvalidSignature;
  if (reason == "MissingApikeyHeader" || reason == "MissingPayloadHeader" ||
      reason == "MissingSignatureHeader" || reason == "InvalidApiKey" ||
      reason == "MissingAccounts" || reason == "ApiKeyIpFilteringFailure")
    return RestError::MissingAuth;
  if (reason == "MissingRole") return RestError::MissingRole;
  if (reason == "InsufficientFunds") return RestError::InsufficientFunds;
  if (reason == "InvalidPrice" || reason == "LimitPriceOffTick" || reason == "InvalidStopPrice")
    return RestError::InvalidPrice;
  if (reason == "InvalidQuantity" || reason == "InvalidTotalSpend")
    return RestError::InvalidQuantity;
  if (reason == "InvalidSymbol" || reason == "UnknownInstrument") return RestError::InvalidSymbol;
  if (reason == "InvalidOrderType" || reason == "InvalidSide" || reason == "ConflictingOptions" ||
      reason == "UnsupportedOption" || reason == "OptionsMustBeArray" ||
      reason == "MissingOrderField" || reason == "ClientOrderIdTooLong" ||
      reason == "ClientOrderIdMustBeString" || reason == "DuplicateOrder")
    return RestError::InvalidOrder;
  if (reason == "MarketNotOpen" || reason == "AuctionNotOpen" || reason == "TradingClosed" ||
      reason == "MarketClosed")
    return RestError::MarketNotOpen;
  if (reason == "Maintenance") return RestError::Maintenance;
  if (reason == "RateLimit" || reason == "RateLimited") return RestError::RateLimited;
  if (reason == "OrderNotFound") return RestError::OrderNotFound;
  if (reason == "System") return RestError::ServerError;
  switch (status) {
    case 200:
      return RestError::Ok;
    case 401:
      return RestError::MissingAuth;
    case 403:
      return RestError::MissingRole;
    case 404:
      return RestError::OrderNotFound;
    case 406:
      return RestError::InsufficientFunds;
    case 429:
      return RestError::RateLimited;
    case 503:
      return RestError::Maintenance;
    default:
      break;
  }
  if (status >= 500) return RestError::ServerError;
  if (status >= 300) return RestError::BadRequest;
  return RestError::BadResponse;  // 2xx with an error body
}

bool is_transient(RestError e) {
  switch (e) {
    case RestError::RateLimited:
    case RestError::ServerError:
    case RestError::Maintenance:
    case RestError::Timeout:
    case RestError::Network:
    case RestError::InvalidNonce:
      return true;
    default:
      return false;
  }
}

std::string RestStatus::describe() const {
  std::string out(to_string(error));
  if (!reason.empty() && reason != to_string(error)) out += " [" + reason + "]";
  if (http_status) out += " (HTTP " + std::to_string(http_status) + ")";
  if (!message.empty()) out += ": " + message;
  return out;
}

}  // namespace rtcrypto::net
