#pragma once
// One side of an OrderBook: its levels sorted with the best at the back, each with the
// search key order_book.cpp compares (8 bytes, one instruction per step). A flat array
// written through raw pointers: inserts, erases and snapshot loads make no library call,
// and growing it does not first zero the new room (a snapshot overwrites it at once).
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

struct BookSlot {
  BookLevel level;
  std::int64_t key = 0;
};

class BookSide {
 public:
  BookSide() = default;
  BookSide(const BookSide& o) : cap_(o.n_), n_(o.n_), buf_(allocate(o.n_)) {
    std::copy(o.begin(), o.end(), begin());
  }
  BookSide(BookSide&& o) noexcept { swap(o); }
  BookSide& operator=(BookSide o) noexcept {
    swap(o);
    return *this;
  }
  void swap(BookSide& o) noexcept {
    std::swap(cap_, o.cap_);
    std::swap(n_, o.n_);
    std::swap(buf_, o.buf_);
  }

  std::size_t size() const { return n_; }
  bool empty() const { return n_ == 0; }
  BookSlot* begin() { return buf_.get(); }
  BookSlot* end() { return buf_.get() + n_; }
  const BookSlot* begin() const { return buf_.get(); }
  const BookSlot* end() const { return buf_.get() + n_; }
  BookSlot& operator[](std::size_t i) { return buf_[i]; }
  const BookSlot& operator[](std::size_t i) const { return buf_[i]; }
  const BookSlot& back() const { return buf_[n_ - 1]; }

  void clear() { n_ = 0; }
  // Room for k more slots: the first free one is returned; commit(m) then takes m <= k.
  BookSlot* reserve(std::size_t k) {
    if (n_ + k > cap_) grow(std::max({n_ + k, 2 * cap_, std::size_t{16}}));
    return buf_.get() + n_;
  }
  void commit(std::size_t m) { n_ += m; }
  void push_back(const BookSlot& s) { *reserve(1) = s, ++n_; }
  // Keeps the first m slots.
  void truncate(std::size_t m) { n_ = std::min(n_, m); }
  // Inserts at i / erases slot i, moving the slots above: few, as the best end is the
  // back, so a short move is a plain loop and only a long one calls memmove.
  void insert(std::size_t i, const BookSlot& s) {
    BookSlot* d = reserve(1) - n_;
    move(d + i + 1, d + i, n_ - i);
    d[i] = s;
    ++n_;
  }
  void erase(std::size_t i) {
    BookSlot* d = buf_.get();
    move(d + i, d + i + 1, n_ - i - 1);
    --n_;
  }

 private:
  // Uninitialized storage: BookSlot is trivially copyable and destructible, and a slot is
  // always written before it is read.
  struct Free {
    void operator()(BookSlot* p) const { ::operator delete(p); }
  };
  static std::unique_ptr<BookSlot[], Free> allocate(std::size_t n) {
    return std::unique_ptr<BookSlot[], Free>(
        n ? static_cast<BookSlot*>(::operator new(n * sizeof(BookSlot))) : nullptr);
  }
  static void move(BookSlot* to, const BookSlot* from, std::size_t k) {
    if (k > 4) {
      std::memmove(static_cast<void*>(to), from, k * sizeof(BookSlot));
    } else if (to > from) {
      for (std::size_t j = k; j-- > 0;) to[j] = from[j];
    } else {
      for (std::size_t j = 0; j < k; ++j) to[j] = from[j];
    }
  }
  void grow(std::size_t cap) {
    auto next = allocate(cap);
    std::copy(begin(), end(), next.get());
    buf_ = std::move(next);
    cap_ = cap;
  }

  std::size_t cap_ = 0;
  std::size_t n_ = 0;
  std::unique_ptr<BookSlot[], Free> buf_;
};

static_assert(std::is_trivially_copyable_v<BookSlot> && std::is_trivially_destructible_v<BookSlot>);

}  // namespace rtcrypto
