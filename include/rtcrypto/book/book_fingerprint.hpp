#pragma once
// A 64-bit fingerprint of a book's levels (side, price, quantity; FNV-1a over their exact
// decimal text), so two processes can tell cheaply whether they hold the same book: the
// daemon logs it at exit, the simulator's true book gives the one to compare with.
#include <cstdint>
#include <string>

#include "rtcrypto/book/order_book.hpp"

namespace rtcrypto {

std::uint64_t book_fingerprint(const OrderBook& book);
// 16 lower-case hex digits.
std::string format_fingerprint(std::uint64_t fp);

}  // namespace rtcrypto
