#pragma once
// What our paper orders have already taken from displayed book levels. The paper exchange
// never modifies the real book, so without this two orders at the same instant (or an order
// and a resting order filled on the next update) would both consume the same displayed
// quantity. An entry remembers the level's displayed quantity when it was consumed; once
// the level shows a different quantity (the market moved it, so the book now reflects
// what really happened) the entry no longer applies and is dropped. A level that changes
// and returns to exactly the same quantity between two looks is not noticed.
#include <map>
#include <string>
#include <string_view>
#include <tuple>

#include "rtcrypto/book/order_book.hpp"
#include "rtcrypto/core/decimal.hpp"
#include "rtcrypto/core/types.hpp"

namespace rtcrypto {

class ConsumedOverlay {
 public:
  // Quantity still available at a level that currently displays `displayed`.
  Decimal available(std::string_view symbol, Side side, Decimal price, Decimal displayed);
  // Records that `amount` was taken from a level displaying `displayed`.
  void consume(std::string_view symbol, Side side, Decimal price, Decimal displayed,
               Decimal amount);
  // Drops the symbol's entries whose level no longer shows the remembered quantity.
  void prune(std::string_view symbol, const OrderBook& book);
  void clear() { entries_.clear(); }
  std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    Decimal displayed;
    Decimal consumed;
  };
  using Key = std::tuple<std::string, Side, Decimal>;
  std::map<Key, Entry> entries_;
};

}  // namespace rtcrypto
