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

// What load_clean_run_avx2 found.
enum class RunLoad {
  Clean,           // keys in range and strictly ascending, positive quantities, one side
  KeysOutOfRange,  // positive quantities, but some price beyond the keys' range: the
                   // keys must be recomputed (saturated) and the order checked by price
  Flawed,          // anything else
};

// Writes the n levels from `first` read backwards (the side's order: best at the back),
// asks negated back to prices, with their search keys (the signed price >> 29), to `out`
// and `out_keys` (room for n each), and says whether the run was clean (`ask`: the side).
// When it was not, the keys may be garbage (KeysOutOfRange: the levels are right), or the
// whole output (Flawed: the caller takes the portable path, which also handles prices
// within one key).
RunLoad load_clean_run_avx2(BookLevel* out, std::int64_t* out_keys, const PackedLevel* first,
                            std::size_t n, bool ask);

// For a run load_clean_run_avx2 found KeysOutOfRange: the n keys set again from the levels
// (saturated beyond the range, as the book's search key), and whether the run is clean:
// one side, strictly ascending (by key, by price where keys tie). Four levels a step.
bool fix_keys_avx2(const BookLevel* out, std::int64_t* out_keys, std::size_t n, bool ask);

}  // namespace rtcrypto::book_detail
