// BookSide's storage: the levels start on a 32-byte boundary however the heap places the
// block (a level's 32-byte loads and stores then never split a cache line), and growing
// keeps the levels, keys and pads.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <vector>

#include "rtcrypto/book/book_side.hpp"

namespace rtcrypto {
namespace {

BookLevel level(std::int64_t i) {
  return {Decimal::from_raw(1000 + i), Decimal::from_raw(7 * i + 1)};
}

TEST(BookSide, LevelsAre32ByteAlignedAndGrowingKeepsThem) {
  // Blocks of odd sizes between the sides' allocations move the heap's offsets about.
  std::vector<std::vector<char>> spacers;
  std::vector<BookSide> sides(40);
  for (std::size_t s = 0; s < sides.size(); ++s) {
    BookSide& v = sides[s];
    spacers.emplace_back(16 * s + 8);
    for (std::int64_t i = 0; i < static_cast<std::int64_t>(50 + 37 * s); ++i) {
      v.push_back(level(i), i * 3);
      ASSERT_EQ(reinterpret_cast<std::uintptr_t>(v.levels()) % 32, 0u) << s << " " << i;
    }
    for (std::size_t i = 0; i < v.size(); ++i) {
      const auto k = static_cast<std::int64_t>(i);
      ASSERT_EQ(v.levels()[i].price, level(k).price);
      ASSERT_EQ(v.levels()[i].quantity, level(k).quantity);
      ASSERT_EQ(v.keys()[i], k * 3);
    }
    // The keys' front pads stay below every key.
    for (std::size_t p = 1; p <= BookSide::kKeyFrontPad; ++p) {
      ASSERT_EQ(v.keys()[-static_cast<std::ptrdiff_t>(p)],
                std::numeric_limits<BookSide::Key>::min());
    }
    // A copy has its own aligned storage with the same contents.
    const BookSide c = v;
    ASSERT_EQ(reinterpret_cast<std::uintptr_t>(c.levels()) % 32, 0u);
    ASSERT_NE(c.levels(), v.levels());
    ASSERT_EQ(c.size(), v.size());
    ASSERT_EQ(c.back().price, v.back().price);
  }
}

}  // namespace
}  // namespace rtcrypto
