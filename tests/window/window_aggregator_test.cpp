#include "rtcrypto/window/window_aggregator.hpp"
#include "level_change_for_test.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "../test_support.hpp"

namespace rtcrypto {
namespace {

using namespace rtcrypto::literals;

constexpr TimeNs kSec = kNsPerSec;

LevelChange change(Side side, const char* price, const char* remaining, TimeNs ts,
                   bool snapshot = false) {
  return level_change(side, price, remaining, ts, snapshot);
}

// Drives the aggregator the way the engine does: close on time, then apply to the book,
// then count the change.
struct Driver {
  WindowAggregator agg;
  OrderBook book{"BTCUSD"};
  std::vector<WindowResult> out;
  explicit Driver(WindowConfig cfg = {}) : agg("BTCUSD", cfg) {}
  void level(const LevelChange& c) {
    if (auto w = agg.advance(c.ts, &book)) out.push_back(*w);
    book.set_level(c.side, c.price, c.remaining);
    agg.add(c);
  }
  void trade(const char* price, const char* qty, TimeNs ts) {
    TradeEvent t;
    t.symbol = "BTCUSD";
    t.price = decimal_or_throw(price);
    t.quantity = decimal_or_throw(qty);
    t.ts = ts;
    if (auto w = agg.advance(ts, &book)) out.push_back(*w);
    agg.add(t);
  }
  void flush() {
    if (auto w = agg.flush(&book)) out.push_back(*w);
  }
};

TEST(WindowAggregator, SumsRatioAndCountsOnHandMadeEvents) {
  Driver d(WindowConfig{5 * kSec});
  TimeNs t0 = 1'000 * kSec;                                // a multiple of 5 s
  d.level(change(Side::Bid, "100", "2", t0 + 1));          // 200
  d.level(change(Side::Ask, "101", "3", t0 + 2 * kSec));   // 303
  d.level(change(Side::Bid, "99.5", "1", t0 + 4 * kSec));  // 99.5
  d.trade("100.5", "0.5", t0 + 4 * kSec + 1);
  d.trade("101", "1.5", t0 + 4 * kSec + 2);
  ASSERT_TRUE(d.out.empty());
  // The event at exactly the end closes the window before it is applied.
  d.level(change(Side::Ask, "100.5", "1", t0 + 5 * kSec));
  ASSERT_EQ(d.out.size(), 1u);
  const WindowResult& w = d.out[0];
  EXPECT_EQ(w.symbol, "BTCUSD");
  EXPECT_EQ(w.start, t0);
  EXPECT_EQ(w.end, t0 + 5 * kSec);
  EXPECT_DOUBLE_EQ(w.bid_sum, 299.5);
  EXPECT_DOUBLE_EQ(w.ask_sum, 303.0);
  ASSERT_TRUE(w.ratio);
  EXPECT_DOUBLE_EQ(*w.ratio, 303.0 / 299.5);
  EXPECT_EQ(w.bid_changes, 2u);
  EXPECT_EQ(w.ask_changes, 1u);
  EXPECT_EQ(w.trades, 2u);
  EXPECT_DOUBLE_EQ(w.trade_volume, 2.0);
  ASSERT_TRUE(w.vwap);
  EXPECT_DOUBLE_EQ(*w.vwap, (100.5 * 0.5 + 101 * 1.5) / 2.0);
  EXPECT_EQ(w.last_trade_price, "101"_d);
  // Book metrics are from before the closing event (best ask still 101, not 100.5).
  EXPECT_EQ(w.best_bid, "100"_d);
  EXPECT_EQ(w.best_ask, "101"_d);
  EXPECT_EQ(w.mid, "100.5"_d);
  EXPECT_EQ(w.spread, "1"_d);
  EXPECT_DOUBLE_EQ(w.depth_bid, 3.0);  // 100 and 99.5 are within 1 % of 100.5
  EXPECT_DOUBLE_EQ(w.depth_ask, 3.0);

  d.flush();
  ASSERT_EQ(d.out.size(), 2u);
  EXPECT_EQ(d.out[1].start, t0 + 5 * kSec);
  EXPECT_DOUBLE_EQ(d.out[1].ask_sum, 100.5);
  EXPECT_FALSE(d.out[1].ratio) << "no bid flow: no ratio";
}

TEST(WindowAggregator, RatioModeBidOverAsk) {
  Driver d(WindowConfig{60 * kSec, RatioMode::BidOverAsk});
  d.level(change(Side::Bid, "10", "1", 1));
  d.level(change(Side::Ask, "20", "1", 2));
  d.flush();
  ASSERT_EQ(d.out.size(), 1u);
  EXPECT_DOUBLE_EQ(*d.out[0].ratio, 0.5);
}

TEST(WindowAggregator, EmptySideGivesNullRatioAndNullRecordValue) {
  Driver d;
  d.level(change(Side::Bid, "10", "1", 1));
  d.level(change(Side::Ask, "20", "0", 2));  // a removal: counted, adds nothing
  d.flush();
  ASSERT_EQ(d.out.size(), 1u);
  EXPECT_EQ(d.out[0].ask_changes, 1u);
  EXPECT_EQ(d.out[0].ask_sum, 0.0);
  EXPECT_FALSE(d.out[0].ratio);
  auto recs = window_records(d.out[0]);
  EXPECT_TRUE(std::holds_alternative<std::monostate>(*recs[2].get("value")));
  EXPECT_EQ(to_contract_json(recs[2], "r").substr(0, 45),
            R"({"type":"price_volume","value":null,"timestam)");
}

TEST(WindowAggregator, SnapshotLevelsAreNotFlow) {
  Driver d;
  d.level(change(Side::Bid, "10", "5", 1, true));
  d.level(change(Side::Ask, "11", "5", 1, true));
  d.flush();
  EXPECT_TRUE(d.out.empty()) << "a window of snapshot levels only is not emitted";
  d.level(change(Side::Bid, "10", "5", 61 * kSec, true));
  d.level(change(Side::Bid, "9", "1", 62 * kSec));
  d.flush();
  ASSERT_EQ(d.out.size(), 1u);
  EXPECT_DOUBLE_EQ(d.out[0].bid_sum, 9.0);
  EXPECT_EQ(d.out[0].bid_changes, 1u);
}

TEST(WindowAggregator, EmptyWindowsAreSkippedAndAlignedToLength) {
  Driver d(WindowConfig{60 * kSec});
  d.level(change(Side::Bid, "1", "1", 59 * kSec));
  d.level(change(Side::Bid, "1", "2", 60 * kSec + 5));
  d.level(change(Side::Bid, "1", "3", 300 * kSec + 7));  // 2..4 minutes empty
  d.flush();
  ASSERT_EQ(d.out.size(), 3u);
  EXPECT_EQ(d.out[0].start, 0);
  EXPECT_EQ(d.out[1].start, 60 * kSec);
  EXPECT_EQ(d.out[2].start, 300 * kSec);
  EXPECT_EQ(d.out[2].end, 360 * kSec);
  // A window with trades only is not a liquidity window.
  Driver t;
  t.trade("1", "1", 5);
  t.trade("1", "1", 70 * kSec);
  t.flush();
  EXPECT_TRUE(t.out.empty());
}

TEST(WindowAggregator, NegativeTimesFloorCorrectly) {
  Driver d(WindowConfig{5 * kSec});
  d.level(change(Side::Bid, "1", "1", -1));
  d.flush();
  ASSERT_EQ(d.out.size(), 1u);
  EXPECT_EQ(d.out[0].start, -5 * kSec);
  EXPECT_EQ(d.out[0].end, 0);
}

TEST(WindowAggregator, RecordsFollowTheContract) {
  WindowResult w;
  w.symbol = "BTCUSD";
  w.start = 1602770081 * kSec;
  w.end = 1602770086 * kSec;
  w.ask_sum = 83751098.76;
  w.bid_sum = 36606864.31;
  w.ratio = 2.25;
  w.bid_changes = 4;
  w.ask_changes = 5;
  w.trades = 1;
  w.best_bid = "11412.68"_d;
  w.best_ask = "11412.69"_d;
  w.mid = "11412.685"_d;
  w.spread = "0.01"_d;
  w.depth_bid = 1.5;
  w.depth_ask = 2.25;
  auto r = window_records(w);
  EXPECT_EQ(r[0].doc_type, "ask");
  EXPECT_EQ(r[1].doc_type, "bid");
  EXPECT_EQ(r[2].doc_type, "price_volume");
  for (auto& rec : r) EXPECT_EQ(rec.ts, w.end);
  EXPECT_EQ(to_contract_json(r[0], "x"),
            R"({"type":"ask","value":83751098.76,"timestamp":1602770086,"symbol":"BTCUSD",)"
            R"("window_start":1602770081000000000,"window_end":1602770086000000000})");
  EXPECT_EQ(to_contract_json(r[2], "x"),
            R"({"type":"price_volume","value":2.25,"timestamp":1602770086,)"
            R"("symbol":"BTCUSD","window_start":1602770081000000000,)"
            R"("window_end":1602770086000000000,"bid_changes":4,"ask_changes":5,"trades":1,)"
            R"("best_bid":11412.68,"best_ask":11412.69,"mid":11412.685,"spread":0.01,)"
            R"("depth_bid_1pct":1.5,"depth_ask_1pct":2.25})");
  w.best_bid.reset();
  EXPECT_TRUE(std::holds_alternative<std::monostate>(*window_records(w)[2].get("best_bid")));
}

// The shared v2 frames, BTCUSD only, 5-second windows, against a computation that shares
// nothing with the aggregator (strtod on the raw strings, a map of window sums).
// The close's book figures (read inline) are the book's own: best levels, mid (an odd sum
// of raw prices included), spread, for empty, one-sided, crossed and ordinary books.
TEST(WindowAggregator, BookFiguresAreTheBooksOwn) {
  std::mt19937_64 rng(3);
  for (int round = 0; round < 200; ++round) {
    OrderBook book{"BTCUSD"};
    WindowAggregator agg("BTCUSD");
    agg.add(change(Side::Bid, "1", "1", kSec));  // a change: peek answers
    const int bids = static_cast<int>(rng() % 3), asks = static_cast<int>(rng() % 3);
    for (int i = 0; i < bids; ++i)
      book.set_level(Side::Bid, Decimal::from_raw(static_cast<Decimal::Rep>(rng() % 100000) + 1),
                     Decimal::from_int(1));
    for (int i = 0; i < asks; ++i)
      book.set_level(Side::Ask, Decimal::from_raw(static_cast<Decimal::Rep>(rng() % 100000) + 1),
                     Decimal::from_int(1));
    const auto w = agg.peek(&book);
    ASSERT_TRUE(w);
    const auto bid = book.best_bid(), ask = book.best_ask();
    EXPECT_EQ(w->best_bid, bid ? std::optional(bid->price) : std::nullopt);
    EXPECT_EQ(w->best_ask, ask ? std::optional(ask->price) : std::nullopt);
    EXPECT_EQ(w->mid, book.mid()) << round;
    EXPECT_EQ(w->spread, book.spread()) << round;
  }
}

TEST(WindowAggregator, SharedFramesMatchAnIndependentComputation) {
  RTC_SHARED_FILE_OR_SKIP(path, "gemini/v2-marketdata-frames-with-recv-ts.tsv");
  std::ifstream in(path);
  ASSERT_TRUE(in);
  struct Expect {
    double ask = 0, bid = 0;
    std::uint64_t na = 0, nb = 0;
  };
  std::map<TimeNs, Expect> expect;
  const TimeNs len = 5 * kSec;
  Driver d(WindowConfig{len});
  std::string line, session;
  std::getline(in, line);  // header
  std::size_t frames = 0, changes = 0;
  bool seen_snapshot = false;
  while (std::getline(in, line)) {
    auto t1 = line.find('\t'), t2 = line.find('\t', t1 + 1);
    std::string sess = line.substr(t1 + 1, t2 - t1 - 1);
    auto j = nlohmann::json::parse(line.substr(t2 + 1));
    if (j.value("symbol", "") != "BTCUSD") continue;
    if (sess != session) {  // a new session resubscribes: its first l2_updates is a snapshot
      session = sess;
      seen_snapshot = false;
      d.book.clear();
    }
    // recv_ts "1617645247.991257": seconds and microseconds, exactly.
    std::string ts = line.substr(0, t1);
    auto dot = ts.find('.');
    TimeNs recv = std::stoll(ts.substr(0, dot)) * kSec +
                  std::stoll((ts.substr(dot + 1) + "000000000").substr(0, 9));
    ++frames;
    if (j["type"] == "trade") {
      TimeNs tts = j["timestamp"].get<std::int64_t>() * kNsPerMs;
      std::string p = j["price"], q = j["quantity"];
      d.trade(p.c_str(), q.c_str(), tts);
      continue;
    }
    if (j["type"] != "l2_updates") continue;
    bool snap = !seen_snapshot;
    seen_snapshot = true;
    for (auto& c : j["changes"]) {
      std::string side = c[0], price = c[1], qty = c[2];
      Side s = side == "buy" ? Side::Bid : Side::Ask;
      d.level(change(s, price.c_str(), qty.c_str(), recv, snap));
      if (snap) continue;
      ++changes;
      Expect& e = expect[floor_to_period(recv, len)];
      double v = std::strtod(price.c_str(), nullptr) * std::strtod(qty.c_str(), nullptr);
      if (s == Side::Ask) {
        e.ask += v;
        ++e.na;
      } else {
        e.bid += v;
        ++e.nb;
      }
    }
  }
  d.flush();
  EXPECT_GT(frames, 300u);
  EXPECT_GT(changes, 1000u);
  ASSERT_EQ(d.out.size(), expect.size());
  std::size_t i = 0;
  for (const auto& [start, e] : expect) {
    const WindowResult& w = d.out[i++];
    ASSERT_EQ(w.start, start);
    EXPECT_EQ(w.end, start + len);
    EXPECT_EQ(w.ask_changes, e.na);
    EXPECT_EQ(w.bid_changes, e.nb);
    EXPECT_NEAR(w.ask_sum, e.ask, 1e-9 * std::max(1.0, e.ask));
    EXPECT_NEAR(w.bid_sum, e.bid, 1e-9 * std::max(1.0, e.bid));
    if (e.ask > 0 && e.bid > 0) {
      ASSERT_TRUE(w.ratio);
      EXPECT_NEAR(*w.ratio, e.ask / e.bid, 1e-9 * (e.ask / e.bid));
    } else {
      EXPECT_FALSE(w.ratio);
    }
  }
}

}  // namespace
}  // namespace rtcrypto
