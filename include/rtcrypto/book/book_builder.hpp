#pragma once
// Applies the normalized event stream to one OrderBook per symbol and keeps each book's
// "whole" state: whole after a complete snapshot; not whole after a gap, a reset, or a
// crossed book (which means a missed update). Forwards every event to an optional next
// sink after the book has been updated.
#include <array>
#include <cassert>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "rtcrypto/book/order_book.hpp"
#include "rtcrypto/core/events.hpp"

namespace rtcrypto {

struct BookBuilderStats {
  std::uint64_t changes = 0;
  std::uint64_t snapshots = 0;
  std::uint64_t gaps = 0;
  std::uint64_t crossed = 0;  // books found crossed and dropped
  std::uint64_t changes_while_not_whole = 0;
};

class BookBuilder : public MarketEventSink {
 public:
  explicit BookBuilder(MarketEventSink* next = nullptr) : next_(next) {}

  void on_snapshot_begin(std::string_view symbol, TimeNs ts) override;
  void on_level(const LevelChange& c) override;
  // Same as on_level for each (one symbol); without a next sink the book is looked up once.
  void on_levels(std::span<const LevelChange> cs) override;
  // The same for a batch; without a next sink the book takes the batch whole.
  void on_level_batch(const LevelBatch& b) override;
  // on_level_batch for a caller that holds the batch's book (from get()) and a batch with
  // levels (it has checked: no second test here): no lookup. Inline: the caller's tail
  // call goes straight to the book.
  void on_level_batch_of(OrderBook& book, const LevelBatch& b) {
    assert(!b.levels.empty());
    if (next_) [[unlikely]]
      return MarketEventSink::on_level_batch(b);
    apply_batch(*(last_ = &book), b);
  }
  void on_snapshot_end(std::string_view symbol, TimeNs ts) override;
  void on_trade(const TradeEvent& t) override;
  void on_trades(std::span<const TradeEvent> ts) override;
  void on_ticker(const TickerEvent& t) override;
  void on_gap(std::string_view symbol, TimeNs ts, std::string_view why) override;
  // The same for `symbol`'s book already found (null: none), without a second find.
  void on_gap(OrderBook* book, std::string_view symbol, TimeNs ts, std::string_view why);
  void on_time(TimeNs ts) override;

  // Checks every book touched since the last call for a crossed state; a crossed whole
  // book is dropped (reported as a gap downstream). Call once per frame.
  void end_of_frame(TimeNs ts) {
    // Inline: nearly every frame has nothing to drop (no call, no stack frame).
    if (!touched_.empty() || (last_ && last_->whole() && last_->crossed())) [[unlikely]]
      end_of_frame_slow(ts);
  }
  // Called with the symbol of every book end_of_frame drops as crossed (a live source asks
  // its feed for a fresh snapshot from there).
  void set_crossed_listener(std::function<void(std::string_view symbol)> fn) {
    on_crossed_ = std::move(fn);
  }

  OrderBook* find(std::string_view symbol);
  const OrderBook* find(std::string_view symbol) const;
  OrderBook& get(std::string_view symbol);
  const std::map<std::string, OrderBook, std::less<>>& books() const { return books_; }
  const BookBuilderStats& stats() const { return stats_; }
  void set_next(MarketEventSink* next) { next_ = next; }

 private:
  std::map<std::string, OrderBook, std::less<>> books_;
  OrderBook* last_ = nullptr;  // cache: consecutive changes are nearly always one symbol
  // Frames alternate symbols: books by a hash of the symbol's text (checked by content;
  // books are never erased), whatever text the event's view points into.
  std::array<OrderBook*, 64> book_slots_{};
  // The same by the batch's symbol id (ids are never reused; see LevelBatch): on_level_batch
  // looks in id_slots_ inline; a miss (or a batch without an id) goes by name.
  OrderBook& book_for_miss(const LevelBatch& b);
  // The bookkeeping first (apply changes neither the time nor whole()), so that apply is a
  // tail call and the hit of every batch saves no registers.
  void apply_batch(OrderBook& book, const LevelBatch& b) {
    const std::size_t n = b.levels.size();
    book.touch(b.ts);
    stats_.changes += n;
    if (!book.whole() && !b.snapshot) [[unlikely]]
      stats_.changes_while_not_whole += n;
    book.apply(b.levels);
  }
  [[gnu::noinline]] void on_level_batch_miss(const LevelBatch& b);
  struct IdSlot {
    std::uint32_t id = 0;
    OrderBook* book = nullptr;
  };
  std::array<IdSlot, 64> id_slots_{};
  void end_of_frame_slow(TimeNs ts);  // end_of_frame when a book may need dropping
  // Books a snapshot completed since the last end_of_frame (checked there in symbol order;
  // books are never erased, so the pointers stay valid).
  std::vector<OrderBook*> touched_;
  MarketEventSink* next_;
  BookBuilderStats stats_;
  std::function<void(std::string_view)> on_crossed_;
};

}  // namespace rtcrypto
