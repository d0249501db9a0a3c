#pragma once
// Loading a best-first run of snapshot levels into a book side (order_book.cpp): the AVX2
// kernel, chosen at run time, and what it shares with the portable loop.
#include <cstddef>
#include <cstdint>

#include "rtcrypto/book/book_side.hpp"
#include "rtcrypto/core/events.hpp"

namespace rtcrypto::book_detail {

// Whether the CPU runs load_clean_run_avx2.
bool snapshot_avx2_usable();

// Writes the n levels from `first` read backwards (the side's order: best at the back),
// asks negated back to prices, with their search keys (the signed price >> 29), to `out`
// and `out_keys` (room for n each). Returns true only for a clean run: keys in range and
// strictly ascending, quantities positive, every level of the side (`ask`). On false the
// output is garbage and the caller takes the portable path, which also handles the
// exceptions (keys out of range, prices within one key).
bool load_clean_run_avx2(BookLevel* out, std::int64_t* out_keys, const PackedLevel* first,
                         std::size_t n, bool ask);

}  // namespace rtcrypto::book_detail
