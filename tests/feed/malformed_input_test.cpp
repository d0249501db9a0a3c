// Bad input never crashes, never half-applies a frame, and is counted.
#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "event_recorder.hpp"
#include "rtcrypto/book/book_builder.hpp"
#include "rtcrypto/feed/gemini_parsers.hpp"
#include "test_support.hpp"

namespace rtcrypto {
namespace {

using namespace rtcrypto::literals;
using test::EventRecorder;

constexpr const char* kV2Snapshot =
    R"({"type":"l2_updates","symbol":"BTCUSD","changes":[["buy","100","1"],["sell","101","1"]],"trades":[],"auction_events":[]})";

class MalformedV2 : public ::testing::Test {
 protected:
  void SetUp() override {
    log::set_level(log::Level::Error);  // the warnings are the point; keep the output short
    p.parse(kV2Snapshot, 1, b);
    ASSERT_TRUE(b.find("BTCUSD")->whole());
  }
  void TearDown() override { log::set_level(log::Level::Info); }
  // The book still holds exactly the snapshot.
  void expect_book_untouched() {
    const OrderBook* book = b.find("BTCUSD");
    ASSERT_NE(book, nullptr);
    EXPECT_EQ(book->depth(Side::Bid), 1u);
    EXPECT_EQ(book->depth(Side::Ask), 1u);
    EXPECT_EQ(*book->quantity_at(Side::Bid, "100"_d), "1"_d);
  }
  GeminiV2Parser p;
  BookBuilder b;
};

TEST_F(MalformedV2, FramesThatAreNotJsonOrNotObjects) {
  const std::vector<std::string> bad = {
      "",
      "{",
      R"({"type":"l2_updates","symbol":"BTCUSD","changes":[["buy","100","2"])",     // truncated
      R"({"type":"l2_updates","symbol":"BTCUSD","changes":[["buy","100","2"]]}})",  // trailing
      "[1,2,3]",
      "\"just a string\"",
      "null",
      R"({"symbol":"BTCUSD"})",  // no type
      R"({"type":42})",
      std::string("{\"type\":\"heartbeat\"\0}", 20),
  };
  for (const std::string& f : bad) p.parse(f, 2, b);
  EXPECT_EQ(p.stats().parse_errors, bad.size());
  EXPECT_EQ(p.stats().frames, bad.size() + 1);
  expect_book_untouched();
}

TEST_F(MalformedV2, BadChangesRejectTheWholeFrameAndReportAGap) {
  EventRecorder r;
  b.set_next(&r);
  // The first change is good, the second bad: nothing of the frame may be applied.
  const std::vector<std::string> bad_changes = {
      R"([["buy","100","5"],["buy","-1","1"]])",     // negative price
      R"([["buy","100","5"],["buy","99","-0.5"]])",  // negative quantity
      R"([["buy","100","5"],["buy","0","1"]])",      // zero price
      R"([["buy","100","5"],["buy","abc","1"]])",    // non-numeric
      R"([["buy","100","5"],["buy","1e400","1"]])",  // huge
      R"([["buy","100","5"],["buy","99","1e30"]])",  // beyond the decimal's range
      R"([["buy","100","5"],["buy","NaN","1"]])",
      R"([["buy","100","5"],["buy","inf","1"]])",
      R"([["buy","100","5"],["buy",99,"1"]])",  // number, not string
      R"([["buy","100","5"],["buy","99",true]])",
      R"([["buy","100","5"],["hold","99","1"]])",     // unknown side
      R"([["buy","100","5"],["buy","99"]])",          // missing field
      R"([["buy","100","5"],["buy","99","1","x"]])",  // extra field
      R"([["buy","100","5"],{"side":"buy"}])",        // object, not array
      R"({"buy":"100"})",                             // changes not an array
  };
  for (const std::string& c : bad_changes) {
    p.resync("BTCUSD");
    p.parse(kV2Snapshot, 2, b);  // a fresh whole book before each bad frame
    const std::size_t gaps = r.gaps.size();
    p.parse(R"({"type":"l2_updates","symbol":"BTCUSD","changes":)" + c + "}", 3, b);
    EXPECT_EQ(r.gaps.size(), gaps + 1) << c;
    EXPECT_FALSE(b.find("BTCUSD")->whole()) << c;
    EXPECT_FALSE(b.find("BTCUSD")->quantity_at(Side::Bid, "100"_d) == "5"_d) << c;
  }
  EXPECT_EQ(p.stats().parse_errors, bad_changes.size());
  // While the book waits for a snapshot, deltas are dropped, not applied to a partial book.
  p.parse(R"({"type":"l2_updates","symbol":"BTCUSD","changes":[["buy","98","1"]]})", 4, b);
  EXPECT_TRUE(b.find("BTCUSD")->empty());
  EXPECT_EQ(p.stats().dropped, 1u);
  EXPECT_EQ(b.stats().changes_while_not_whole, 0u);
}

TEST_F(MalformedV2, BadTradesAndUnknownTypes) {
  EventRecorder r;
  b.set_next(&r);
  p.parse(
      R"({"type":"trade","symbol":"BTCUSD","timestamp":1,"price":"-5","quantity":"1","side":"buy"})",
      2, b);
  p.parse(
      R"({"type":"trade","symbol":"BTCUSD","timestamp":"soon","price":"5","quantity":"1","side":"buy"})",
      2, b);
  p.parse(
      R"({"type":"trade","symbol":"BTCUSD","timestamp":1617645257289,"price":"5","quantity":"1","side":"up"})",
      2, b);
  p.parse(R"({"type":"trade","price":"5","quantity":"1"})", 2, b);
  p.parse(
      R"({"type":"candles_1m_updates","symbol":"BTCUSD","changes":[[1561054500000,1,2,0.5,1.5,2.07]]})",
      2, b);
  p.parse(R"({"type":"something_new","symbol":"BTCUSD"})", 2, b);
  p.parse(R"({"result":"error","reason":"NoValidTradingPairs"})", 2, b);
  EXPECT_EQ(p.stats().parse_errors, 4u);
  EXPECT_EQ(p.stats().unknown_types, 2u);
  EXPECT_EQ(p.stats().rpc_errors, 1u);
  EXPECT_TRUE(r.trades.empty());
  expect_book_untouched();
}

TEST_F(MalformedV2, TenMegabyteFrameIsCountedAsOversized) {
  std::string big = R"({"type":"l2_updates","symbol":"BTCUSD","changes":[)";
  while (big.size() < 10'000'000) big += R"(["buy","1.5","2"],)";
  big += R"(["buy","1.5","2"]]})";
  p.parse(big, 2, b);
  EXPECT_EQ(p.stats().oversized, 1u);
  EXPECT_EQ(p.stats().parse_errors, 0u);
  expect_book_untouched();
  // A bigger limit accepts it.
  GeminiV2Parser roomy(ParserOptions{16u << 20});
  test::CountingSink sink;
  roomy.parse(big, 1, sink);
  EXPECT_EQ(roomy.stats().oversized, 0u);
  EXPECT_EQ(roomy.stats().snapshots, 1u);
  EXPECT_GT(sink.levels, 500'000u);
}

TEST(MalformedV1, BadFramesAreCountedAndLeaveTheSequenceToDetectTheLoss) {
  log::set_level(log::Level::Error);
  GeminiV1Parser p("BTCUSD");
  BookBuilder b;
  EventRecorder r;
  b.set_next(&r);
  p.parse(R"({"type":"update","eventId":1,"socket_sequence":0,"events":[
    {"type":"change","reason":"initial","price":"100","delta":"1","remaining":"1","side":"bid"},
    {"type":"change","reason":"initial","price":"101","delta":"1","remaining":"1","side":"ask"}]})",
          1, b);
  const std::vector<std::string> bad = {
      R"({"type":"update","socket_sequence":1,"events":[{"type":"change","side":"bid","price":"100","remaining":"-1","reason":"cancel"}]})",
      R"({"type":"update","socket_sequence":1,"events":[{"type":"change","side":"top","price":"100","remaining":"1"}]})",
      R"({"type":"update","socket_sequence":1,"events":[{"type":"change","side":"bid","price":"x","remaining":"1"}]})",
      R"({"type":"update","socket_sequence":1,"events":[{"type":"change","side":"bid","price":"100","remaining":"1","delta":"?"}]})",
      R"({"type":"update","socket_sequence":1,"events":[{"type":"trade","price":"100","amount":"-3"}]})",
      R"({"type":"update","socket_sequence":1,"events":{}})",
      R"({"type":"update","socket_sequence":"1","events":[]})",
      R"({"type":"update","socket_sequence":1,"timestampms":"x","events":[]})",
      R"({"type":"update","socket_sequence":1,"events":[{"type":"change","side":"bid","price":"100","remaining":"1"})",
      R"({"type":"update","socket_sequence":1,"events":[42]})",
  };
  for (const std::string& f : bad) p.parse(f, 2, b);
  EXPECT_EQ(p.stats().parse_errors, bad.size());
  EXPECT_EQ(*b.find("BTCUSD")->quantity_at(Side::Bid, "100"_d), "1"_d);
  EXPECT_TRUE(r.gaps.empty());
  // The rejected frame held socket_sequence 1: the next good frame (2) reveals the loss.
  p.parse(R"({"type":"heartbeat","socket_sequence":2})", 3, b);
  EXPECT_EQ(r.gaps.size(), 1u);
  EXPECT_FALSE(b.find("BTCUSD")->whole());
  p.parse(R"({"type":"subscription_ack"})", 4, b);
  EXPECT_EQ(p.stats().unknown_types, 1u);
  log::set_level(log::Level::Info);
}

TEST(MalformedWs, BadFramesAreCountedAndTheBookStaysIntact) {
  log::set_level(log::Level::Error);
  GeminiWsParser p;
  BookBuilder b;
  p.parse(
      R"({"e":"depthUpdate","E":1751508260659505382,"s":"btcusd","U":1,"u":1,"b":[["100","1"]],"a":[["101","1"]]})",
      1, b);
  const std::vector<std::string> bad = {
      R"({"e":"depthUpdate","E":1,"s":"btcusd","U":2,"u":2,"b":[["100","5"],["99","-1"]],"a":[]})",
      R"({"e":"depthUpdate","E":1,"s":"btcusd","U":2,"u":2,"b":[["100","5"]],"a":[["-101","1"]]})",
      R"({"e":"depthUpdate","E":1,"s":"btcusd","U":"2","u":2,"b":[],"a":[]})",
      R"({"e":"depthUpdate","E":1,"s":"btcusd","b":[],"a":[]})",
      R"({"e":"depthUpdate","E":-5,"s":"btcusd","U":2,"u":2,"b":[],"a":[]})",
      R"({"e":"depthUpdate","E":1,"U":2,"u":2,"b":[],"a":[]})",
      R"({"e":"depthUpdate","E":1,"s":"btcusd","U":2,"u":2,"b":[["100",5]],"a":[]})",
      R"({"e":"depthUpdate","E":1,"s":"btcusd","U":2,"u":2,"b":"none","a":[]})",
      R"({"e":"depthUpdate","E":1,"s":"btcusd","U":2,"u":2,"b":[["100","5"]],"a":[]})"
      "garbage",
      R"({"E":1,"s":"btcusd","t":1,"p":"abc","q":"1","m":true})",
      R"({"E":1,"s":"btcusd","t":1,"p":"1","q":"1","m":"yes"})",
      R"({"u":1,"E":1,"s":"btcusd","b":"-1","B":"1","a":"2","A":"1"})",
      R"({"lastUpdateId":1,"symbol":"btcusd","bids":[["1e99999","1"]],"asks":[]})",
      R"({"id":1,"status":"ok"})",
  };
  for (const std::string& f : bad) p.parse(f, 2, b);
  EXPECT_EQ(p.stats().parse_errors, bad.size());
  EXPECT_EQ(p.stats().gaps, 0u);
  const OrderBook* book = b.find("BTCUSD");
  EXPECT_TRUE(book->whole());
  EXPECT_EQ(*book->quantity_at(Side::Bid, "100"_d), "1"_d);
  EXPECT_EQ(book->depth(Side::Bid), 1u);
  // A rejected frame's ids were not applied: the next frame that connects to u=1 applies.
  p.parse(R"({"e":"depthUpdate","E":1,"s":"btcusd","U":2,"u":3,"b":[["100","7"]],"a":[]})", 3, b);
  EXPECT_EQ(*book->quantity_at(Side::Bid, "100"_d), "7"_d);
  std::string big(10'000'000, ' ');
  big.front() = '{';
  big.back() = '}';
  p.parse(big, 4, b);
  EXPECT_EQ(p.stats().oversized, 1u);
  log::set_level(log::Level::Info);
}

}  // namespace
}  // namespace rtcrypto

namespace rtcrypto {
namespace {

// Every real BTCUSD frame cut in half is rejected; random byte flips never crash, never
// leave a whole book crossed, and every frame is accounted for.
TEST(MalformedShared, CutAndMutatedRealFrames) {
  RTC_SHARED_FILE_OR_SKIP(path, "gemini/v2-BTCUSD-frames.ndjson");
  log::set_level(log::Level::Off);
  const std::vector<std::string> frames = test::read_lines(path);
  ASSERT_EQ(frames.size(), 326u);

  GeminiV2Parser cut;
  test::CountingSink sink;
  for (const std::string& f : frames)
    cut.parse(std::string_view(f).substr(0, f.size() / 2), 1, sink);
  EXPECT_EQ(cut.stats().parse_errors, frames.size());
  EXPECT_EQ(sink.levels + sink.trades + sink.snapshots, 0u);

  std::mt19937 rng(12345);
  GeminiV2Parser p;
  BookBuilder b;
  const char noise[] = "\"{}[],:-.0123456789eE \\x";
  std::uint64_t crossed = 0;
  for (int round = 0; round < 3; ++round) {
    for (const std::string& f : frames) {
      std::string m = f;
      const int flips = 1 + static_cast<int>(rng() % 3);
      for (int i = 0; i < flips; ++i) m[rng() % m.size()] = noise[rng() % (sizeof noise - 1)];
      p.parse(m, 1, b);
      b.end_of_frame(1);
      const OrderBook* book = b.find("BTCUSD");
      if (book && book->whole() && book->crossed()) ++crossed;
    }
  }
  const FeedStats& s = p.stats();
  EXPECT_EQ(s.frames, 3 * frames.size());
  EXPECT_GT(s.parse_errors, frames.size());  // most mutations break the frame
  EXPECT_EQ(crossed, 0u);
  log::set_level(log::Level::Info);
}

// Exchange times in s, ms, µs or ns; one too large for its unit (a corrupt field) is refused,
// never wrapped into a wrong time.
TEST(EpochToNs, ReadsEachUnitAndRefusesOverflow) {
  EXPECT_EQ(epoch_to_ns(1'700'000'000), 1'700'000'000'000'000'000LL);
  EXPECT_EQ(epoch_to_ns(1'700'000'000'123), 1'700'000'000'123'000'000LL);
  EXPECT_EQ(epoch_to_ns(1'700'000'000'123'456), 1'700'000'000'123'456'000LL);
  EXPECT_EQ(epoch_to_ns(1'700'000'000'123'456'789), 1'700'000'000'123'456'789LL);
  EXPECT_EQ(epoch_to_ns(0), std::nullopt);
  EXPECT_EQ(epoch_to_ns(-5), std::nullopt);
  EXPECT_EQ(epoch_to_ns(16'186'706'491'276), std::nullopt);      // "ms" past 2262
  EXPECT_EQ(epoch_to_ns(99'999'999'999), std::nullopt);          // "s" past 2262
  EXPECT_EQ(epoch_to_ns(99'999'999'999'999'999), std::nullopt);  // "µs" past 2262
}

}  // namespace
}  // namespace rtcrypto
