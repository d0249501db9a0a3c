#include "rtcrypto/book/book_builder.hpp"

#include <algorithm>
#include <tuple>

namespace rtcrypto {

OrderBook* BookBuilder::find(std::string_view symbol) {
  if (last_ && same_symbol(last_->symbol(), symbol)) return last_;
  auto it = books_.find(symbol);
  return it == books_.end() ? nullptr : &it->second;
}

const OrderBook* BookBuilder::find(std::string_view symbol) const {
  auto it = books_.find(symbol);
  return it == books_.end() ? nullptr : &it->second;
}

OrderBook& BookBuilder::get(std::string_view symbol) {
  if (last_ && same_symbol(last_->symbol(), symbol)) return *last_;
  OrderBook*& slot = book_slots_[symbol_slot64(symbol)];
  if (slot && same_symbol(slot->symbol(), symbol)) return *(last_ = slot);
  auto it = books_.lower_bound(symbol);  // one search: the book, or where it goes
  if (it == books_.end() || it->first != symbol)
    it = books_.emplace_hint(it, std::piecewise_construct, std::forward_as_tuple(symbol),
                             std::forward_as_tuple(std::string(symbol)));
  return *(last_ = slot = &it->second);
}

OrderBook& BookBuilder::book_for_miss(const LevelBatch& b) {
  if (b.symbol_id == 0) return get(b.symbol);
  IdSlot& slot = id_slots_[b.symbol_id % id_slots_.size()];
  slot = IdSlot{b.symbol_id, &get(b.symbol)};
  return *(last_ = slot.book);
}

void BookBuilder::on_snapshot_begin(std::string_view symbol, TimeNs ts) {
  OrderBook& b = get(symbol);
  b.clear();
  b.begin_bulk();
  b.touch(ts);
  ++stats_.snapshots;
  if (next_) next_->on_snapshot_begin(symbol, ts);
}

void BookBuilder::on_level(const LevelChange& c) {
  OrderBook& b = get(c.symbol);
  b.set_level(c.side, c.price, c.remaining);
  b.touch(c.ts);
  ++stats_.changes;
  if (!b.whole() && !c.snapshot) ++stats_.changes_while_not_whole;
  if (next_) next_->on_level(c);
}

void BookBuilder::on_levels(std::span<const LevelChange> cs) {
  if (cs.empty()) return;
  if (next_) {  // the next sink sees the book after each change, as with on_level
    for (const LevelChange& c : cs) on_level(c);
    return;
  }
  OrderBook& b = get(cs.front().symbol);
  if (b.in_bulk()) b.reserve_bulk(cs.size());
  for (const LevelChange& c : cs) {
    b.set_level(c.side, c.price, c.remaining);
    if (!b.whole() && !c.snapshot) ++stats_.changes_while_not_whole;
  }
  b.touch(cs.back().ts);
  stats_.changes += cs.size();
}

void BookBuilder::on_level_batch(const LevelBatch& b) {
  if (b.levels.empty()) return;
  if (next_) return MarketEventSink::on_level_batch(b);  // via on_levels: change by change
  // The book by the batch's symbol id: the slot's hit inline, the miss out of line.
  const IdSlot& slot = id_slots_[b.symbol_id % id_slots_.size()];
  if (slot.id != b.symbol_id || b.symbol_id == 0) [[unlikely]]
    return on_level_batch_miss(b);
  apply_batch(*(last_ = slot.book), b);
}

void BookBuilder::on_level_batch_miss(const LevelBatch& b) {
  apply_batch(book_for_miss(b), b);
}

void BookBuilder::on_snapshot_end(std::string_view symbol, TimeNs ts) {
  OrderBook& b = get(symbol);
  b.end_bulk();
  b.set_whole(true);
  touched_.push_back(&b);
  if (next_) next_->on_snapshot_end(symbol, ts);
}

void BookBuilder::on_trade(const TradeEvent& t) {
  if (next_) next_->on_trade(t);
}

void BookBuilder::on_trades(std::span<const TradeEvent> ts) {
  if (next_) next_->on_trades(ts);
}

void BookBuilder::on_ticker(const TickerEvent& t) {
  if (next_) next_->on_ticker(t);
}

void BookBuilder::on_gap(std::string_view symbol, TimeNs ts, std::string_view why) {
  on_gap(find(symbol), symbol, ts, why);
}

void BookBuilder::on_gap(OrderBook* b, std::string_view symbol, TimeNs ts, std::string_view why) {
  if (b) {
    b->clear();
    b->touch(ts);
  }
  ++stats_.gaps;
  if (next_) next_->on_gap(symbol, ts, why);
}

void BookBuilder::on_time(TimeNs ts) {
  if (next_) next_->on_time(ts);
}

void BookBuilder::end_of_frame_slow(TimeNs ts) {
  // Only the book of the last symbol can have changed within a frame of one symbol; for
  // multi-symbol frames `get` moved last_ each time, so also check the explicit set.
  if (last_ && last_->whole() && last_->crossed()) {
    ++stats_.crossed;
    std::string sym = last_->symbol();
    on_gap(last_, sym, ts, "crossed book");  // the book in hand, not found again
    if (on_crossed_) on_crossed_(sym);
  }
  if (touched_.empty()) return;
  // Taken out first: a sink that hears a gap may complete another snapshot meanwhile.
  std::vector<OrderBook*> books;
  books.swap(touched_);
  if (books.size() > 1) {  // in symbol order, each once
    auto by_symbol = [](const OrderBook* a, const OrderBook* b) {
      return a->symbol() < b->symbol();
    };
    std::sort(books.begin(), books.end(), by_symbol);
    books.erase(std::unique(books.begin(), books.end()), books.end());
  }
  for (OrderBook* b : books) {
    if (b->whole() && b->crossed()) {
      ++stats_.crossed;
      const std::string sym = b->symbol();
      on_gap(b, sym, ts, "crossed book");
      if (on_crossed_) on_crossed_(sym);
    }
  }
  if (touched_.empty()) {  // keep the room
    books.clear();
    touched_.swap(books);
  }
}

}  // namespace rtcrypto
