// The v2 scanner's level buffer keeps every committed level across growth (raw storage,
// reallocated), clear() keeps its room, and its levels start on a cache line.
#include <gtest/gtest.h>

#include <cstdint>

#include "../../src/feed/v2_l2_scanner.hpp"

namespace rtcrypto::feed_detail {
namespace {

ScannedLevel level(int i) {
  return ScannedLevel{static_cast<Decimal::Rep>(i % 2 ? -(i + 1) : i + 1),
                      static_cast<Decimal::Rep>(i) * 1000};
}

TEST(LevelBuffer, KeepsLevelsAcrossGrowth) {
  LevelBuffer b;
  EXPECT_TRUE(b.empty());
  int next = 0;
  for (int round = 0; round < 3; ++round) {
    b.clear();
    next = 0;
    // Single pushes, then reserve/commit runs that commit fewer than they reserve.
    for (; next < 100; ++next) b.push(level(next));
    for (std::size_t k : {10u, 500u, 3u, 5000u}) {
      ScannedLevel* out = b.reserve(k);
      const std::size_t m = k / 2 + 1;
      for (std::size_t i = 0; i < m; ++i) out[i] = level(next++);
      b.commit(m);
    }
    ASSERT_EQ(b.size(), static_cast<std::size_t>(next));
    const auto levels = b.levels();
    for (int i = 0; i < next; ++i) {
      ASSERT_EQ(levels[static_cast<std::size_t>(i)].signed_price, level(i).signed_price) << i;
      ASSERT_EQ(levels[static_cast<std::size_t>(i)].quantity, level(i).quantity) << i;
    }
  }
}

// Every level on its own half of a cache line, whatever sizes the buffer grew through (odd
// ones included), so no level's 32-byte store or load splits a line.
TEST(LevelBuffer, LevelsStartOnACacheLine) {
  LevelBuffer b;
  for (std::size_t k : {1u, 65u, 7u, 129u, 1001u, 3u}) {
    b.reserve(k);
    b.commit(k);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(b.levels().data()) % 64, 0u) << k;
  }
}

}  // namespace
}  // namespace rtcrypto::feed_detail
