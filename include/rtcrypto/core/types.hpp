#pragma once
// Sides and symbols shared by every part.
#include <cstdint>
#include <string>
#include <string_view>

namespace rtcrypto {

// Side of the book a level sits on.
enum class Side : std::uint8_t { Bid = 0, Ask = 1 };
// Direction of an order or of a trade's taker.
enum class OrderSide : std::uint8_t { Buy = 0, Sell = 1 };

constexpr std::string_view to_string(Side s) { return s == Side::Bid ? "bid" : "ask"; }
constexpr std::string_view to_string(OrderSide s) { return s == OrderSide::Buy ? "buy" : "sell"; }
constexpr Side book_side_of(OrderSide s) { return s == OrderSide::Buy ? Side::Bid : Side::Ask; }

// Symbols are upper-case strings ("BTCUSD"); Gemini accepts any case.
std::string normalize_symbol(std::string_view s);

// Splits a Gemini symbol into base and quote currency ("BTCUSD" -> BTC, USD). Knows the
// quote currencies Gemini lists; falls back to the last three letters.
struct CurrencyPair {
  std::string base;
  std::string quote;
};
CurrencyPair split_symbol(std::string_view symbol);

}  // namespace rtcrypto
