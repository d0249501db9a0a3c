#pragma once
// Small helpers the net tests share: a bounded event-loop runner and a base64 decoder for
// the X-GEMINI-PAYLOAD header the fake servers read.
#include <openssl/evp.h>

#include <algorithm>
#include <chrono>
#include <string>

#include "../../src/net/asio.hpp"
#include "rtcrypto/core/time.hpp"

namespace rtcrypto::net::testing {

// Runs the loop until `done` or the deadline (every wait in a test is bounded).
template <class Pred>
bool run_until(asio::io_context& io, Pred done, TimeNs limit = 10 * kNsPerSec) {
  const TimeNs end = wall_now_ns() + limit;
  while (!done() && wall_now_ns() < end) {
    io.run_for(std::chrono::milliseconds(5));
    if (io.stopped()) io.restart();
  }
  return done();
}

// Standard base64 with padding; empty on malformed input.
inline std::string b64decode(const std::string& in) {
  std::string out(in.size(), '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(in.data()),
                                static_cast<int>(in.size()));
  if (n < 0) return {};
  const std::size_t pad =
      in.size() >= 2 && in[in.size() - 1] == '=' ? (in[in.size() - 2] == '=' ? 2 : 1) : 0;
  out.resize(static_cast<std::size_t>(n) - std::min<std::size_t>(pad, static_cast<std::size_t>(n)));
  return out;
}

}  // namespace rtcrypto::net::testing
