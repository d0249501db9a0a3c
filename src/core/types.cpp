#include "rtcrypto/core/types.hpp"

#include <array>
#include <cctype>

namespace rtcrypto {

std::string normalize_symbol(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

CurrencyPair split_symbol(std::string_view symbol) {
  std::string s = normalize_symbol(symbol);
  // Longest suffixes first so that "USDC" wins over "USD" ... but "BTCUSDC" vs "XUSD":
  // Gemini has no base ending in USD, so the longest match is right.
  static constexpr std::array<std::string_view, 12> kQuotes = {
      "GUSDPERP", "USDCPERP", "GUSD", "USDC", "USDT", "RLUSD", "USD", "EUR", "GBP", "SGD", "BTC", "ETH"};
  for (auto q : kQuotes) {
    if (s.size() > q.size() && s.compare(s.size() - q.size(), q.size(), q) == 0) {
      return {s.substr(0, s.size() - q.size()), std::string(q)};
    }
  }
  if (s.size() > 3) return {s.substr(0, s.size() - 3), s.substr(s.size() - 3)};
  return {s, ""};
}

}  // namespace rtcrypto
