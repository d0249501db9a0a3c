#pragma once
// The sim's own check of Gemini's private-REST signature: HMAC-SHA384 over the base64 payload
// string, lowercase hex. Written independently of the client's signer so each tests the other.
#include <optional>
#include <string>
#include <string_view>

namespace rtcrypto::sim {

// Standard alphabet with '=' padding, no line breaks.
std::string base64_encode(std::string_view bytes);
// Strict decode (standard alphabet, padding optional); nullopt on any other character.
std::optional<std::string> base64_decode(std::string_view text);

// Lowercase hex of HMAC-SHA384(key = secret, message).
std::string hmac_sha384_hex(std::string_view secret, std::string_view message);

// True when `signature_hex` (either case) is the HMAC of `payload_b64` under `secret`.
// Compares in constant time.
bool verify_signature(std::string_view secret, std::string_view payload_b64,
                      std::string_view signature_hex);

}  // namespace rtcrypto::sim
