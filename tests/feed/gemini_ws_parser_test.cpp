#include <gtest/gtest.h>

#include "event_recorder.hpp"
#include "rtcrypto/book/book_builder.hpp"
#include "rtcrypto/feed/gemini_parsers.hpp"

namespace rtcrypto {
namespace {

using namespace rtcrypto::literals;
using test::EventRecorder;

std::string depth(std::int64_t first, std::int64_t last, std::string_view bids,
                  std::string_view asks, std::string_view sym = "btcusd") {
  return R"({"e":"depthUpdate","E":1751508260659505382,"s":")" + std::string(sym) + R"(","U":)" +
         std::to_string(first) + R"(,"u":)" + std::to_string(last) + R"(,"b":)" +
         std::string(bids) + R"(,"a":)" + std::string(asks) + "}";
}

TEST(GeminiWsParser, FirstDepthUpdateIsTheSnapshotThenDiffs) {
  GeminiWsParser p;
  EventRecorder r;
  p.parse(depth(12345678, 12345678, R"([["45000.50","1.25000000"],["45000.25","0.5"]])",
                R"([["45001.00","0.75000000"]])"),
          7, r);
  ASSERT_EQ(r.log, (std::vector<std::string>{"begin BTCUSD", "end BTCUSD"}));
  ASSERT_EQ(r.levels.size(), 3u);
  EXPECT_TRUE(r.levels[0].snapshot);
  EXPECT_EQ(r.levels[0].symbol, "BTCUSD");         // lower case on the wire, upper case here
  EXPECT_EQ(r.levels[0].ts, 1751508260659505382);  // E is nanoseconds
  EXPECT_EQ(r.levels[0].seq, 12345678);
  EXPECT_EQ(r.levels[2].side, Side::Ask);

  // Overlap by one id (U == previous u) as observed on the wire.
  p.parse(depth(12345678, 12345690, R"([["45000.25","0.00000000"]])", "[]"), 8, r);
  // U == previous u + 1, as documented.
  p.parse(depth(12345691, 12345700, "[]", R"([["45001.00","2"]])"), 9, r);
  ASSERT_EQ(r.levels.size(), 5u);
  EXPECT_FALSE(r.levels[3].snapshot);
  EXPECT_EQ(r.levels[3].reason, ChangeReason::Update);
  EXPECT_TRUE(r.levels[3].remaining.is_zero());
  EXPECT_EQ(r.levels[4].remaining, "2"_d);
  // Stale (u <= last) is dropped silently.
  p.parse(depth(12345690, 12345699, R"([["1","1"]])", "[]"), 10, r);
  EXPECT_EQ(r.levels.size(), 5u);
  EXPECT_EQ(p.stats().dropped, 1u);
  EXPECT_EQ(p.stats().gaps, 0u);
  EXPECT_EQ(p.stats().snapshots, 1u);
  EXPECT_EQ(p.stats().changes, 2u);
}

TEST(GeminiWsParser, GapDropsTheBookUntilResync) {
  GeminiWsParser p;
  BookBuilder b;
  EventRecorder r;
  b.set_next(&r);
  p.parse(depth(100, 100, R"([["10","1"]])", R"([["11","1"]])"), 1, b);
  b.end_of_frame(1);
  EXPECT_TRUE(b.find("BTCUSD")->whole());
  p.parse(depth(105, 110, R"([["10","2"]])", "[]"), 2, b);  // 101..104 missing
  ASSERT_EQ(r.gaps.size(), 1u);
  EXPECT_NE(r.gaps[0].why.find("U=105 after u=100"), std::string::npos);
  EXPECT_FALSE(b.find("BTCUSD")->whole());
  EXPECT_TRUE(b.find("BTCUSD")->empty());
  // Diffs that would connect are still dropped: the book is gone until a new snapshot.
  p.parse(depth(111, 112, R"([["10","3"]])", "[]"), 3, b);
  EXPECT_TRUE(b.find("BTCUSD")->empty());
  EXPECT_EQ(p.stats().gaps, 1u);
  EXPECT_EQ(p.stats().dropped, 2u);
  // The client resubscribed: the next frame is a snapshot.
  p.resync("btcusd");
  p.parse(depth(200, 200, R"([["10","5"]])", R"([["12","1"]])"), 4, b);
  EXPECT_TRUE(b.find("BTCUSD")->whole());
  EXPECT_EQ(*b.find("BTCUSD")->quantity_at(Side::Bid, "10"_d), "5"_d);
}

TEST(GeminiWsParser, SymbolsAreSequencedSeparately) {
  GeminiWsParser p;
  EventRecorder r;
  p.parse(depth(10, 10, R"([["1","1"]])", "[]", "btcusd"), 1, r);
  p.parse(depth(11, 11, R"([["1","1"]])", "[]", "ethusd"), 1, r);
  p.parse(depth(12, 12, R"([["1","2"]])", "[]", "ethusd"), 1, r);
  // The id space is shared: btcusd's next frame starts after ethusd's ids; U <= last+1
  // fails (13 > 11): a gap for btcusd only.
  p.parse(depth(13, 13, R"([["1","2"]])", "[]", "btcusd"), 1, r);
  ASSERT_EQ(r.gaps.size(), 1u);
  EXPECT_EQ(r.gaps[0].symbol, "BTCUSD");
  // Bad ids are a gap too.
  p.parse(depth(20, 19, "[]", "[]", "ethusd"), 1, r);
  EXPECT_EQ(r.gaps.size(), 2u);
  EXPECT_EQ(r.gaps[1].symbol, "ETHUSD");
}

TEST(GeminiWsParser, PartialDepthIsAFullSnapshot) {
  GeminiWsParser with_default("btcusd");
  EventRecorder r;
  const char* frame = R"({"lastUpdateId": 12345678,
    "bids": [["45000.50","1.25000000"],["45000.25","0.50000000"]],
    "asks": [["45001.00","0.75000000"],["45001.25","2.00000000"]]})";
  with_default.parse(frame, 55, r);
  with_default.parse(frame, 56, r);
  EXPECT_EQ(r.log,
            (std::vector<std::string>{"begin BTCUSD", "end BTCUSD", "begin BTCUSD", "end BTCUSD"}));
  EXPECT_EQ(r.levels.size(), 8u);
  EXPECT_EQ(r.levels[0].ts, 55);
  EXPECT_EQ(r.levels[0].seq, 12345678);
  EXPECT_EQ(with_default.stats().snapshots, 2u);

  // With a symbol on the wire and no default: accepted; without either: rejected.
  GeminiWsParser p;
  EventRecorder r2;
  p.parse(R"({"lastUpdateId":1,"symbol":"trumpgusdperp","bids":[],"asks":[["1","1"]]})", 1, r2);
  ASSERT_EQ(r2.levels.size(), 1u);
  EXPECT_EQ(r2.levels[0].symbol, "TRUMPGUSDPERP");
  p.parse(frame, 2, r2);
  EXPECT_EQ(p.stats().parse_errors, 1u);
  EXPECT_EQ(r2.levels.size(), 1u);
}

TEST(GeminiWsParser, BookTickerTradeAndReplies) {
  GeminiWsParser p;
  EventRecorder r;
  p.parse(R"({"u": 1751505576085, "E": 1751508438600117161, "s": "btcusd",
    "b": "45000.50", "B": "1.25000000", "a": "45001.00", "A": "0.75000000"})",
          1, r);
  ASSERT_EQ(r.tickers.size(), 1u);
  EXPECT_EQ(r.tickers[0].symbol, "BTCUSD");
  EXPECT_EQ(r.tickers[0].bid, "45000.50"_d);
  EXPECT_EQ(r.tickers[0].ask_qty, "0.75"_d);
  EXPECT_EQ(r.tickers[0].ts, 1751508438600117161);
  // An empty side reads as zero.
  p.parse(R"({"u":2,"E":1751508438600117162,"s":"btcusd","b":"","B":"","a":"1","A":"1",
    "c":"1.0612500","C":"4.71027100"})",
          2, r);
  ASSERT_EQ(r.tickers.size(), 2u);
  EXPECT_TRUE(r.tickers[1].bid.is_zero());

  p.parse(R"({"E": 1759873803503023900, "s": "btcusd", "t": 2840140956529623,
    "p": "62145.38000", "q": "0.0162522200", "m": true})",
          3, r);
  p.parse(R"({"e":"trade","E":1759873803503023901,"s":"ethusd","t":5,"p":"1","q":"2","m":false})",
          4, r);
  ASSERT_EQ(r.trades.size(), 2u);
  EXPECT_EQ(r.trades[0].taker, OrderSide::Sell);  // buyer was maker
  EXPECT_EQ(r.trades[0].id, 2840140956529623);
  EXPECT_EQ(r.trades[0].ts, 1759873803503023900);
  EXPECT_EQ(r.trades[1].taker, OrderSide::Buy);
  EXPECT_EQ(r.trades[1].symbol, "ETHUSD");

  p.parse(R"({"id": "1", "status": 200})", 5, r);
  p.parse(R"({"id":3,"status":200,"result":["btcusd@depth@100ms","btcusd@bookTicker"]})", 5, r);
  p.parse(
      R"({"id": "1", "status": 401, "error": {"code": -1002, "msg": "Authentication required"}})",
      6, r);
  p.parse(
      R"({"id":4,"status":400,"error":{"code":-1013,"msg":"Invalid stream name: nosuchperp@depth@100ms"}})",
      6, r);
  p.parse(R"({"e":"orderUpdate","E":1759291847686856569,"s":"btcusd","i":1,"X":"NEW","T":1})", 7,
          r);
  const FeedStats& s = p.stats();
  EXPECT_EQ(s.tickers, 2u);
  EXPECT_EQ(s.trades, 2u);
  EXPECT_EQ(s.acks, 2u);
  EXPECT_EQ(s.rpc_errors, 2u);
  EXPECT_EQ(s.unknown_types, 1u);
  EXPECT_EQ(s.parse_errors, 0u);
  EXPECT_EQ(s.frames, 9u);
}

}  // namespace
}  // namespace rtcrypto
