#pragma once
// Gemini private-API signing and nonces. The payload is the request JSON (request path +
// nonce + parameters), base64-encoded; the signature is the lowercase hex HMAC-SHA384 of
// that base64 string keyed with the API secret (reference §4.1).
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "rtcrypto/core/time.hpp"

namespace rtcrypto::net {

// Holds an API secret. It has no operator<<, its to_string() is redacted, and it wipes its
// bytes on destruction, so printing a credentials object by mistake leaks nothing.
class SecretString {
 public:
  SecretString() = default;
  explicit SecretString(std::string value) : value_(std::move(value)) {}
  SecretString(const SecretString&) = default;
  SecretString& operator=(const SecretString&) = default;
  SecretString(SecretString&& o) noexcept : value_(std::move(o.value_)) { o.wipe(); }
  SecretString& operator=(SecretString&& o) noexcept;
  ~SecretString() { wipe(); }

  bool empty() const { return value_.empty(); }
  // The only way to the bytes; call it where the HMAC is computed and nowhere else.
  std::string_view reveal() const { return value_; }
  std::string to_string() const { return "<redacted>"; }

 private:
  void wipe() noexcept;
  std::string value_;
};

// How a key's nonce is counted. Pick one per key for its whole life (never lower it).
enum class NonceUnit : std::uint8_t { Microseconds, Milliseconds, Seconds };
std::string_view to_string(NonceUnit unit);
std::optional<NonceUnit> parse_nonce_unit(std::string_view text);  // "us", "ms", "s"

struct ApiCredentials {
  std::string key;
  SecretString secret;
  std::string account;  // master keys only; empty otherwise
  NonceUnit nonce_unit = NonceUnit::Microseconds;
  // "key=account-abc… secret=<redacted>" — safe to log.
  std::string to_string() const;
};

std::string base64_encode(std::string_view bytes);
// base64_encode(bytes) written over `out` (its capacity kept).
void write_base64(std::string& out, std::string_view bytes);
std::string hmac_sha384_hex(const SecretString& secret, std::string_view message);

struct SignedPayload {
  std::string payload;    // X-GEMINI-PAYLOAD: base64 of the JSON text
  std::string signature;  // X-GEMINI-SIGNATURE: hex HMAC-SHA384 of `payload`
};
SignedPayload sign_payload(std::string_view json_text, const SecretString& secret);

// sign_payload with the HMAC keyed once: the algorithm lookup and the key schedule happen
// here, and each sign() starts from a copy of the keyed state (about half the cost of a
// one-shot HMAC per order). Same output as sign_payload(json_text, secret).
class PayloadSigner {
 public:
  explicit PayloadSigner(const SecretString& secret);  // throws std::runtime_error
  ~PayloadSigner();
  PayloadSigner(const PayloadSigner&) = delete;
  PayloadSigner& operator=(const PayloadSigner&) = delete;
  SignedPayload sign(std::string_view json_text) const;
  // sign() written over `out`'s two strings: reused between orders, they keep their
  // capacity, so a signature costs no allocation.
  void sign_into(std::string_view json_text, SignedPayload& out) const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Strictly increasing nonces for one key: max(now in the unit, last + 1). The high-water
// mark is handed to `persist` before any nonce above it is issued, ahead by `reserve`
// units so that a busy key writes rarely; after a restart, construct with the loaded mark
// and every nonce is above anything ever issued, even if the clock stepped back.
class NonceSource {
 public:
  using NowFn = std::function<TimeNs()>;
  using PersistFn = std::function<void(std::int64_t high_water)>;

  explicit NonceSource(NonceUnit unit = NonceUnit::Microseconds, std::int64_t loaded_high_water = 0,
                       PersistFn persist = {}, NowFn now = {}, std::int64_t reserve = -1);
  std::int64_t next();
  std::int64_t last() const;
  NonceUnit unit() const { return unit_; }

 private:
  NonceUnit unit_;
  NowFn now_;
  PersistFn persist_;
  std::int64_t reserve_;
  std::int64_t last_ = 0;
  std::int64_t persisted_ = 0;
  mutable std::mutex mu_;
};

// File-backed high-water mark: one decimal integer; written to a temp file and renamed.
std::int64_t load_nonce_high_water(const std::string& path);              // 0 when absent
void save_nonce_high_water(const std::string& path, std::int64_t value);  // throws on failure

}  // namespace rtcrypto::net
