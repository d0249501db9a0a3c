#pragma once
// OrderBook::apply() for the changes of a frame (order_book.cpp): the AVX-512 and AVX2
// kernels, chosen at run time, and the general path it leaves the rare changes to.
#include <cstddef>

#include "rtcrypto/book/book_side.hpp"
#include "rtcrypto/core/decimal.hpp"
#include "rtcrypto/core/events.hpp"

namespace rtcrypto::book_detail {

// Whether the CPU runs apply_avx2 / apply_avx512.
bool apply_avx2_usable();
bool apply_avx512_usable();

// Sets one level of a side as OrderBook::set_level does: any price, any key (in
// order_book.cpp). `signed_p`: the price, negated for asks.
void set_level_general(BookSide& v, Decimal::Rep signed_p, Decimal qty);

// Applies n changes in order to the sides, as set_level_general one by one would. A change
// whose key is among a side's top 16 (or above them) is found by vector compares and
// applied by moves of a fixed 16 levels from its position (through the sides' tail pads),
// with no branch on where it lands or on update/insert/erase; one 16 to 31 levels down by
// two such moves (apply_below_top); the rest (deeper levels, prices beyond the keys' range
// or within one key) take set_level_general.
void apply_avx2(BookSide& bids, BookSide& asks, const PackedLevel* first, std::size_t n);
// The same with 512-bit vectors (apply_avx512.cpp).
void apply_avx512(BookSide& bids, BookSide& asks, const PackedLevel* first, std::size_t n);

}  // namespace rtcrypto::book_detail
