#pragma once
// Where the API key comes from: GEMINI_API_KEY / GEMINI_API_SECRET, or a credentials file
// that only its owner can read (mode 0600 or stricter; anything else is refused). The file
// is JSON {"key":…,"secret":…[,"account":…][,"nonce":"us|ms|s"]} or KEY=VALUE lines
// (GEMINI_API_KEY=…, GEMINI_API_SECRET=…, GEMINI_ACCOUNT=…, GEMINI_NONCE=…).
#include <optional>
#include <stdexcept>
#include <string>

#include "rtcrypto/net/gemini_auth.hpp"

namespace rtcrypto::net {

struct CredentialsError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// From `file` when given (throws CredentialsError on a bad mode or content), otherwise from
// the environment; nullopt when neither holds a key. Error messages never contain the secret.
std::optional<ApiCredentials> load_credentials(const std::string& file = {});

// The checks alone, for the file form.
ApiCredentials read_credentials_file(const std::string& file);

}  // namespace rtcrypto::net
