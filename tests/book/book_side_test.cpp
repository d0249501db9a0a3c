#include "rtcrypto/book/book_side.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <random>
#include <vector>

namespace rtcrypto {
namespace {

struct Model {
  std::vector<BookLevel> levels;
  std::vector<BookSide::Key> keys;
};

BookLevel level_of(std::int64_t i) {
  return BookLevel{Decimal::from_int(i), Decimal::from_int(i + 1)};
}

// The side holds the model's levels and keys, and its key front pads the lowest key.
void expect_same(const BookSide& s, const Model& m) {
  ASSERT_EQ(s.size(), m.levels.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    ASSERT_EQ(s.levels()[i].price, m.levels[i].price) << i;
    ASSERT_EQ(s.levels()[i].quantity, m.levels[i].quantity) << i;
    ASSERT_EQ(s.keys()[i], m.keys[i]) << i;
  }
  for (std::size_t p = 1; p <= BookSide::kKeyFrontPad; ++p)
    ASSERT_EQ(*(s.keys() - p), std::numeric_limits<BookSide::Key>::min()) << p;
}

// Growth from empty to sizes well past the one-block limit (levels and keys in one block
// below 64 KiB, in two above): every growth keeps the levels, the keys and the key pads.
TEST(BookSide, GrowthKeepsLevelsKeysAndPadsAcrossBothLayouts) {
  BookSide s;
  Model m;
  for (std::int64_t i = 0; i < 6000; ++i) {
    s.push_back(level_of(i), i * 3);
    m.levels.push_back(level_of(i));
    m.keys.push_back(i * 3);
    if (i % 97 == 0 || (i & (i - 1)) == 0) expect_same(s, m);
  }
  expect_same(s, m);
  BookSide copy(s);  // a copy sized to the levels (one block) from a two-block side
  expect_same(copy, m);
}

// Inserts and erases at random positions, short and long moves, against a vector model, on
// sides of both layouts: the moves through the pads never reach the levels or the keys.
TEST(BookSide, InsertsAndErasesMatchAModelInBothLayouts) {
  std::mt19937_64 rng(11);
  for (const std::size_t start : {std::size_t{0}, std::size_t{300}, std::size_t{2500}}) {
    BookSide s;
    Model m;
    for (std::size_t i = 0; i < start; ++i) {
      s.push_back(level_of(static_cast<std::int64_t>(i)), static_cast<BookSide::Key>(i));
      m.levels.push_back(level_of(static_cast<std::int64_t>(i)));
      m.keys.push_back(static_cast<BookSide::Key>(i));
    }
    for (int step = 0; step < 3000; ++step) {
      const bool grow = m.levels.empty() || rng() % 2 == 0;
      const std::size_t n = m.levels.size();
      // Most changes near the back (the best end), some anywhere.
      const std::size_t back = rng() % 20;
      std::size_t i = rng() % 4 == 0 ? rng() % (n + 1) : (n > back ? n - back : 0);
      if (grow) {
        const auto v = static_cast<std::int64_t>(rng() % 1000000);
        s.insert(i, level_of(v), v);
        m.levels.insert(m.levels.begin() + static_cast<std::ptrdiff_t>(i), level_of(v));
        m.keys.insert(m.keys.begin() + static_cast<std::ptrdiff_t>(i), v);
      } else {
        i = std::min(i, n - 1);
        s.erase(i);
        m.levels.erase(m.levels.begin() + static_cast<std::ptrdiff_t>(i));
        m.keys.erase(m.keys.begin() + static_cast<std::ptrdiff_t>(i));
      }
      if (step % 50 == 0) expect_same(s, m);
    }
    expect_same(s, m);
  }
}

// A side emptied and reserved for more than it holds (a larger snapshot) regrows with the
// pads set, and keeps what it held when not empty.
TEST(BookSide, ReserveOnAClearedSideRegrowsWithPads) {
  BookSide s;
  Model m;
  for (std::int64_t i = 0; i < 100; ++i) s.push_back(level_of(i), i);
  s.clear();
  s.reserve(5000);
  for (std::int64_t i = 0; i < 5000; ++i) {
    s.levels()[i] = level_of(i);
    s.keys()[i] = i;
    m.levels.push_back(level_of(i));
    m.keys.push_back(i);
  }
  s.commit(5000);
  expect_same(s, m);
  BookSide moved(std::move(s));
  expect_same(moved, m);
  EXPECT_TRUE(s.empty());
}

}  // namespace
}  // namespace rtcrypto
