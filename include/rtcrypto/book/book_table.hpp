#pragma once
// BookBuilder's books by symbol, flat: the books in a few chunks that never move (a book's
// address stays valid), found through an open-addressing hash of the symbol, and listed
// in symbol order. A handful of allocations for all the books instead of a map node each;
// books are never erased.
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rtcrypto/book/order_book.hpp"

namespace rtcrypto {

class BookTable {
 public:
  BookTable() = default;
  BookTable(const BookTable&) = delete;
  BookTable& operator=(const BookTable&) = delete;
  ~BookTable();

  // The symbol's book, or null.
  OrderBook* find(std::string_view symbol) const;
  // The symbol's book, made (empty) when there is none.
  OrderBook& get(std::string_view symbol) {
    if (OrderBook* b = find(symbol)) return *b;
    return insert(symbol);
  }
  std::size_t size() const { return by_symbol_.size(); }
  bool empty() const { return by_symbol_.empty(); }

  // In symbol order, as (symbol, book) pairs of references.
  class const_iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = std::pair<const std::string&, const OrderBook&>;
    using difference_type = std::ptrdiff_t;
    using reference = value_type;
    const_iterator() = default;
    explicit const_iterator(OrderBook* const* p) : p_(p) {}
    value_type operator*() const { return {(*p_)->symbol(), **p_}; }
    const_iterator& operator++() {
      ++p_;
      return *this;
    }
    const_iterator operator++(int) {
      const_iterator t = *this;
      ++p_;
      return t;
    }
    bool operator==(const const_iterator&) const = default;

   private:
    OrderBook* const* p_ = nullptr;
  };
  const_iterator begin() const { return const_iterator(by_symbol_.data()); }
  const_iterator end() const { return const_iterator(by_symbol_.data() + by_symbol_.size()); }

 private:
  OrderBook& insert(std::string_view symbol);
  static std::uint64_t hash(std::string_view symbol);
  void rehash(std::size_t slots);

  // Storage: chunk k holds kFirstChunk << k books, constructed as they are made.
  static constexpr std::size_t kFirstChunk = 64;
  struct ChunkFree {
    void operator()(OrderBook* p) const { ::operator delete(static_cast<void*>(p)); }
  };
  std::vector<std::unique_ptr<OrderBook, ChunkFree>> chunks_;
  std::size_t chunk_used_ = 0;  // books made in the last chunk
  std::vector<OrderBook*> by_symbol_;
  std::vector<OrderBook*> slots_;  // power-of-two size, at most half full; null: empty
};

}  // namespace rtcrypto
