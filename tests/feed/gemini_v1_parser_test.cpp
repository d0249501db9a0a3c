#include <gtest/gtest.h>

#include "event_recorder.hpp"
#include "rtcrypto/book/book_builder.hpp"
#include "rtcrypto/feed/gemini_parsers.hpp"

namespace rtcrypto {
namespace {

using namespace rtcrypto::literals;
using test::EventRecorder;

// The documented v1 shapes (reference §1.4).
constexpr const char* kInitial = R"({"type":"update","eventId":5375461993,"socket_sequence":0,
 "events":[
  {"type":"change","reason":"initial","price":"3641.61","delta":"0.83372051","remaining":"0.83372051","side":"bid"},
  {"type":"change","reason":"initial","price":"3641.62","delta":"4.072","remaining":"4.072","side":"ask"}]})";
constexpr const char* kPlace = R"({"type":"update","eventId":5375504382,"timestamp":1547759967,
 "timestampms":1547759967559,"socket_sequence":1,
 "events":[{"type":"change","side":"bid","price":"3626.73","remaining":"1.6","delta":"0.8","reason":"place"}]})";
constexpr const char* kTrade = R"({"type":"update","eventId":5375547515,"timestamp":1547760288,
 "timestampms":1547760288001,"socket_sequence":2,
 "events":[{"type":"trade","tid":5375547515,"price":"3632.54","amount":"0.1362819142","makerSide":"ask"},
           {"type":"change","side":"ask","price":"3641.62","remaining":"3.9357180858","delta":"-0.1362819142","reason":"trade"}]})";

TEST(GeminiV1Parser, InitialSnapshotChangesAndTrades) {
  GeminiV1Parser p("btcusd");
  EXPECT_EQ(p.symbol(), "BTCUSD");
  EventRecorder r;
  p.parse(kInitial, 1000, r);
  ASSERT_EQ(r.log, (std::vector<std::string>{"begin BTCUSD", "end BTCUSD"}));
  ASSERT_EQ(r.levels.size(), 2u);
  EXPECT_TRUE(r.levels[0].snapshot);
  EXPECT_EQ(r.levels[0].reason, ChangeReason::Initial);
  EXPECT_EQ(r.levels[0].ts, 1000);  // no timestampms on the initial message
  EXPECT_EQ(r.levels[0].seq, 0);
  EXPECT_EQ(r.levels[1].side, Side::Ask);
  EXPECT_EQ(r.levels[1].remaining, "4.072"_d);

  p.parse(kPlace, 2000, r);
  ASSERT_EQ(r.levels.size(), 3u);
  EXPECT_FALSE(r.levels[2].snapshot);
  EXPECT_EQ(r.levels[2].reason, ChangeReason::Place);
  EXPECT_EQ(r.levels[2].ts, 1547759967559 * kNsPerMs);
  EXPECT_TRUE(r.levels[2].has_delta);
  EXPECT_EQ(r.levels[2].delta, "0.8"_d);
  EXPECT_EQ(r.levels[2].seq, 1);

  p.parse(kTrade, 3000, r);
  ASSERT_EQ(r.trades.size(), 1u);
  EXPECT_EQ(r.trades[0].taker, OrderSide::Buy);  // maker was the ask
  EXPECT_EQ(r.trades[0].id, 5375547515);
  EXPECT_EQ(r.trades[0].quantity, "0.1362819142"_d);
  ASSERT_EQ(r.levels.size(), 4u);
  EXPECT_EQ(r.levels[3].reason, ChangeReason::Trade);
  EXPECT_EQ(r.levels[3].delta, "-0.1362819142"_d);

  p.parse(R"({"type":"heartbeat","socket_sequence":3})", 4000, r);
  EXPECT_EQ(r.times.back(), 4000);
  const FeedStats& s = p.stats();
  EXPECT_EQ(s.snapshots, 1u);
  EXPECT_EQ(s.snapshot_levels, 2u);
  EXPECT_EQ(s.changes, 2u);
  EXPECT_EQ(s.trades, 1u);
  EXPECT_EQ(s.heartbeats, 1u);
  EXPECT_EQ(s.gaps, 0u);
  EXPECT_EQ(s.parse_errors, 0u);
}

TEST(GeminiV1Parser, SocketSequenceGapDropsTheBookUntilANewConnection) {
  GeminiV1Parser p("BTCUSD");
  BookBuilder b;
  EventRecorder r;
  b.set_next(&r);
  p.parse(kInitial, 1, b);
  p.parse(kPlace, 2, b);  // 1
  EXPECT_TRUE(b.find("BTCUSD")->whole());
  // socket_sequence 2 is lost: 3 arrives.
  p.parse(R"({"type":"heartbeat","socket_sequence":3})", 3, b);
  ASSERT_EQ(r.gaps.size(), 1u);
  EXPECT_EQ(r.gaps[0].symbol, "BTCUSD");
  EXPECT_NE(r.gaps[0].why.find("expected 2, got 3"), std::string::npos);
  EXPECT_FALSE(b.find("BTCUSD")->whole());
  EXPECT_EQ(p.stats().gaps, 1u);
  // Later changes on the same connection are dropped: the book waits for a snapshot.
  const std::size_t levels = r.levels.size();
  p.parse(R"({"type":"update","eventId":9,"socket_sequence":4,"timestampms":1547759967600,
    "events":[{"type":"change","side":"bid","price":"3626.70","remaining":"1","delta":"1","reason":"place"}]})",
          4, b);
  EXPECT_EQ(r.levels.size(), levels);
  EXPECT_EQ(p.stats().dropped, 1u);
  EXPECT_TRUE(b.find("BTCUSD")->empty());
  // A new connection (sequence 0 again) brings a new initial snapshot.
  p.parse(kInitial, 5, b);
  EXPECT_TRUE(b.find("BTCUSD")->whole());
  EXPECT_EQ(b.find("BTCUSD")->depth(Side::Bid), 1u);
  EXPECT_EQ(p.stats().gaps, 1u);
}

TEST(GeminiV1Parser, StreamNotStartingAtZeroIsAGap) {
  GeminiV1Parser p("ETHUSD");
  EventRecorder r;
  p.parse(kPlace, 1, r);
  EXPECT_EQ(p.stats().gaps, 1u);
  EXPECT_TRUE(r.levels.empty());
  p.reset();
  p.parse(kInitial, 2, r);
  EXPECT_EQ(r.levels.size(), 2u);
  EXPECT_EQ(r.levels[0].symbol, "ETHUSD");
}

TEST(GeminiV1Parser, AuctionAndBlockTradeEvents) {
  GeminiV1Parser p("BTCUSD");
  EventRecorder r;
  p.parse(kInitial, 1, r);
  p.parse(R"({"type":"update","eventId":2,"socket_sequence":1,"timestampms":1547759967559,"events":[
    {"type":"auction_indicative","eid":2,"result":"success","time_ms":1547759967559,
     "highest_bid_price":"1","lowest_ask_price":"2","collar_price":"1.5","indicative_price":"1.5",
     "indicative_quantity":"3"},
    {"type":"block_trade","tid":7,"price":"3632.54","amount":"10"},
    {"type":"trade","tid":8,"price":"3632.54","amount":"1","makerSide":"auction"},
    {"type":"mystery"}]})",
          2, r);
  ASSERT_EQ(r.trades.size(), 2u);
  EXPECT_FALSE(r.trades[0].has_taker);
  EXPECT_EQ(r.trades[0].id, 7);
  EXPECT_FALSE(r.trades[1].has_taker);
  EXPECT_EQ(p.stats().unknown_types, 1u);
  EXPECT_EQ(p.stats().parse_errors, 0u);
}

TEST(GeminiV1Parser, MultiMarketSymbolsAreHonoured) {
  GeminiV1Parser p("BTCUSD");
  EventRecorder r;
  p.parse(R"({"type":"update","eventId":1,"socket_sequence":0,"events":[
    {"type":"change","reason":"initial","price":"1","delta":"1","remaining":"1","side":"bid","symbol":"BTCUSD"},
    {"type":"change","reason":"initial","price":"2","delta":"1","remaining":"1","side":"bid","symbol":"ETHUSD"}]})",
          1, r);
  EXPECT_EQ(r.log,
            (std::vector<std::string>{"begin BTCUSD", "begin ETHUSD", "end BTCUSD", "end ETHUSD"}));
  EXPECT_EQ(r.levels[1].symbol, "ETHUSD");
}

}  // namespace
}  // namespace rtcrypto
