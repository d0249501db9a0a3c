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
#include <memory>
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
  BookSide(const BookSide& o)
      : cap_(o.n_), n_(o.n_), levels_(allocate<BookLevel>(o.n_)), keys_(allocate<Key>(o.n_)) {
    std::copy(o.levels(), o.levels() + n_, levels());
    std::copy(o.keys(), o.keys() + n_, keys());
  }
  BookSide(BookSide&& o) noexcept { swap(o); }
  BookSide& operator=(BookSide o) noexcept {
    swap(o);
    return *this;
  }
  void swap(BookSide& o) noexcept {
    std::swap(cap_, o.cap_);
    std::swap(n_, o.n_);
    std::swap(levels_, o.levels_);
    std::swap(keys_, o.keys_);
  }

  using Key = std::int64_t;
  std::size_t size() const { return n_; }
  bool empty() const { return n_ == 0; }
  BookLevel* levels() { return levels_.get(); }
  const BookLevel* levels() const { return levels_.get(); }
  Key* keys() { return keys_.get(); }
  const Key* keys() const { return keys_.get(); }
  const BookLevel& back() const { return levels_[n_ - 1]; }

  void clear() { n_ = 0; }
  // Room for k more levels (from size() on); commit(m) then takes m <= k of them.
  void reserve(std::size_t k) {
    if (n_ + k > cap_) grow(std::max({n_ + k, cap_ + cap_ / 2, std::size_t{16}}));
  }
  void commit(std::size_t m) { n_ += m; }
  void push_back(const BookLevel& l, Key key) {
    reserve(1);
    levels_[n_] = l;
    keys_[n_] = key;
    ++n_;
  }
  // Keeps the first m levels.
  void truncate(std::size_t m) { n_ = std::min(n_, m); }
  // Inserts at i / erases level i, moving the levels above: few, as the best end is the
  // back, so a short move is a plain loop and only a long one calls memmove.
  void insert(std::size_t i, const BookLevel& l, Key key) {
    reserve(1);
    BookLevel* lv = levels();
    Key* ks = keys();
    if (const std::size_t k = n_ - i; k <= kShortMove) {
      for (std::size_t j = n_; j > i; --j) lv[j] = lv[j - 1], ks[j] = ks[j - 1];
    } else {
      std::memmove(static_cast<void*>(lv + i + 1), lv + i, k * sizeof(BookLevel));
      std::memmove(ks + i + 1, ks + i, k * sizeof(Key));
    }
    lv[i] = l;
    ks[i] = key;
    ++n_;
  }
  void erase(std::size_t i) {
    BookLevel* lv = levels();
    Key* ks = keys();
    if (const std::size_t k = n_ - i - 1; k <= kShortMove) {
      for (std::size_t j = i + 1; j < n_; ++j) lv[j - 1] = lv[j], ks[j - 1] = ks[j];
    } else {
      std::memmove(static_cast<void*>(lv + i), lv + i + 1, k * sizeof(BookLevel));
      std::memmove(ks + i, ks + i + 1, k * sizeof(Key));
    }
    --n_;
  }

 private:
  // Uninitialized storage: both element types are trivially copyable and destructible,
  // and an element is always written before it is read.
  struct Free {
    void operator()(void* p) const { ::operator delete(p); }
  };
  template <class T>
  static std::unique_ptr<T[], Free> allocate(std::size_t n) {
    static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);
    return std::unique_ptr<T[], Free>(n ? static_cast<T*>(::operator new(n * sizeof(T))) : nullptr);
  }
  static constexpr std::size_t kShortMove = 8;  // levels moved by a loop, not memmove
  void grow(std::size_t cap) {
    auto levels = allocate<BookLevel>(cap);
    auto keys = allocate<Key>(cap);
    std::copy(this->levels(), this->levels() + n_, levels.get());
    std::copy(this->keys(), this->keys() + n_, keys.get());
    levels_ = std::move(levels);
    keys_ = std::move(keys);
    cap_ = cap;
  }

  std::size_t cap_ = 0;
  std::size_t n_ = 0;
  std::unique_ptr<BookLevel[], Free> levels_;
  std::unique_ptr<Key[], Free> keys_;
};

}  // namespace rtcrypto
