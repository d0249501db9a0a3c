#include "rtcrypto/core/types.hpp"

#include <array>
#include <cctype>

namespace rtcrypto {

std::string normalize_symbol(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::size_t symbol_slot_slow(std::string_view s) {
  return symbol_hash(s) % 64;
}

CurrencyPair split_symbol(std::string_view symbol) {
  // Upper-cased inline: ASCII, as std::toupper in the C locale the program runs in (one
  // engine builds this per symbol; a call per character showed).
  std::string s(symbol);
  for (char& c : s)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - ('a' - 'A'));
  const std::string_view v = s;
  // Longest suffixes first so that "USDC" wins over "USD" ... but "BTCUSDC" vs "XUSD":
  // Gemini has no base ending in USD, so the longest match is right.
  static constexpr std::array<std::string_view, 12> kQuotes = {
      "GUSDPERP", "USDCPERP", "GUSD", "USDC", "USDT", "RLUSD",
      "USD",      "EUR",      "GBP",  "SGD",  "BTC",  "ETH"};
  for (std::string_view q : kQuotes) {
    if (v.size() > q.size() && v.back() == q.back() && v.ends_with(q))
      return {std::string(v.substr(0, v.size() - q.size())), std::string(q)};
  }
  if (v.size() > 3)
    return {std::string(v.substr(0, v.size() - 3)), std::string(v.substr(v.size() - 3))};
  return {std::move(s), ""};
}

}  // namespace rtcrypto
