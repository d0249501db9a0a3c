// close_due_into / flush_into against advance / flush: the same windows, every field equal,
// written over one WindowResult that holds another symbol's window (every field set).
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "level_change_for_test.hpp"
#include "rtcrypto/window/window_aggregator.hpp"

namespace rtcrypto {
namespace {

void expect_same(const WindowResult& a, const WindowResult& b) {
  EXPECT_EQ(a.symbol, b.symbol);
  EXPECT_EQ(a.start, b.start);
  EXPECT_EQ(a.end, b.end);
  EXPECT_EQ(a.ask_sum, b.ask_sum);
  EXPECT_EQ(a.bid_sum, b.bid_sum);
  EXPECT_EQ(a.ratio, b.ratio);
  EXPECT_EQ(a.bid_changes, b.bid_changes);
  EXPECT_EQ(a.ask_changes, b.ask_changes);
  EXPECT_EQ(a.trades, b.trades);
  EXPECT_EQ(a.trade_volume, b.trade_volume);
  EXPECT_EQ(a.trade_notional, b.trade_notional);
  EXPECT_EQ(a.vwap, b.vwap);
  EXPECT_EQ(a.last_trade_price, b.last_trade_price);
  EXPECT_EQ(a.best_bid, b.best_bid);
  EXPECT_EQ(a.best_ask, b.best_ask);
  EXPECT_EQ(a.mid, b.mid);
  EXPECT_EQ(a.spread, b.spread);
  EXPECT_EQ(a.depth_bid, b.depth_bid);
  EXPECT_EQ(a.depth_ask, b.depth_ask);
  EXPECT_EQ(a.book_whole, b.book_whole);
  EXPECT_EQ(a.book_crossed, b.book_crossed);
}

// A window of another (longer-named) symbol with every optional set and a whole book.
WindowResult dirty() {
  WindowResult w;
  w.symbol = "AVERYLONGSYMBOLNAME";
  w.start = 1, w.end = 2, w.ask_sum = 3, w.bid_sum = 4, w.ratio = 5;
  w.bid_changes = w.ask_changes = w.trades = 6;
  w.trade_volume = w.trade_notional = 7, w.vwap = 8;
  w.last_trade_price = w.best_bid = w.best_ask = w.mid = w.spread = Decimal::from_int(9);
  w.depth_bid = w.depth_ask = 10;
  w.book_whole = w.book_crossed = true;
  return w;
}

TEST(WindowCloseInto, MatchesAdvanceAndFlushOverAnotherWindow) {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 20; ++round) {
    WindowConfig cfg{5 * kNsPerSec};
    WindowAggregator a("ETHUSD", cfg), b("ETHUSD", cfg);
    OrderBook book("ETHUSD");
    std::vector<WindowResult> want;
    int got_count = 0;
    WindowResult got = dirty();
    TimeNs t = 1'000 * kNsPerSec;
    for (int i = 0; i < 200; ++i) {
      t += static_cast<TimeNs>(rng() % (3 * kNsPerSec));
      const bool bid = rng() % 2;
      const int tick = static_cast<int>(rng() % 20);
      const std::string price = std::to_string(bid ? 100 - tick : 101 + tick);
      const std::string qty = std::to_string(rng() % 4);  // 0: a removal
      const LevelChange c =
          level_change(bid ? Side::Bid : Side::Ask, price.c_str(), qty.c_str(), t, false);
      // Sometimes no book (nullopt figures), sometimes an empty side (no mid).
      const OrderBook* bk = round % 3 == 0 ? nullptr : &book;
      if (auto w = a.advance(t, bk)) want.push_back(*w);
      if (b.close_due_into(t, bk, got)) {
        ASSERT_LT(static_cast<std::size_t>(got_count), want.size());
        expect_same(got, want[got_count++]);
        got = dirty();
      }
      book.set_level(c.side, c.price, c.remaining);
      if (rng() % 5 != 0) {  // a window may end with no trade (no vwap, no last price)
        a.add(c), b.add(c);
      } else {
        TradeEvent tr;
        tr.symbol = "ETHUSD", tr.price = c.price, tr.quantity = Decimal::from_int(1), tr.ts = t;
        a.add(c), b.add(c), a.add(tr), b.add(tr);
      }
    }
    if (auto w = a.flush(&book)) want.push_back(*w);
    if (b.flush_into(&book, got)) expect_same(got, want[got_count++]);
    EXPECT_EQ(static_cast<std::size_t>(got_count), want.size());
    EXPECT_GT(want.size(), 10u);
    EXPECT_FALSE(b.flush_into(&book, got));  // nothing open: untouched
    EXPECT_EQ(got.symbol, "ETHUSD");
  }
}

}  // namespace
}  // namespace rtcrypto
