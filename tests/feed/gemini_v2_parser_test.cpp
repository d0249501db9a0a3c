#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "event_recorder.hpp"
#include "rtcrypto/book/book_builder.hpp"
#include "rtcrypto/feed/gemini_parsers.hpp"
#include "rtcrypto/feed/replay_driver.hpp"
#include "test_support.hpp"

namespace rtcrypto {
namespace {

using namespace rtcrypto::literals;
using test::EventRecorder;

constexpr TimeNs kT0 = 1'617'645'247'991'257'000;

TEST(GeminiV2Parser, SnapshotThenDeltasFromDocExamples) {
  GeminiV2Parser p;
  EventRecorder r;
  p.parse(R"({"type":"l2_updates","symbol":"BTCUSD",
    "changes":[["buy","9122.04","0.00121425"],["sell","9122.07","0.98942292"]],
    "trades":[{"type":"trade","symbol":"BTCUSD","event_id":169841458,"timestamp":1560976400428,
               "price":"9122.04","quantity":"0.0073173","side":"sell"}],
    "auction_events":[]})",
          kT0, r);
  ASSERT_EQ(r.log, (std::vector<std::string>{"begin BTCUSD", "end BTCUSD"}));
  ASSERT_EQ(r.levels.size(), 2u);
  EXPECT_EQ(r.levels[0].side, Side::Bid);
  EXPECT_EQ(r.levels[0].price, "9122.04"_d);
  EXPECT_EQ(r.levels[0].remaining, "0.00121425"_d);
  EXPECT_TRUE(r.levels[0].snapshot);
  EXPECT_EQ(r.levels[0].reason, ChangeReason::Snapshot);
  EXPECT_EQ(r.levels[0].ts, kT0);
  EXPECT_EQ(r.levels[1].side, Side::Ask);
  ASSERT_EQ(r.trades.size(), 1u);
  EXPECT_EQ(r.trades[0].ts, 1560976400428 * kNsPerMs);
  EXPECT_EQ(r.trades[0].taker, OrderSide::Sell);
  EXPECT_EQ(r.trades[0].id, 169841458);

  p.parse(
      R"({"type":"l2_updates","symbol":"BTCUSD","changes":[["sell","9160.20","0.1921229751"]]})",
      kT0 + 5, r);
  ASSERT_EQ(r.levels.size(), 3u);
  EXPECT_FALSE(r.levels[2].snapshot);
  EXPECT_EQ(r.levels[2].reason, ChangeReason::Update);
  EXPECT_EQ(r.levels[2].side, Side::Ask);
  EXPECT_EQ(r.levels[2].ts, kT0 + 5);
  EXPECT_EQ(r.log.size(), 2u);  // no new snapshot

  p.parse(R"({"type":"trade","symbol":"BTCUSD","event_id":3575573053,"timestamp":1560976400428,
    "price":"9004.21000000","quantity":"0.09110000","side":"buy","tid":2840140800042677})",
          kT0 + 6, r);
  ASSERT_EQ(r.trades.size(), 2u);
  EXPECT_EQ(r.trades[1].taker, OrderSide::Buy);
  EXPECT_EQ(r.trades[1].id, 2840140800042677);  // tid wins over event_id
  EXPECT_EQ(r.trades[1].price, "9004.21"_d);

  p.parse(R"({"type":"heartbeat","timestamp":1617645248100})", kT0 + 7, r);
  p.parse(R"({"type":"heartbeat"})", kT0 + 8, r);
  ASSERT_EQ(r.times.size(), 5u);  // every frame ends with on_time
  EXPECT_EQ(r.times[0], kT0);
  EXPECT_EQ(r.times[2], 1560976400428 * kNsPerMs);
  EXPECT_EQ(r.times[3], 1617645248100 * kNsPerMs);
  EXPECT_EQ(r.times[4], kT0 + 8);

  const FeedStats& s = p.stats();
  EXPECT_EQ(s.frames, 5u);
  EXPECT_EQ(s.snapshots, 1u);
  EXPECT_EQ(s.snapshot_levels, 2u);
  EXPECT_EQ(s.changes, 1u);
  EXPECT_EQ(s.trades, 2u);
  EXPECT_EQ(s.heartbeats, 2u);
  EXPECT_EQ(s.parse_errors, 0u);
}

// new_symbols() lists each symbol once, when its first event goes out (a trade, or a
// snapshot), not for a frame that emitted nothing, nor again after a resync; reset() drops
// the list, and the symbols are new again.
TEST(GeminiV2Parser, ReportsEachSymbolAtItsFirstEvent) {
  GeminiV2Parser p;
  EventRecorder r;
  ASSERT_TRUE(p.reports_symbols());
  p.parse(
      R"({"type":"trade","symbol":"solusd","event_id":9,"timestamp":1617645247002,"price":"10.5","quantity":"3","side":"buy"})",
      1, r);
  p.parse(R"({"type":"l2_updates","symbol":"XRPUSD","changes":[["buy","x","1"]]})", 2, r);
  p.parse(R"({"type":"l2_updates","symbol":"BTCUSD","changes":[["buy","1","2"]]})", 3, r);
  p.parse(R"({"type":"l2_updates","symbol":"BTCUSD","changes":[["buy","1","3"]]})", 4, r);
  p.parse(R"({"type":"trade","symbol":"SOLUSD","price":"10","quantity":"1"})", 5, r);
  EXPECT_EQ(p.new_symbols(), (std::vector<std::string_view>{"SOLUSD", "BTCUSD"}));
  p.new_symbols().clear();
  p.parse(R"({"type":"l2_updates","symbol":"BTCUSD","changes":[["buy","1","4"]]})", 6, r);
  EXPECT_TRUE(p.new_symbols().empty());
  p.resync("btcusd");  // a snapshot again, but the symbol was reported
  p.parse(R"({"type":"l2_updates","symbol":"BTCUSD","changes":[["buy","1","5"]]})", 7, r);
  EXPECT_TRUE(p.new_symbols().empty());
  p.parse(R"({"type":"l2_updates","symbol":"ETHUSD","changes":[["buy","2","1"]]})", 8, r);
  p.reset();  // drops the list with the symbols
  EXPECT_TRUE(p.new_symbols().empty());
  p.parse(R"({"type":"l2_updates","symbol":"BTCUSD","changes":[["buy","1","6"]]})", 9, r);
  EXPECT_EQ(p.new_symbols(), (std::vector<std::string_view>{"BTCUSD"}));
  EXPECT_EQ(p.stats().snapshots, 4u);  // BTCUSD, after its resync, ETHUSD, after the reset
}

TEST(GeminiV2Parser, ResetMakesTheNextFrameASnapshot) {
  GeminiV2Parser p;
  EventRecorder r;
  const char* delta = R"({"type":"l2_updates","symbol":"ETHUSD","changes":[["buy","1","2"]]})";
  p.parse(delta, 1, r);
  p.parse(delta, 2, r);
  p.reset();
  p.parse(delta, 3, r);
  p.resync("ethusd");
  p.parse(delta, 4, r);
  EXPECT_EQ(p.stats().snapshots, 3u);
  EXPECT_EQ(p.stats().changes, 1u);
}

// Deltas of a live book take a shorter emit path than snapshots and dropped deltas: each
// frame must still give one Update batch of its levels, then its time, and the same events
// and counters whether the scanner or the DOM path (a leading space) read it.
class BatchLog : public EventRecorder {
 public:
  void on_level_batch(const LevelBatch& b) override {
    order.push_back("batch " + std::string(b.symbol) + " " + std::to_string(b.levels.size()) +
                    (b.snapshot ? " snapshot" : " update") +
                    (b.reason == ChangeReason::Update ? "" : " reason") + " ts " +
                    std::to_string(b.ts));
    EventRecorder::on_level_batch(b);
  }
  void on_time(TimeNs ts) override {
    order.push_back("time " + std::to_string(ts));
    EventRecorder::on_time(ts);
  }
  std::vector<std::string> order;
};

TEST(GeminiV2Parser, LiveDeltasEmitOneUpdateBatchThenTheTime) {
  const std::vector<std::string> frames = {
      R"({"type":"l2_updates","symbol":"ETHUSD","changes":[["buy","1","2"]],"trades":[],"auction_events":[]})",
      R"({"type":"l2_updates","symbol":"ETHUSD","changes":[["buy","1","3"],["sell","2","1"]]})",
      R"({"changes":[["sell","2","0"]],"symbol":"ethusd","type":"l2_updates"})",
      R"({"type":"l2_updates","symbol":"ETHUSD","changes":[]})",
      R"({"type":"l2_updates","symbol":"ETHUSD","changes":[["buy","x","3"]]})",  // lost
      R"({"type":"l2_updates","symbol":"ETHUSD","changes":[["buy","1","4"]]})",  // dropped
  };
  GeminiV2Parser fast, dom;
  BatchLog a, b;
  for (std::size_t i = 0; i < frames.size(); ++i) {
    fast.parse(frames[i], 10 + static_cast<TimeNs>(i), a);
    dom.parse(" " + frames[i], 10 + static_cast<TimeNs>(i), b);
  }
  const std::vector<std::string> want = {
      "batch ETHUSD 1 snapshot reason ts 10", "time 10", "batch ETHUSD 2 update ts 11", "time 11",
      "batch ETHUSD 1 update ts 12", "time 12", "time 13",
      // the lost frame emits no time; the dropped delta only its time
      "time 15"};
  EXPECT_EQ(a.order, want);
  EXPECT_EQ(b.order, want);
  ASSERT_EQ(a.levels.size(), 4u);
  EXPECT_EQ(a.levels[1].price, "1"_d);
  EXPECT_EQ(a.levels[1].remaining, "3"_d);
  EXPECT_EQ(a.levels[2].side, Side::Ask);
  EXPECT_EQ(a.levels[3].remaining, "0"_d);
  for (const GeminiV2Parser* p : {&fast, &dom}) {
    EXPECT_EQ(p->stats().changes, 3u);
    EXPECT_EQ(p->stats().snapshot_levels, 1u);
    EXPECT_EQ(p->stats().dropped, 1u);
    EXPECT_EQ(p->stats().parse_errors, 1u);
    EXPECT_EQ(p->stats().gaps, 1u);
  }
}

// The parser names each interned symbol's batches by one id (spellings of one symbol
// share it); symbols differ in ids, and a reset's fresh symbols take new ids. BookBuilder
// finds books by that id: alternating symbols land in their own books.
class BatchIds : public EventRecorder {
 public:
  void on_level_batch(const LevelBatch& b) override {
    ids.push_back(b.symbol_id);
    symbols.emplace_back(b.symbol);
  }
  std::vector<std::uint32_t> ids;
  std::vector<std::string> symbols;
};

TEST(GeminiV2Parser, BatchesCarryOneIdPerSymbol) {
  GeminiV2Parser p;
  BatchIds r;
  p.parse(R"({"type":"l2_updates","symbol":"ETHUSD","changes":[["buy","1","2"]]})", 1, r);
  p.parse(R"({"type":"l2_updates","symbol":"BTCUSD","changes":[["buy","3","4"]]})", 2, r);
  p.parse(R"({"type":"l2_updates","symbol":"ethusd","changes":[["buy","1","5"]]})", 3, r);
  p.parse(R"({"type":"l2_updates","symbol":"BTCUSD","changes":[["sell","6","7"]]})", 4, r);
  p.reset();
  p.parse(R"({"type":"l2_updates","symbol":"ETHUSD","changes":[["buy","1","2"]]})", 5, r);
  ASSERT_EQ(r.ids.size(), 5u);
  EXPECT_NE(r.ids[0], 0u);
  EXPECT_NE(r.ids[1], 0u);
  EXPECT_NE(r.ids[0], r.ids[1]);
  EXPECT_EQ(r.ids[2], r.ids[0]);
  EXPECT_EQ(r.ids[3], r.ids[1]);
  EXPECT_NE(r.ids[4], r.ids[0]);
  EXPECT_NE(r.ids[4], r.ids[1]);
  EXPECT_EQ(r.symbols,
            (std::vector<std::string>{"ETHUSD", "BTCUSD", "ETHUSD", "BTCUSD", "ETHUSD"}));

  GeminiV2Parser q;
  BookBuilder builder;
  for (int i = 0; i < 3; ++i) {
    const std::string n = std::to_string(i + 1);
    q.parse(R"({"type":"l2_updates","symbol":"ETHUSD","changes":[["buy",")" + n + R"(","1"]]})",
            10 + i, builder);
    q.parse(R"({"type":"l2_updates","symbol":"BTCUSD","changes":[["sell",")" + n + R"(00","2"]]})",
            20 + i, builder);
  }
  ASSERT_NE(builder.find("ETHUSD"), nullptr);
  ASSERT_NE(builder.find("BTCUSD"), nullptr);
  EXPECT_EQ(builder.find("ETHUSD")->depth(Side::Bid), 3u);
  EXPECT_EQ(builder.find("ETHUSD")->depth(Side::Ask), 0u);
  EXPECT_EQ(builder.find("BTCUSD")->depth(Side::Ask), 3u);
  EXPECT_EQ(builder.find("BTCUSD")->best_ask()->price, "100"_d);
}

TEST(GeminiV2Parser, EverySharedFrameParses) {
  RTC_SHARED_FILE_OR_SKIP(path, "gemini/v2-marketdata-frames.ndjson");
  std::ifstream in(path);
  GeminiV2Parser p;
  EventRecorder r;
  std::string line;
  TimeNs t = kT0;
  while (std::getline(in, line)) p.parse(line, t++, r);
  const FeedStats& s = p.stats();
  EXPECT_EQ(s.frames, 4038u);
  EXPECT_EQ(s.parse_errors, 0u);
  EXPECT_EQ(s.unknown_types, 0u);
  EXPECT_EQ(s.oversized, 0u);
  // Counted independently (Python) from the file: 3,907 l2_updates of which 40 snapshots
  // (the first per symbol per session) with 33,006 levels, 15,035 delta changes; 91 trade
  // frames + 2,310 trades inside snapshots; 40 heartbeats.
  EXPECT_EQ(s.snapshots, 40u);
  EXPECT_EQ(s.snapshot_levels, 33006u);
  EXPECT_EQ(s.changes, 15035u);
  EXPECT_EQ(s.trades, 91u + 2310u);
  EXPECT_EQ(s.heartbeats, 40u);
  EXPECT_EQ(s.gaps, 0u);
  EXPECT_EQ(r.times.size(), 4038u);
}

// Checks every whole book after every frame.
struct CrossCheck {
  BookBuilder& builder;
  std::uint64_t frames = 0, crossed_after_frame = 0, whole_checks = 0;
  void operator()(TimeNs ts) {
    builder.end_of_frame(ts);
    ++frames;
    for (const auto& [sym, book] : builder.books()) {
      if (!book.whole()) continue;
      ++whole_checks;
      if (book.crossed()) ++crossed_after_frame;
    }
  }
};

TEST(GeminiV2Parser, TsvReplayThroughBookBuilderNeverCrosses) {
  RTC_SHARED_FILE_OR_SKIP(path, "gemini/v2-marketdata-frames-with-recv-ts.tsv");
  ReplayReader reader(path);
  BookBuilder builder;
  CrossCheck check{builder};
  ReplayOptions opt;
  opt.on_frame_end = [&](TimeNs ts) { check(ts); };
  ReplayStats s = replay_into(reader, builder, opt);
  EXPECT_EQ(s.frames, 4038u);
  EXPECT_EQ(s.sessions, 4u);
  EXPECT_EQ(s.feed.parse_errors, 0u);
  EXPECT_EQ(s.feed.snapshots, 40u);
  EXPECT_EQ(s.reader.header_lines, 1u);
  EXPECT_EQ(s.reader.bad_lines, 0u);
  EXPECT_EQ(check.frames, 4038u);
  EXPECT_GT(check.whole_checks, 4000u);
  EXPECT_EQ(check.crossed_after_frame, 0u);
  EXPECT_EQ(builder.stats().crossed, 0u);
  EXPECT_EQ(builder.stats().changes_while_not_whole, 0u);
  const OrderBook* btc = builder.find("BTCUSD");
  ASSERT_NE(btc, nullptr);
  EXPECT_TRUE(btc->whole());
  EXPECT_LT(btc->best_bid()->price, btc->best_ask()->price);
}

// The BTCUSD frames: the first frame is a 6,614-level snapshot; a zero removes a level; a
// re-sent snapshot replaces the book.
class BtcFrames : public ::testing::Test {
 protected:
  void SetUp() override {
    auto path = test::shared_data() / "gemini/v2-BTCUSD-frames.ndjson";
    if (!std::filesystem::exists(path)) GTEST_SKIP() << "no shared data: " << path;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) frames.push_back(line);
    ASSERT_EQ(frames.size(), 326u);
  }
  std::vector<std::string> frames;
};

TEST_F(BtcFrames, SnapshotHas6614Levels) {
  GeminiV2Parser p;
  BookBuilder b;
  p.parse(frames[0], kT0, b);
  b.end_of_frame(kT0);
  EXPECT_EQ(p.stats().snapshot_levels, 6614u);
  const OrderBook* book = b.find("BTCUSD");
  ASSERT_NE(book, nullptr);
  EXPECT_TRUE(book->whole());
  EXPECT_EQ(book->depth(Side::Bid) + book->depth(Side::Ask), 6614u);
  EXPECT_FALSE(book->crossed());
}

TEST_F(BtcFrames, ZeroRemovesALevel) {
  GeminiV2Parser p;
  BookBuilder b;
  p.parse(frames[0], kT0, b);
  const OrderBook* book = b.find("BTCUSD");
  const BookLevel best = *book->best_bid();
  const std::size_t depth = book->depth(Side::Bid);
  const std::string price = best.price.to_string();
  p.parse(R"({"type":"l2_updates","symbol":"BTCUSD","changes":[["buy",")" + price + R"(","0"]]})",
          kT0 + 1, b);
  EXPECT_EQ(book->depth(Side::Bid), depth - 1);
  EXPECT_FALSE(book->quantity_at(Side::Bid, best.price).has_value());
  EXPECT_LT(book->best_bid()->price, best.price);
  EXPECT_TRUE(book->whole());
}

TEST_F(BtcFrames, ResentSnapshotReplacesTheBook) {
  GeminiV2Parser fresh_parser, p;
  BookBuilder fresh, b;
  fresh_parser.parse(frames[0], kT0, fresh);
  // Apply every delta of the first session, then the same snapshot again.
  TimeNs t = kT0;
  for (std::size_t i = 0; i < frames.size(); ++i) {
    if (i > 0 && frames[i].find("auction_events") != std::string::npos) break;
    p.parse(frames[i], ++t, b);
  }
  ASSERT_GT(p.stats().changes, 100u);
  const OrderBook& before = *b.find("BTCUSD");
  const OrderBook& want = *fresh.find("BTCUSD");
  bool differs = before.depth(Side::Bid) != want.depth(Side::Bid) ||
                 before.depth(Side::Ask) != want.depth(Side::Ask) ||
                 before.best_bid()->quantity != want.best_bid()->quantity;
  ASSERT_TRUE(differs) << "the deltas should have changed the book";
  p.parse(frames[0], ++t, b);
  const OrderBook& after = *b.find("BTCUSD");
  for (Side side : {Side::Bid, Side::Ask}) {
    ASSERT_EQ(after.depth(side), want.depth(side));
    for (std::size_t i = 0; i < want.depth(side); ++i) {
      ASSERT_EQ(after.level(side, i).price, want.level(side, i).price);
      ASSERT_EQ(after.level(side, i).quantity, want.level(side, i).quantity);
    }
  }
  EXPECT_TRUE(after.whole());
  EXPECT_EQ(p.stats().snapshots, 2u);
}

}  // namespace
}  // namespace rtcrypto
