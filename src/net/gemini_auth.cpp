#include "rtcrypto/net/gemini_auth.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace rtcrypto::net {

SecretString& SecretString::operator=(SecretString&& o) noexcept {
  if (this != &o) {
    wipe();
    value_ = std::move(o.value_);
    o.wipe();
  }
  return *this;
}

void SecretString::wipe() noexcept {
  if (!value_.empty()) OPENSSL_cleanse(value_.data(), value_.size());
  value_.clear();
}

std::string_view to_string(NonceUnit unit) {
  switch (unit) {
    case NonceUnit::Microseconds:
      return "us";
    case NonceUnit::Milliseconds:
      return "ms";
    case NonceUnit::Seconds:
      return "s";
  }
  return "?";
}

std::optional<NonceUnit> parse_nonce_unit(std::string_view t) {
  if (t == "us" || t == "microseconds") return NonceUnit::Microseconds;
  if (t == "ms" || t == "milliseconds") return NonceUnit::Milliseconds;
  if (t == "s" || t == "seconds" || t == "time") return NonceUnit::Seconds;
  return std::nullopt;
}

std::string ApiCredentials::to_string() const {
  std::string out = "key=";
  out += key.size() > 12 ? key.substr(0, 12) + "…" : key;
  out += " secret=";
  out += secret.to_string();
  out += " nonce=";
  out += net::to_string(nonce_unit);
  return out;
}

void write_base64(std::string& out, std::string_view bytes) {
  // Written over `out`: a buffer reused between orders keeps its capacity. (A table loop
  // of our own measured the same instructions as EVP_EncodeBlock under callgrind.)
  out.resize(4 * ((bytes.size() + 2) / 3));
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
}

std::string base64_encode(std::string_view bytes) {
  std::string out;
  write_base64(out, bytes);
  return out;
}

std::string hmac_sha384_hex(const SecretString& secret, std::string_view message) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  auto key = secret.reveal();
  if (!HMAC(EVP_sha384(), key.data(), static_cast<int>(key.size()),
            reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &len)) {
    throw std::runtime_error("HMAC-SHA384 failed");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(2 * len, '\0');
  for (unsigned i = 0; i < len; ++i) {
    out[2 * i] = kHex[mac[i] >> 4];
    out[2 * i + 1] = kHex[mac[i] & 15];
  }
  OPENSSL_cleanse(mac, sizeof mac);
  return out;
}

SignedPayload sign_payload(std::string_view json_text, const SecretString& secret) {
  SignedPayload s;
  s.payload = base64_encode(json_text);
  s.signature = hmac_sha384_hex(secret, s.payload);
  return s;
}

// HMAC-SHA384 (RFC 2104) with the key's inner and outer pad blocks hashed once: a sign()
// copies two digest states and hashes only the payload and the inner digest, with no
// provider lookup or context allocation (EVP_MAC_CTX_dup costs as much as the hashing).
// The low-level SHA-384 calls are deprecated in OpenSSL 3 but remain part of its API.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
struct PayloadSigner::State {
  SHA512_CTX inner{};  // after key ^ ipad
  SHA512_CTX outer{};  // after key ^ opad
  ~State() {
    OPENSSL_cleanse(&inner, sizeof inner);
    OPENSSL_cleanse(&outer, sizeof outer);
  }
};

PayloadSigner::PayloadSigner(const SecretString& secret) : state_(std::make_unique<State>()) {
  constexpr std::size_t kBlock = 128;  // SHA-384 block size
  unsigned char key[kBlock] = {};
  auto k = secret.reveal();
  if (k.size() > kBlock) {
    SHA384(reinterpret_cast<const unsigned char*>(k.data()), k.size(), key);
  } else {
    std::memcpy(key, k.data(), k.size());
  }
  unsigned char pad[kBlock];
  for (std::size_t i = 0; i < kBlock; ++i) pad[i] = key[i] ^ 0x36;
  const bool ok = SHA384_Init(&state_->inner) && SHA384_Update(&state_->inner, pad, kBlock);
  for (std::size_t i = 0; i < kBlock; ++i) pad[i] = key[i] ^ 0x5c;
  const bool ok2 = SHA384_Init(&state_->outer) && SHA384_Update(&state_->outer, pad, kBlock);
  OPENSSL_cleanse(key, sizeof key);
  OPENSSL_cleanse(pad, sizeof pad);
  if (!ok || !ok2) throw std::runtime_error("HMAC-SHA384 setup failed");
}

PayloadSigner::~PayloadSigner() = default;

SignedPayload PayloadSigner::sign(std::string_view json_text) const {
  SignedPayload s;
  sign_into(json_text, s);
  return s;
}

void PayloadSigner::sign_into(std::string_view json_text, SignedPayload& out) const {
  write_base64(out.payload, json_text);
  unsigned char mac[SHA384_DIGEST_LENGTH];
  SHA512_CTX c = state_->inner;
  bool ok = SHA384_Update(&c, out.payload.data(), out.payload.size()) && SHA384_Final(mac, &c);
  c = state_->outer;
  ok = ok && SHA384_Update(&c, mac, sizeof mac) && SHA384_Final(mac, &c);
  OPENSSL_cleanse(&c, sizeof c);
  if (!ok) throw std::runtime_error("HMAC-SHA384 failed");
  static constexpr char kHex[] = "0123456789abcdef";
  out.signature.resize(2 * sizeof mac);
  for (std::size_t i = 0; i < sizeof mac; ++i) {
    out.signature[2 * i] = kHex[mac[i] >> 4];
    out.signature[2 * i + 1] = kHex[mac[i] & 15];
  }
  OPENSSL_cleanse(mac, sizeof mac);
}
#pragma GCC diagnostic pop

namespace {
std::int64_t now_in(NonceUnit unit, TimeNs t) {
  switch (unit) {
    case NonceUnit::Microseconds:
      return t / kNsPerUs;
    case NonceUnit::Milliseconds:
      return t / kNsPerMs;
    case NonceUnit::Seconds:
      return t / kNsPerSec;
  }
  return t;
}
std::int64_t default_reserve(NonceUnit unit) {
  // About ten seconds of nonces; none for time-based keys, whose nonce must stay within
  // ±30 s of the exchange clock (persisting ahead would not matter to them anyway).
  switch (unit) {
    case NonceUnit::Microseconds:
      return 10'000'000;
    case NonceUnit::Milliseconds:
      return 10'000;
    case NonceUnit::Seconds:
      return 0;
  }
  return 0;
}
}  // namespace

NonceSource::NonceSource(NonceUnit unit, std::int64_t loaded_high_water, PersistFn persist,
                         NowFn now, std::int64_t reserve)
    : unit_(unit),
      now_(now ? std::move(now) : NowFn(wall_now_ns)),
      persist_(std::move(persist)),
      reserve_(reserve >= 0 ? reserve : default_reserve(unit)),
      last_(loaded_high_water),
      persisted_(loaded_high_water) {}

std::int64_t NonceSource::next() {
  std::lock_guard lock(mu_);
  std::int64_t n = std::max(now_in(unit_, now_()), last_ + 1);
  if (persist_ && n > persisted_) {
    // Persist first: a crash after this point can never lead to reuse of `n`.
    std::int64_t mark = n + reserve_;
    persist_(mark);
    persisted_ = mark;
  }
  last_ = n;
  return n;
}

std::int64_t NonceSource::last() const {
  std::lock_guard lock(mu_);
  return last_;
}

std::int64_t load_nonce_high_water(const std::string& path) {
  std::ifstream in(path);
  if (!in) return 0;
  long long v = 0;
  if (!(in >> v) || v < 0) throw std::runtime_error("nonce file " + path + " is not a number");
  return v;
}

void save_nonce_high_water(const std::string& path, std::int64_t value) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << value << '\n';
    out.flush();
    if (!out) throw std::runtime_error("cannot write nonce file " + tmp);
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) throw std::runtime_error("cannot rename nonce file to " + path + ": " + ec.message());
}

}  // namespace rtcrypto::net
