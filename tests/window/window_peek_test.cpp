// WindowAggregator::peek: the open window's figures so far, leaving the window open.
#include <gtest/gtest.h>

#include "level_change_for_test.hpp"
#include "rtcrypto/window/window_aggregator.hpp"

namespace rtcrypto {
namespace {

LevelChange change(Side side, const char* price, const char* remaining, TimeNs ts) {
  return level_change(side, price, remaining, ts);
}

TEST(WindowPeek, ShowsTheOpenWindowWithoutClosingIt) {
  constexpr TimeNs kLen = 5 * kNsPerSec;
  WindowAggregator agg("BTCUSD", WindowConfig{kLen});
  OrderBook book{"BTCUSD"};
  EXPECT_FALSE(agg.peek(&book).has_value());  // nothing open yet

  agg.add(change(Side::Bid, "100", "2", kLen + 1));
  book.set_level(Side::Bid, decimal_or_throw("100"), decimal_or_throw("2"));
  auto w = agg.peek(&book);
  ASSERT_TRUE(w.has_value());
  EXPECT_EQ(w->start, kLen);
  EXPECT_EQ(w->end, 2 * kLen);
  EXPECT_DOUBLE_EQ(w->bid_sum, 200.0);
  EXPECT_FALSE(w->ratio.has_value());  // no ask flow yet
  ASSERT_TRUE(w->best_bid.has_value());
  EXPECT_EQ(w->best_bid->to_string(), "100");

  agg.add(change(Side::Ask, "101", "1", kLen + 2));
  w = agg.peek(&book);
  ASSERT_TRUE(w.has_value());
  ASSERT_TRUE(w->ratio.has_value());
  EXPECT_DOUBLE_EQ(*w->ratio, 101.0 / 200.0);
  EXPECT_TRUE(agg.is_open());
  EXPECT_EQ(agg.windows_emitted(), 0u);

  // The close later reports the same sums, once.
  auto closed = agg.advance(2 * kLen, &book);
  ASSERT_TRUE(closed.has_value());
  EXPECT_DOUBLE_EQ(closed->ask_sum, 101.0);
  EXPECT_DOUBLE_EQ(closed->bid_sum, 200.0);
  EXPECT_EQ(agg.windows_emitted(), 1u);
  EXPECT_FALSE(agg.peek(&book).has_value());  // closed, nothing open
}

}  // namespace
}  // namespace rtcrypto
