#include "rtcrypto/paper/consumed_overlay.hpp"

#include <limits>

namespace rtcrypto {

Decimal ConsumedOverlay::available(std::string_view symbol, Side side, Decimal price,
                                   Decimal displayed) {
  auto it = entries_.find(Key{std::string(symbol), side, price});
  if (it == entries_.end()) return displayed;
  if (it->second.displayed != displayed) {  // the level moved: the book is the truth again
    entries_.erase(it);
    return displayed;
  }
  Decimal left = displayed - it->second.consumed;
  return left.is_negative() ? Decimal{} : left;
}

void ConsumedOverlay::consume(std::string_view symbol, Side side, Decimal price, Decimal displayed,
                              Decimal amount) {
  auto [it, inserted] =
      entries_.try_emplace(Key{std::string(symbol), side, price}, Entry{displayed, Decimal{}});
  if (!inserted && it->second.displayed != displayed) it->second = Entry{displayed, Decimal{}};
  it->second.consumed += amount;
}

void ConsumedOverlay::prune(std::string_view symbol, const OrderBook& book) {
  const Decimal lowest = Decimal::from_raw(std::numeric_limits<Decimal::Rep>::min());
  auto it = entries_.lower_bound(Key{std::string(symbol), Side::Bid, lowest});
  while (it != entries_.end() && std::get<0>(it->first) == symbol) {
    auto shown = book.quantity_at(std::get<1>(it->first), std::get<2>(it->first));
    if (!shown || *shown != it->second.displayed) {
      it = entries_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace rtcrypto
