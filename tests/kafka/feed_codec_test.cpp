#include "rtcrypto/kafka/feed_codec.hpp"

#include <gtest/gtest.h>

#include "rtcrypto/core/decimal.hpp"

namespace rtcrypto::kafka {
namespace {

Decimal dec(const char* s) {
  return *Decimal::parse(s);
}

TEST(FeedCodec, LevelIsTheDesignRecord) {
  LevelChange c;
  c.symbol = "BTCUSD";
  c.side = Side::Bid;
  c.price = dec("11412.68");
  c.remaining = dec("0.54571124");
  c.delta = dec("-0.1");
  c.has_delta = true;
  c.reason = ChangeReason::Cancel;
  c.ts = 1602770086123000000;
  c.seq = 12345;
  std::string out;
  encode_level(out, c);
  EXPECT_EQ(
      out,
      R"({"symbol":"BTCUSD","side":"bid","price":"11412.68","remaining":"0.54571124",)"
      R"("delta":"-0.1","reason":"cancel","ts":1602770086123000000,"seq":12345,"snapshot":false})");
}

TEST(FeedCodec, LevelRoundTripKeepsExactDecimalsAndNulls) {
  LevelChange c;
  c.symbol = "ETHUSD";
  c.side = Side::Ask;
  c.price = dec("0.000000001");
  c.remaining = dec("123456789012.123456789");
  c.reason = ChangeReason::Snapshot;
  c.ts = 5;
  c.snapshot = true;
  std::string out;
  encode_level(out, c);
  EXPECT_NE(out.find(R"("delta":null)"), std::string::npos);
  EXPECT_NE(out.find(R"("seq":null)"), std::string::npos);
  FeedDecoder d;
  FeedRecord r;
  ASSERT_TRUE(d.decode(out, r)) << d.error();
  ASSERT_EQ(r.type, FeedRecordType::Level);
  EXPECT_EQ(r.level.symbol, "ETHUSD");
  EXPECT_EQ(r.level.side, Side::Ask);
  EXPECT_EQ(r.level.price, c.price);
  EXPECT_EQ(r.level.remaining, c.remaining);
  EXPECT_FALSE(r.level.has_delta);
  EXPECT_EQ(r.level.seq, -1);
  EXPECT_EQ(r.level.reason, ChangeReason::Snapshot);
  EXPECT_TRUE(r.level.snapshot);
  EXPECT_EQ(r.level.ts, 5);
}

TEST(FeedCodec, MarkersTradesTickersGapsRoundTrip) {
  FeedDecoder d;
  FeedRecord r;
  std::string out;
  encode_marker(out, FeedRecordType::SnapshotBegin, "BTCUSD", 7);
  ASSERT_TRUE(d.decode(out, r));
  EXPECT_EQ(r.type, FeedRecordType::SnapshotBegin);
  EXPECT_EQ(r.symbol, "BTCUSD");
  EXPECT_EQ(r.ts, 7);

  out.clear();
  encode_frame(out, "BTCUSD", 9, 8);
  ASSERT_TRUE(d.decode(out, r));
  EXPECT_EQ(r.type, FeedRecordType::Frame);
  EXPECT_EQ(r.ts, 9);
  EXPECT_EQ(r.clock, 8);
  out.clear();
  encode_frame(out, "BTCUSD", 9, -1);
  ASSERT_TRUE(d.decode(out, r));
  EXPECT_EQ(r.clock, -1);

  TradeEvent t;
  t.symbol = "BTCUSD";
  t.price = dec("60646.4");
  t.quantity = dec("0.0001");
  t.taker_side = OrderSide::Sell;
  t.has_taker_side = true;
  t.ts = 11;
  t.trade_id = 99;
  out.clear();
  encode_trade(out, t);
  ASSERT_TRUE(d.decode(out, r)) << d.error();
  EXPECT_EQ(r.type, FeedRecordType::Trade);
  EXPECT_EQ(r.trade.price, t.price);
  EXPECT_EQ(r.trade.quantity, t.quantity);
  EXPECT_TRUE(r.trade.has_taker_side);
  EXPECT_EQ(r.trade.taker_side, OrderSide::Sell);
  EXPECT_EQ(r.trade.trade_id, 99);

  TickerEvent k;
  k.symbol = "BTCUSD";
  k.bid = dec("1.5");
  k.bid_qty = dec("2");
  k.ask = dec("1.6");
  k.ask_qty = dec("3");
  k.ts = 12;
  out.clear();
  encode_ticker(out, k);
  ASSERT_TRUE(d.decode(out, r)) << d.error();
  EXPECT_EQ(r.type, FeedRecordType::Ticker);
  EXPECT_EQ(r.ticker.ask, k.ask);
  EXPECT_EQ(r.ticker.ask_qty, k.ask_qty);

  out.clear();
  encode_gap(out, "BTCUSD", 13, "new \"session\"");
  ASSERT_TRUE(d.decode(out, r)) << d.error();
  EXPECT_EQ(r.type, FeedRecordType::Gap);
  EXPECT_EQ(r.why, "new \"session\"");
}

TEST(FeedCodec, BadRecordsAreRejectedWithAReason) {
  FeedDecoder d;
  FeedRecord r;
  const char* bad[] = {
      "",
      "not json",
      "[1,2]",
      R"({"side":"bid","price":"1","remaining":"1","reason":"x","ts":1,"snapshot":false})",
      R"({"symbol":"A","side":"up","price":"1","remaining":"1","reason":"x","ts":1,"snapshot":false})",
      R"({"symbol":"A","side":"bid","price":"abc","remaining":"1","reason":"x","ts":1,"snapshot":false})",
      R"({"symbol":"A","side":"bid","price":"-1","remaining":"1","reason":"x","ts":1,"snapshot":false})",
      R"({"symbol":"A","side":"bid","price":"1","remaining":"1","reason":"x","ts":"1","snapshot":false})",
      R"({"symbol":"A","side":"bid","price":"1","remaining":"1","reason":"x","ts":1})",
      R"({"type":"bogus","symbol":"A","ts":1})",
      R"({"type":"gap","symbol":"A","ts":1})",
  };
  for (const char* b : bad) {
    EXPECT_FALSE(d.decode(b, r)) << b;
    EXPECT_FALSE(d.error().empty()) << b;
  }
  // Unknown reasons are kept as Unknown, not rejected (new feed versions).
  EXPECT_TRUE(d.decode(
      R"({"symbol":"A","side":"bid","price":"1","remaining":"0","delta":null,"reason":"new","ts":1,"seq":null,"snapshot":false})",
      r));
  EXPECT_EQ(r.level.reason, ChangeReason::Unknown);
}

}  // namespace
}  // namespace rtcrypto::kafka
