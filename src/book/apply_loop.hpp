#pragma once
// The loop of the AVX2 apply kernel (apply_avx2.cpp; apply_avx512.cpp has its own loop on
// the same method, its top keys kept in registers). Included inside `#pragma GCC target`
// for the kernel's instruction set, after apply_avx2.hpp and <immintrin.h> (so no library
// header is compiled for that target), and instantiated with the Kernel:
//   Window: the 16 keys at the top of a side, loaded by load_top(ks + size - 16);
//   static unsigned below16(std::int64_t key, const Window&): bit j set when key j < key;
//   static unsigned equal16(std::int64_t key, const Window&): bit j set when key j == key;
//   static void move16(BookLevel* lv, BookSide::Key* ks, std::size_t to, std::size_t from):
//     16 levels (and, if the kernel says so, keys) from `from` to `to`, all loaded first;
//   static void move8(...): the same for 8 levels (a change within 8 of the top);
//   static void store_keys(BookSide::Key* ks, std::size_t n, const Window&, key, r, insert,
//     erase, w): the keys after the change (r: the key's position in the window; w: the
//     slot the level went to).
// Everything here has internal linkage: it is compiled for the kernel's target alone.
//
// Why fixed-size moves: the deltas land a few levels from the top at random depths and are
// updates, inserts and erases at random, so a scan that stops where the key lies, a choice
// of operation and a move of the levels above are three mispredicted branches per change.
// Here the position is a popcount of the compares, the operation picks the move's source
// and destination (i+1 -> i erases, i -> i+1 inserts, i -> i updates in place) and the
// slot the new level goes to (i, or a tail pad when nothing is written), and the move is
// always the 16 levels and keys from the position: loaded whole before any is stored, so
// one sequence serves both directions.
#if defined(__x86_64__)
namespace rtcrypto::book_detail {
namespace {

// Hides a value's origin from the optimizer, so that it stays data (GCC turns selects and
// combined conditions on it into branches, mispredicted on this data).
inline void opaque(std::size_t& x) {
  asm("" : "+r"(x));
}

// A change 16 to 31 levels below the top (most of the changes the top 16 keys miss):
// positioned by the 16 keys below them (front pads where the side is shorter) and applied
// by two fixed 16-level moves, in the order that reads every source before overwriting it.
// Returns false, having changed nothing, for a change deeper still or a price within the
// key of another (the general path's).
template <class Kernel>
[[gnu::noinline]] bool apply_below_top(BookSide& v, const PackedLevel& l, std::int64_t key,
                                       std::uint64_t m64) {
  const std::size_t n = v.size();  // room for an insert already made
  BookSide::Key* const ks = v.keys();
  const unsigned below = Kernel::below16(key, Kernel::load_top(ks + n - 32));
  if (!(below & 1)) return false;
  const std::size_t i = n - 32 + static_cast<std::size_t>(__builtin_popcount(below));
  BookLevel* const lv = v.levels();
  const bool found = ks[i] == key;  // i <= n - 16: a key of the side
  const auto lo = static_cast<std::uint64_t>(l.signed_price);
  if (found && ((static_cast<std::uint64_t>(lv[i].price.raw()) ^ m64) - m64) != lo) return false;
  const bool positive = l.quantity > 0;
  const bool erase = found && !positive;
  const bool insert = !found && positive;
  if (insert) {  // the upper half first going up
    Kernel::move16(lv, ks, i + 17, i + 16);
    Kernel::move16(lv, ks, i + 1, i);
  } else if (erase) {  // the lower half first going down
    Kernel::move16(lv, ks, i, i + 1);
    Kernel::move16(lv, ks, i + 16, i + 17);
  }
  if (positive) {
    lv[i] = BookLevel{l.price(), l.remaining()};
    ks[i] = key;
  }
  v.set_size(n + insert - erase);
  return true;
}

template <class Kernel>
[[gnu::always_inline]] inline void apply_loop(BookSide& bids, BookSide& asks,
                                              const PackedLevel* first, std::size_t count) {
  for (const PackedLevel* l = first; l != first + count; ++l) {
    // In 64-bit halves, the side as data, the key's range check: as OrderBook::apply.
    const auto lo = static_cast<std::uint64_t>(l->signed_price);
    const auto hi = static_cast<std::int64_t>(l->signed_price >> 64);
    BookSide& v = hi < 0 ? asks : bids;
    const auto m64 = static_cast<std::uint64_t>(hi >> 63);
    const auto key = static_cast<std::int64_t>((lo >> 29) | (static_cast<std::uint64_t>(hi) << 35));
    // quantity > 0 in 64-bit halves (as apply_avx512.cpp): the high half, with a bit for a
    // low half not 0, > 0.
    const bool positive =
        (static_cast<std::int64_t>(l->quantity >> 64) |
         static_cast<std::int64_t>(static_cast<std::uint64_t>(l->quantity) != 0)) > 0;
    if ((static_cast<std::uint64_t>(hi) + (std::uint64_t{1} << 28)) >> 29) [[unlikely]] {
      set_level_general(v, l->signed_price, l->remaining());
      continue;
    }
    v.reserve(1);  // an insert's room
    const std::size_t n = v.size();
    BookSide::Key* const ks = v.keys();
    // The top 16 keys (front pads, below every key, where the side is shorter): how many
    // are below the key. None: the key lies deeper.
    const auto window = Kernel::load_top(ks + n - 16);
    const unsigned mask = Kernel::below16(key, window);
    if (!(mask & 1)) [[unlikely]] {
      if (!apply_below_top<Kernel>(v, *l, key, m64))
        set_level_general(v, l->signed_price, l->remaining());
      continue;
    }
    const auto r = static_cast<std::size_t>(__builtin_popcount(mask));
    const std::size_t i = n - 16 + r;
    BookLevel* const lv = v.levels();
    // Found: the key at i (the window holds no key at or above n) with the price's low half
    // (a key in range fixes the high half); the same key with another price is the general
    // path's (prices within one key).
    const std::size_t same_key = Kernel::equal16(key, window) != 0;
    const auto low = static_cast<std::uint64_t>(lv[i].price.raw());
    std::size_t other_price = same_key & (((low ^ m64) - m64) != lo);
    opaque(other_price);  // one branch, on the rare case (GCC would test both parts)
    if (other_price) [[unlikely]] {
      set_level_general(v, l->signed_price, l->remaining());
      continue;
    }
    const std::size_t erase = same_key & !positive;
    const std::size_t insert = !same_key & positive;
    // Within 8 of the top (most changes) 8 levels reach past the top: half the move.
    if (r >= 8) [[likely]] {
      Kernel::move8(lv, ks, i + insert, i + erase);
    } else {
      Kernel::move16(lv, ks, i + insert, i + erase);
    }
    // An update or insert writes level i; else the write lands in a tail pad. The price is
    // the signed one negated for asks, in halves: -x is ~x + 1, carried into the high half
    // when the low one is 0. One vector store: the next change's moves load it whole.
    std::size_t positive_mask = -static_cast<std::size_t>(positive);
    opaque(positive_mask);  // a select, not a branch on a coin flip
    const std::size_t w = i + (~positive_mask & (n + 16 - i));
    const std::uint64_t p_lo = (lo ^ m64) - m64;
    const std::uint64_t p_hi = (static_cast<std::uint64_t>(hi) ^ m64) + (m64 & (lo == 0));
    const __m256i level = _mm256_set_epi64x(
        static_cast<std::int64_t>(l->quantity >> 64), static_cast<std::int64_t>(l->quantity),
        static_cast<std::int64_t>(p_hi), static_cast<std::int64_t>(p_lo));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(lv + w), level);
    Kernel::store_keys(ks, n, window, key, r, insert, erase, w);
    v.set_size(n + insert - erase);
  }
}

}  // namespace
}  // namespace rtcrypto::book_detail
#endif
