#include "rtcrypto/book/book_fingerprint.hpp"

#include <cstdio>

namespace rtcrypto {

namespace {
constexpr std::uint64_t kFnvOffset = 0xcbf29ce484222325ULL;
constexpr std::uint64_t kFnvPrime = 0x100000001b3ULL;

void mix(std::uint64_t& h, const std::string& text) {
  for (unsigned char c : text) {
    h ^= c;
    h *= kFnvPrime;
  }
}
}  // namespace

std::uint64_t book_fingerprint(const OrderBook& book) {
  std::uint64_t h = kFnvOffset;
  std::string line;
  for (Side side : {Side::Bid, Side::Ask}) {
    for (std::size_t i = 0; i < book.depth(side); ++i) {
      const BookLevel& l = book.level(side, i);
      line.assign(side == Side::Bid ? "b " : "a ");
      l.price.append_to(line);
      line += ' ';
      l.quantity.append_to(line);
      line += '\n';
      mix(h, line);
    }
  }
  return h;
}

std::string format_fingerprint(std::uint64_t fp) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(fp));
  return buf;
}

}  // namespace rtcrypto
