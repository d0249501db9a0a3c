#pragma once
// One side of an OrderBook: its levels sorted with the best at the back, and beside them
// each level's search key (order_book.cpp), an 8-byte integer a search compares in one
// instruction. Flat arrays written through raw pointers: inserts, erases and snapshot
// loads make no library call for short moves, and growing does not first zero the new
// room (a snapshot overwrites it at once).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <type_traits>
#include <utility>

#include "rtcrypto/core/decimal.hpp"

namespace rtcrypto {

struct BookLevel {
  Decimal price;
  Decimal quantity;
};

class BookSide {
 public:
  BookSide() = default;
  BookSide(const BookSide& o) : BookSide() {
    reserve(o.n_);
    std::copy(o.levels(), o.levels() + o.n_, levels());
    std::copy(o.keys(), o.keys() + o.n_, keys());
    n_ = o.n_;
  }
  BookSide(BookSide&& o) noexcept { swap(o); }
  BookSide& operator=(BookSide o) noexcept {
    swap(o);
    return *this;
  }
  ~BookSide() { release(); }
  void swap(BookSide& o) noexcept {
    std::swap(cap_, o.cap_);
    std::swap(n_, o.n_);
    std::swap(levels_, o.levels_);
    std::swap(keys_, o.keys_);
    std::swap(levels_block_, o.levels_block_);
  }

  using Key = std::int64_t;
  std::size_t size() const { return n_; }
  bool empty() const { return n_ == 0; }
  BookLevel* levels() { return levels_; }
  const BookLevel* levels() const { return levels_; }
  Key* keys() { return keys_; }
  const Key* keys() const { return keys_; }
  const BookLevel& back() const { return levels_[n_ - 1]; }

  void clear() { n_ = 0; }
  // Room for k more levels (from size() on); commit(m) then takes m <= k of them.
  void reserve(std::size_t k) {
    if (n_ + k > cap_) [[unlikely]]
      grow(std::max({n_ + k, cap_ + cap_ / 2, std::size_t{16}}));
  }
  void commit(std::size_t m) { n_ += m; }
  // The size set to n: the levels below n written, n within the room reserve() made.
  void set_size(std::size_t n) { n_ = n; }
  void push_back(const BookLevel& l, Key key) {
    reserve(1);
    levels_[n_] = l;
    keys_[n_] = key;
    ++n_;
  }
  // Keeps the first m levels.
  void truncate(std::size_t m) { n_ = std::min(n_, m); }
  // Inserts at i / erases level i, moving the levels above: few, as the best end is the
  // back. A short move goes two levels a step (a plain loop; an odd count moves one spare
  // level through the pads around the storage), a long one calls memmove.
  [[gnu::always_inline]] void insert(std::size_t i, const BookLevel& l, Key key) {
    reserve(1);
    BookLevel* lv = levels_;
    Key* ks = keys_;
    if (const std::size_t k = n_ - i; k <= kShortMove) [[likely]] {
      // Top down: level j-1 to j and j-2 to j-1; the last step may move level i-1 (a pad
      // when i is 0) into i, which the new level then overwrites.
      const auto lo = static_cast<std::ptrdiff_t>(i);
      for (auto j = static_cast<std::ptrdiff_t>(n_); j > lo; j -= 2) {
        step(lv + j - 1, lv + j - 2, ks + j - 1, ks + j - 2);
      }
    } else {
      long_move(i + 1, i, k);
    }
    lv[i] = l;
    ks[i] = key;
    ++n_;
  }
  [[gnu::always_inline]] void erase(std::size_t i) {
    BookLevel* lv = levels_;
    Key* ks = keys_;
    if (const std::size_t k = n_ - i - 1; k <= kShortMove) [[likely]] {
      // Bottom up: levels j+1, j+2 to j, j+1; an odd count also moves level n (the pad
      // or a spare slot) into n-1, which is past the new end.
      for (std::size_t j = i, n = n_; j + 1 < n; j += 2) {
        step(lv + j, lv + j + 1, ks + j, ks + j + 1);
      }
    } else {
      long_move(i, i + 1, k);
    }
    --n_;
  }

 private:
  static_assert(std::is_trivially_copyable_v<BookLevel> &&
                std::is_trivially_destructible_v<BookLevel>);
  static constexpr std::size_t kShortMove = 16;  // levels moved by a loop, not memmove
  // One step of a short move: two levels and their keys, each pair read whole before it
  // is written (SSE2 loads and stores; byte copies through a buffer left GCC storing the
  // buffer too).
  [[gnu::always_inline]] static void step(BookLevel* to, const BookLevel* from, Key* to_keys,
                                          const Key* from_keys) {
#if defined(__SSE2__)
    const auto* f = reinterpret_cast<const __m128i*>(from);
    const __m128i a = _mm_loadu_si128(f), b = _mm_loadu_si128(f + 1);
    const __m128i c = _mm_loadu_si128(f + 2), d = _mm_loadu_si128(f + 3);
    const __m128i k = _mm_loadu_si128(reinterpret_cast<const __m128i*>(from_keys));
    auto* t = reinterpret_cast<__m128i*>(to);
    _mm_storeu_si128(t, a), _mm_storeu_si128(t + 1, b);
    _mm_storeu_si128(t + 2, c), _mm_storeu_si128(t + 3, d);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(to_keys), k);
#else
    const BookLevel a = from[0], b = from[1];
    const Key ka = from_keys[0], kb = from_keys[1];
    to[0] = a, to[1] = b, to_keys[0] = ka, to_keys[1] = kb;
#endif
  }
  // Storage: one pad level before index 0 and kTailPad after cap_ - 1, so the two-level
  // steps of insert/erase may read and write one element beyond the levels and the
  // fixed-size moves of the AVX2 apply (apply_avx2.cpp) 16 levels from any i <= size().
  // Uninitialized: an element is always written before it is read (the pads' garbage only
  // ever lands outside the levels). The keys have kKeyFrontPad pads before index 0 instead,
  // set to the lowest key once and only ever rewritten with it, so a window of the top 16
  // keys read from size() - 16 (and the key below it), or of the 16 below them (the AVX-512
  // apply), is below every key where the side is shorter.
 public:
  static constexpr std::size_t kKeyFrontPad = 33;
  static constexpr std::size_t kTailPad = 17;

 private:
  // The levels from a 32-byte boundary (operator new gives 16): a level's 32-byte loads and
  // stores (snapshot loads, the AVX2 and AVX-512 applies) then never split a cache line.
  // Returns the block to free.
  static void* allocate_levels(std::size_t cap, BookLevel*& levels) {
    static_assert(__STDCPP_DEFAULT_NEW_ALIGNMENT__ >= 16);
    void* const block = ::operator new((cap + 1 + kTailPad) * sizeof(BookLevel) + 16);
    const auto at =
        (reinterpret_cast<std::uintptr_t>(block) + sizeof(BookLevel) + 31) & ~std::uintptr_t{31};
    levels = reinterpret_cast<BookLevel*>(at);
    return block;
  }
  static Key* allocate_keys(std::size_t cap) {
    Key* k = static_cast<Key*>(::operator new((cap + kKeyFrontPad + kTailPad) * sizeof(Key)));
    std::fill(k, k + kKeyFrontPad, std::numeric_limits<Key>::min());
    return k + kKeyFrontPad;
  }
  void release() {
    if (levels_) {
      ::operator delete(levels_block_);
      ::operator delete(keys_ - kKeyFrontPad);
    }
  }
  // Out of line: the short moves inline into the callers' loops without its registers.
  [[gnu::noinline]] void long_move(std::size_t to, std::size_t from, std::size_t k) {
    std::memmove(static_cast<void*>(levels_ + to), levels_ + from, k * sizeof(BookLevel));
    std::memmove(keys_ + to, keys_ + from, k * sizeof(Key));
  }
  [[gnu::noinline]] void grow(std::size_t cap) {
    BookLevel* levels;
    void* const block = allocate_levels(cap, levels);
    Key* keys = allocate_keys(cap);
    if (n_) {
      std::memcpy(static_cast<void*>(levels), levels_, n_ * sizeof(BookLevel));
      std::memcpy(keys, keys_, n_ * sizeof(Key));
    }
    release();
    levels_ = levels;
    levels_block_ = block;
    keys_ = keys;
    cap_ = cap;
  }

  std::size_t cap_ = 0;
  std::size_t n_ = 0;
  BookLevel* levels_ = nullptr;
  Key* keys_ = nullptr;
  void* levels_block_ = nullptr;  // levels_ lies in it
};

}  // namespace rtcrypto
