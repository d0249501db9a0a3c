#include "rtcrypto/book/book_table.hpp"

#include <algorithm>
#include <memory>
#include <new>

#include "rtcrypto/core/types.hpp"

namespace rtcrypto {

static_assert(alignof(OrderBook) <= __STDCPP_DEFAULT_NEW_ALIGNMENT__);

BookTable::~BookTable() {
  // In the order made: chunk k holds kFirstChunk << k books, all but the last full.
  for (std::size_t k = 0; k < chunks_.size(); ++k) {
    const std::size_t n = k + 1 < chunks_.size() ? kFirstChunk << k : chunk_used_;
    std::destroy_n(chunks_[k].get(), n);
  }
}

std::uint64_t BookTable::hash(std::string_view symbol) {
  std::uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a: symbols are short
  for (const char c : symbol) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ull;
  return h ^ (h >> 29);
}

OrderBook* BookTable::find(std::string_view symbol) const {
  if (slots_.empty()) return nullptr;
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = hash(symbol) & mask;; i = (i + 1) & mask) {
    OrderBook* b = slots_[i];
    if (!b || same_symbol(b->symbol(), symbol)) return b;
  }
}

void BookTable::rehash(std::size_t n) {
  std::vector<OrderBook*> slots(n, nullptr);
  for (OrderBook* b : by_symbol_) {
    std::size_t i = hash(b->symbol()) & (n - 1);
    while (slots[i]) i = (i + 1) & (n - 1);
    slots[i] = b;
  }
  slots_.swap(slots);
}

OrderBook& BookTable::insert(std::string_view symbol) {
  const std::size_t last_cap = chunks_.empty() ? 0 : kFirstChunk << (chunks_.size() - 1);
  if (chunk_used_ == last_cap) {
    const std::size_t cap = kFirstChunk << chunks_.size();
    chunks_.emplace_back(static_cast<OrderBook*>(::operator new(cap * sizeof(OrderBook))));
    chunk_used_ = 0;
    if (by_symbol_.capacity() < by_symbol_.size() + cap)
      by_symbol_.reserve(by_symbol_.size() + cap);
  }
  OrderBook* b = std::construct_at(chunks_.back().get() + chunk_used_, std::string(symbol));
  ++chunk_used_;
  const auto at =
      std::upper_bound(by_symbol_.begin(), by_symbol_.end(), symbol,
                       [](std::string_view s, const OrderBook* o) { return s < o->symbol(); });
  by_symbol_.insert(at, b);
  if (2 * by_symbol_.size() > slots_.size()) {
    rehash(std::max<std::size_t>(2 * kFirstChunk, 2 * slots_.size()));
  } else {
    const std::size_t mask = slots_.size() - 1;
    std::size_t i = hash(symbol) & mask;
    while (slots_[i]) i = (i + 1) & mask;
    slots_[i] = b;
  }
  return *b;
}

}  // namespace rtcrypto
