#pragma once
// v2 l2_updates frames built from changes, for the change-kernel and delta-path tests.
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace rtcrypto::test {

struct V2Change {
  bool sell;
  std::string price, quantity;
};

// `count` random decimal digits.
inline std::string random_digits(std::mt19937_64& rng, int count) {
  std::string s;
  for (int i = 0; i < count; ++i) s += static_cast<char>('0' + rng() % 10);
  return s;
}

// An l2_updates frame of the symbol's changes: "type" first as the exchange sends it, or with
// sorted keys (the changes first) as some recorders write it.
inline std::string l2_frame(std::string_view symbol, const std::vector<V2Change>& changes,
                            bool sorted_keys) {
  std::string body = "[";
  for (std::size_t i = 0; i < changes.size(); ++i) {
    if (i) body += ',';
    body += std::string("[\"") + (changes[i].sell ? "sell" : "buy") + "\",\"" + changes[i].price +
            "\",\"" + changes[i].quantity + "\"]";
  }
  body += "]";
  const std::string sym(symbol);
  return sorted_keys
             ? R"({"changes":)" + body + R"(,"symbol":")" + sym + R"(","type":"l2_updates"})"
             : R"({"type":"l2_updates","symbol":")" + sym + R"(","changes":)" + body + "}";
}

}  // namespace rtcrypto::test
