#pragma once
// Sides and symbols shared by every part.
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace rtcrypto {

// Side of the book a level sits on.
enum class Side : std::uint8_t { Bid = 0, Ask = 1 };
// Direction of an order or of a trade's taker.
enum class OrderSide : std::uint8_t { Buy = 0, Sell = 1 };

constexpr std::string_view to_string(Side s) {
  return s == Side::Bid ? "bid" : "ask";
}
constexpr std::string_view to_string(OrderSide s) {
  return s == OrderSide::Buy ? "buy" : "sell";
}
constexpr Side book_side_of(OrderSide s) {
  return s == OrderSide::Buy ? Side::Bid : Side::Ask;
}

// Symbols are upper-case strings ("BTCUSD"); Gemini accepts any case.
std::string normalize_symbol(std::string_view s);

// Splits a Gemini symbol into base and quote currency ("BTCUSD" -> BTC, USD). Knows the
// quote currencies Gemini lists; falls back to the last three letters.
struct CurrencyPair {
  std::string base;
  std::string quote;
};
CurrencyPair split_symbol(std::string_view symbol);

// a == b for the per-change hot paths: symbols of 4 to 16 bytes compare with two
// overlapping word loads each instead of a memcmp call.
inline bool same_symbol(std::string_view a, std::string_view b) {
  const std::size_t n = a.size();
  if (n != b.size()) return false;
  const char* x = a.data();
  const char* y = b.data();
  if (n >= 8 && n <= 16) {
    std::uint64_t x0, x1, y0, y1;
    std::memcpy(&x0, x, 8);
    std::memcpy(&y0, y, 8);
    std::memcpy(&x1, x + n - 8, 8);
    std::memcpy(&y1, y + n - 8, 8);
    return ((x0 ^ y0) | (x1 ^ y1)) == 0;
  }
  if (n >= 4 && n < 8) {
    std::uint32_t x0, x1, y0, y1;
    std::memcpy(&x0, x, 4);
    std::memcpy(&y0, y, 4);
    std::memcpy(&x1, x + n - 4, 4);
    std::memcpy(&y1, y + n - 4, 4);
    return ((x0 ^ y0) | (x1 ^ y1)) == 0;
  }
  return a == b;
}

// The slot of a 64-entry cache of symbols, by content (events name a symbol with views
// of many texts: the parser's names, a frame's own text): symbols of 4 to 16 bytes with
// same_symbol's two word loads, mixed by multiplication, the rest by symbol_hash.
std::size_t symbol_slot_slow(std::string_view s);
inline std::size_t symbol_slot64(std::string_view s) {
  const std::size_t n = s.size();
  std::uint64_t a, b;
  if (n >= 8 && n <= 16) {
    std::memcpy(&a, s.data(), 8);
    std::memcpy(&b, s.data() + n - 8, 8);
  } else if (n >= 4 && n < 8) {
    std::uint32_t a4, b4;
    std::memcpy(&a4, s.data(), 4);
    std::memcpy(&b4, s.data() + n - 4, 4);
    a = a4, b = b4;
  } else {
    return symbol_slot_slow(s);
  }
  return static_cast<std::size_t>(((a ^ (b * 0xff51afd7ed558ccdULL) ^ n) * 0x9E3779B97F4A7C15ULL) >>
                                  58);
}

// A cheap hash of a symbol for small lookup caches in front of the symbol maps.
inline std::size_t symbol_hash(std::string_view s) {
  std::uint64_t h = s.size();
  for (char c : s) h = h * 31 + static_cast<unsigned char>(c);
  return static_cast<std::size_t>(h ^ (h >> 15));
}

}  // namespace rtcrypto
