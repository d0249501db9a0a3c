#include <gtest/gtest.h>

#include "recording_sink.hpp"
#include "rtcrypto/kafka/feed_codec.hpp"
#include "rtcrypto/kafka/feed_consumer.hpp"

namespace rtcrypto::kafka {
namespace {

std::string level(const char* sym, const char* side, const char* price, bool snapshot, TimeNs ts) {
  LevelChange c;
  c.symbol = sym;
  c.side = std::string_view(side) == "bid" ? Side::Bid : Side::Ask;
  c.price = *Decimal::parse(price);
  c.remaining = *Decimal::parse("1");
  c.reason = snapshot ? ChangeReason::Snapshot : ChangeReason::Update;
  c.snapshot = snapshot;
  c.ts = ts;
  std::string out;
  encode_level(out, c);
  return out;
}

TEST(FeedReplayer, ImplicitSnapshotIsARunOfSnapshotLevels) {
  test::RecordingSink sink;
  FeedReplayer rp(sink, nullptr);
  std::string err;
  for (const auto& rec :
       {level("BTCUSD", "bid", "1", true, 10), level("BTCUSD", "ask", "2", true, 10),
        level("BTCUSD", "bid", "1.5", false, 11), level("ETHUSD", "bid", "3", true, 12),
        level("BTCUSD", "bid", "1.4", false, 13)})
    ASSERT_TRUE(rp.apply(rec, err)) << err;
  ASSERT_EQ(sink.calls.size(), 9u);
  EXPECT_EQ(sink.calls[0], "begin BTCUSD 10");
  EXPECT_EQ(sink.calls[3], "end BTCUSD 10");  // first non-snapshot record closes it
  EXPECT_EQ(sink.calls[5], "begin ETHUSD 12");
  EXPECT_EQ(sink.calls[7], "end ETHUSD 12");  // another symbol closes it
  EXPECT_EQ(rp.levels(), 5u);
}

TEST(FeedReplayer, ExplicitMarkersWinAndFramesDriveTheClock) {
  test::RecordingSink sink;
  std::vector<TimeNs> frames;
  FeedReplayer rp(sink, [&](TimeNs ts) { frames.push_back(ts); });
  std::string b, e, f, g;
  encode_marker(b, FeedRecordType::SnapshotBegin, "BTCUSD", 10);
  encode_marker(e, FeedRecordType::SnapshotEnd, "BTCUSD", 10);
  encode_frame(f, "BTCUSD", 20, 19);
  encode_gap(g, "BTCUSD", 21, "new session");
  std::string err;
  for (const auto& rec :
       {b, level("BTCUSD", "bid", "1", true, 10), level("BTCUSD", "ask", "2", true, 10), e, f, g})
    ASSERT_TRUE(rp.apply(rec, err)) << err;
  std::vector<std::string> want = {"begin BTCUSD 10",
                                   "level BTCUSD bid 1 1 - snapshot 10 -1 S",
                                   "level BTCUSD ask 2 1 - snapshot 10 -1 S",
                                   "end BTCUSD 10",
                                   "time 19",
                                   "gap BTCUSD 21 new session"};
  EXPECT_EQ(sink.calls, want);
  EXPECT_EQ(frames, std::vector<TimeNs>{20});
}

TEST(FeedReplayer, BadRecordIsSkippedWithAReason) {
  test::RecordingSink sink;
  FeedReplayer rp(sink, nullptr);
  std::string err;
  EXPECT_FALSE(rp.apply("{\"symbol\":1}", err));
  EXPECT_FALSE(err.empty());
  EXPECT_TRUE(sink.calls.empty());
}

}  // namespace
}  // namespace rtcrypto::kafka
