#pragma once
// Typed outcome of one Gemini REST call: decided on the HTTP status first, then on the
// body's "reason" (reference §4.4). Transport problems have their own kinds.
#include <cstdint>
#include <string>
#include <string_view>

namespace rtcrypto::net {

enum class RestError : std::uint8_t {
  Ok,
  // Exchange answers (HTTP status + reason)
  InsufficientFunds,
  InvalidNonce,
  InvalidSignature,
  MissingAuth,  // MissingApikeyHeader / MissingPayloadHeader / MissingSignatureHeader, 401
  MissingRole,  // 403: the key lacks the role
  InvalidPrice,
  InvalidQuantity,
  InvalidSymbol,
  InvalidOrder,  // InvalidOrderType, InvalidSide, ConflictingOptions, ClientOrderId…
  MarketNotOpen,
  Maintenance,  // 503 / reason Maintenance
  RateLimited,  // 429
  OrderNotFound,
  ServerError,  // 500 / 502 / System
  BadRequest,   // any other 4xx
  // Transport and local problems
  Timeout,
  Network,        // connect/read/write failed, connection reset
  Tls,            // handshake or certificate verification failed
  BadResponse,    // not JSON, or not the expected shape
  NoCredentials,  // private call without a key
  Cancelled,      // client shut down
};

std::string_view to_string(RestError e);

// Maps an HTTP status and the error body's reason to a kind (200 with a non-error body is Ok).
RestError classify_rest_error(int http_status, std::string_view reason);

// Kinds worth another attempt with a fresh nonce (after a pause).
bool is_transient(RestError e);
// Kinds that mean our credentials or roles are wrong: never retried, reported loudly.
inline bool is_auth_failure(RestError e) {
  return e == RestError::InvalidSignature || e == RestError::MissingAuth ||
         e == RestError::MissingRole;
}

struct RestStatus {
  RestError error = RestError::Ok;
  int http_status = 0;
  std::string reason;   // exchange reason code, or a short local one
  std::string message;  // human-readable detail
  int attempts = 0;     // requests sent for this call (retries included)
  bool ok() const { return error == RestError::Ok; }
  std::string describe() const;  // "InvalidSignature (HTTP 400): Invalid signature …"
};

}  // namespace rtcrypto::net
