#pragma once
// L2 order book for one symbol. Each side is a sorted flat vector with the best level at
// the back: almost every change lands near the top of the book, so inserts and erases
// move few elements and lookups stay in cache.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "rtcrypto/book/book_side.hpp"
#include "rtcrypto/core/decimal.hpp"
#include "rtcrypto/core/events.hpp"
#include "rtcrypto/core/time.hpp"
#include "rtcrypto/core/types.hpp"

namespace rtcrypto {

namespace book_detail {
// The apply kernel this CPU runs (AVX-512 or AVX2; null: none, or before static
// initialization chose it), set once at start-up in order_book.cpp.
using ApplyKernel = void (*)(BookSide& bids, BookSide& asks, const PackedLevel* first,
                             std::size_t n);
extern const ApplyKernel apply_kernel;
}  // namespace book_detail

class OrderBook {
 public:
  explicit OrderBook(std::string symbol = {}) : symbol_(std::move(symbol)) {}

  const std::string& symbol() const { return symbol_; }

  // Sets the level's total quantity (zero or less removes it). Returns the previous total.
  Decimal set_level(Side side, Decimal price, Decimal quantity) {
    if (bulk_) {  // a snapshot level: appended now, sorted once by end_bulk()
      slots(side).push_back(BookLevel{price, quantity}, 0);  // keys set by end_bulk()
      (side == Side::Bid ? bids_sorted_ : asks_sorted_) = false;
      return Decimal{};
    }
    return update_level(side, price, quantity);
  }
  // set_level for each level in order (a batch of one frame): by the AVX-512 or AVX2 kernel
  // where the CPU has one, else by apply_portable. Inline: the caller jumps to the kernel.
  void apply(std::span<const PackedLevel> levels) {
    if (bulk_) return load_bulk(levels);
    if (const book_detail::ApplyKernel kernel = book_detail::apply_kernel) [[likely]]
      return kernel(bids_, asks_, levels.data(), levels.size());
    apply_portable(levels);
  }
  // The same without the kernels (public for the tests of all).
  void apply_portable(std::span<const PackedLevel> levels);
  // Drops every level and marks the book not whole (a snapshot will follow).
  void clear();
  // Snapshot loading: between begin_bulk() and end_bulk() levels are appended unsorted and
  // sorted once at the end (last value per price wins, zeros dropped). Snapshots list the
  // best level first, which would make each sorted insert a full move of the vector.
  void begin_bulk();
  void end_bulk();
  // Room for `n` more snapshot levels on each side (a snapshot's size is known in advance).
  void reserve_bulk(std::size_t n) {
    bids_.reserve(n);
    asks_.reserve(n);
  }
  bool in_bulk() const { return bulk_; }

  // A book is whole between a complete snapshot and the next gap or reset.
  bool whole() const { return whole_; }
  void set_whole(bool w) { whole_ = w; }
  TimeNs last_update() const { return last_update_; }
  void touch(TimeNs t) { last_update_ = t; }

  std::size_t depth(Side side) const { return slots(side).size(); }
  bool empty() const { return bids_.empty() && asks_.empty(); }
  // i = 0 is the best level.
  const BookLevel& level(Side side, std::size_t i) const {
    const auto& v = slots(side);
    return v.levels()[v.size() - 1 - i];
  }
  std::optional<BookLevel> best(Side side) const;
  std::optional<BookLevel> best_bid() const { return best(Side::Bid); }
  std::optional<BookLevel> best_ask() const { return best(Side::Ask); }
  std::optional<Decimal> quantity_at(Side side, Decimal price) const;

  // (bid + ask) / 2 and ask - bid; nullopt while a side is empty.
  std::optional<Decimal> mid() const;
  std::optional<Decimal> spread() const;
  // Best bid at or above best ask (inline: checked after every frame).
  bool crossed() const {
    return !bids_.empty() && !asks_.empty() && bids_.back().price >= asks_.back().price;
  }
  // Σ quantity (base units) and Σ price×quantity (quote units) of the side's levels whose
  // price lies within ±pct percent of mid. Zero when there is no mid.
  double depth_quantity_within(Side side, double pct) const;
  double depth_notional_within(Side side, double pct) const;

 private:
  Decimal update_level(Side side, Decimal price, Decimal quantity);  // outside a snapshot
  void load_bulk(std::span<const PackedLevel> levels);               // apply() in a snapshot
  // Bids ascending, asks descending: the best level is at the back of both.
  BookSide& slots(Side s) { return s == Side::Bid ? bids_ : asks_; }
  const BookSide& slots(Side s) const { return s == Side::Bid ? bids_ : asks_; }

  std::string symbol_;
  BookSide bids_;
  BookSide asks_;
  bool whole_ = false;
  bool bulk_ = false;
  // In a snapshot: the side holds its levels in the vector's order (strictly ordered,
  // positive quantities, keys set), so end_bulk() has nothing to do for it.
  bool bids_sorted_ = true;
  bool asks_sorted_ = true;
  TimeNs last_update_ = 0;
};

}  // namespace rtcrypto
