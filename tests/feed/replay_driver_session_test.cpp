// ReplayDriver compares every frame's session with the last one's (a word-wise compare, not
// a library call): any difference, wherever it sits, starts a new session.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "event_recorder.hpp"
#include "rtcrypto/feed/replay_driver.hpp"

namespace rtcrypto {
namespace {

constexpr const char* kSnap =
    R"({"type":"l2_updates","symbol":"BTCUSD","changes":[["buy","100","1"],["sell","101","1"]],"trades":[],"auction_events":[]})";

// A v2 frame of a session received at ts.
ReplayFrame frame_at(TimeNs ts, std::string session, std::string text) {
  ReplayFrame f;
  f.recv_ts = ts;
  f.session = std::move(session);
  f.frame = std::move(text);
  return f;
}

// The number of "new session" gaps the driver reports over frames with these sessions.
std::size_t new_sessions(const std::vector<std::string>& sessions) {
  test::EventRecorder rec;
  ReplayDriver driver(rec);
  TimeNs t = 1'617'645'247 * kNsPerSec;
  for (const std::string& s : sessions) {
    driver.process(frame_at(t += kNsPerSec, s, kSnap));
  }
  EXPECT_EQ(driver.stats().sessions, rec.gaps.size() + 1);
  return rec.gaps.size();
}

TEST(ReplayDriverSessions, AnyDifferenceStartsANewSession) {
  const std::string base = "5f0c2a1e-9b7d-4c1e-8f2a-0d3b6e9c1a47";  // 36 bytes
  ASSERT_EQ(new_sessions({base, base, base}), 0u);
  for (std::size_t at : {std::size_t{0}, std::size_t{7}, std::size_t{8}, std::size_t{17},
                         std::size_t{31}, std::size_t{32}, base.size() - 1}) {
    std::string other = base;
    other[at] ^= 1;
    EXPECT_EQ(new_sessions({base, base, other, other, base}), 2u) << at;
  }
  // Other lengths: shorter, longer, a prefix, under eight bytes, empty.
  EXPECT_EQ(new_sessions({base, base + "x", base}), 2u);
  EXPECT_EQ(new_sessions({base, base.substr(0, 35), base.substr(0, 35)}), 1u);
  EXPECT_EQ(new_sessions({"s1", "s1", "s2", "s2"}), 1u);
  EXPECT_EQ(new_sessions({"", "", "abcdefgh", "abcdefgh", "abcdefgi"}), 2u);
  for (std::size_t n : {8u, 9u, 15u, 16u, 17u}) {
    const std::string a(n, 'a');
    std::string b = a;
    b[n - 1] = 'b';
    EXPECT_EQ(new_sessions({a, a, b, b}), 1u) << n;
  }
}

// Frames of the session before take the driver's short path: the same counts, times and
// frame ends as the first frame's full one, and a frame of another feed still finds its parser.
TEST(ReplayDriverSessions, FramesOfOneSessionKeepEveryCount) {
  test::EventRecorder rec;
  std::vector<TimeNs> ends;
  ReplayOptions opts;
  opts.on_frame_end = [&](TimeNs t) { ends.push_back(t); };
  ReplayDriver driver(rec, opts);
  const TimeNs t0 = 1'617'645'247 * kNsPerSec;
  for (int i = 0; i < 5; ++i) {
    driver.process(frame_at(t0 + i * kNsPerSec, "s", kSnap));
  }
  ReplayFrame v1;  // another feed in the same session, without a symbol: counted as bad
  v1.recv_ts = t0 + 9 * kNsPerSec;
  v1.session = "s";
  v1.feed = FeedKind::V1;
  v1.frame = "{}";
  driver.process(v1);
  const ReplayStats st = driver.stats();
  EXPECT_EQ(st.frames, 6u);
  EXPECT_EQ(st.sessions, 1u);
  EXPECT_EQ(st.bad_frames, 1u);
  EXPECT_EQ(st.first_recv_ts, t0);
  EXPECT_EQ(st.last_recv_ts, t0 + 9 * kNsPerSec);
  EXPECT_EQ(st.feed.snapshots, 5u);
  ASSERT_EQ(ends.size(), 6u);
  EXPECT_EQ(ends[4], t0 + 4 * kNsPerSec);
  EXPECT_TRUE(rec.gaps.empty());
}

// The short path serves the feed of the frame before only: frames alternating v2 and ws in
// one session each reach their own parser (a ws frame read as v2 is an unknown type).
TEST(ReplayDriverSessions, AlternatingFeedsEachReachTheirParser) {
  const char* v2_delta = R"({"type":"l2_updates","symbol":"BTCUSD","changes":[["buy","100","2"]]})";
  const char* ws_snap =
      R"({"e":"depthUpdate","E":1751508260659505382,"s":"solusd","U":5,"u":5,"b":[["1","1"]],"a":[]})";
  const char* ws_delta =
      R"({"e":"depthUpdate","E":1751508260659505383,"s":"solusd","U":6,"u":6,"b":[["1","2"]],"a":[]})";
  test::EventRecorder rec;
  ReplayDriver driver(rec);
  TimeNs t = 1'617'645'247 * kNsPerSec;
  const std::pair<FeedKind, const char*> frames[] = {
      {FeedKind::V2, kSnap},    {FeedKind::V2, v2_delta}, {FeedKind::Ws, ws_snap},
      {FeedKind::V2, v2_delta}, {FeedKind::Ws, ws_delta}, {FeedKind::Ws, ws_delta}};
  for (const auto& [feed, text] : frames) {
    ReplayFrame f = frame_at(t += kNsPerSec, "s", text);
    f.feed = feed;
    driver.process(f);
  }
  const ReplayStats st = driver.stats();
  EXPECT_EQ(st.frames, 6u);
  EXPECT_EQ(st.sessions, 1u);
  EXPECT_EQ(st.feed.parse_errors + st.feed.unknown_types, 0u);
  EXPECT_EQ(st.feed.snapshots, 2u);     // BTCUSD (v2) and SOLUSD (ws)
  EXPECT_EQ(st.feed.changes, 2u + 1u);  // two v2 deltas, one ws delta; the repeat is stale
  EXPECT_EQ(st.feed.gaps, 0u);
}

// With a filter, a frame of another symbol is skipped unread (counted as filtered) in
// either key order and any spelling, a malformed one too (never counted as a parse error),
// and kept symbols reach the sink, again and again (the filter's answer is remembered per
// spelling).
TEST(ReplayDriverSessions, TheFilterSkipsOtherSymbolsInEveryLayout) {
  const char* btc_delta =
      R"({"type":"l2_updates","symbol":"BTCUSD","changes":[["buy","100","2"]]})";
  const char* eth_snap =
      R"({"type":"l2_updates","symbol":"ethusd","changes":[["buy","10","1"]],"trades":[],"auction_events":[]})";
  const char* eth_sorted =
      R"({"changes":[["sell","11","1"]],"symbol":"ETHUSD","type":"l2_updates"})";
  const char* eth_trade =
      R"({"type":"trade","symbol":"ETHUSD","event_id":9,"timestamp":1617645247002,"price":"10.5","quantity":"3","side":"buy"})";
  const char* eth_bad = R"({"type":"l2_updates","symbol":"ETHUSD","changes":[["buy","x","1"]]})";
  const char* heartbeat = R"({"type":"heartbeat","timestamp":1617645251000})";
  test::EventRecorder rec;
  ReplayOptions opts;
  opts.symbols = {"BTCUSD"};
  ReplayDriver driver(rec, opts);
  TimeNs t = 1'617'645'247 * kNsPerSec;
  auto send = [&](const char* text) { driver.process(frame_at(t += kNsPerSec, "s", text)); };
  send(kSnap);
  for (int round = 0; round < 3; ++round) {
    for (const char* text : {btc_delta, eth_snap, eth_sorted, eth_trade, eth_bad, heartbeat}) {
      send(text);
    }
  }
  const ReplayStats st = driver.stats();
  EXPECT_EQ(st.frames, 19u);
  EXPECT_EQ(st.filtered, 3u * 4u);
  EXPECT_EQ(st.feed.frames, 1u + 3u * 2u);  // BTCUSD frames and heartbeats were parsed
  EXPECT_EQ(st.feed.parse_errors, 0u);
  EXPECT_EQ(st.feed.changes, 3u);
  EXPECT_EQ(st.feed.heartbeats, 3u);
  EXPECT_TRUE(rec.trades.empty());
  for (const auto& l : rec.levels) EXPECT_EQ(l.symbol, "BTCUSD");
  EXPECT_EQ(rec.levels.size(), 2u + 3u);
}

// Without a filter the v2 parser emits straight to the sink and reports each symbol's first
// event to the driver: a new session gaps exactly the symbols whose events went out, in the
// order they first did (a trade frame's symbol too; not a symbol whose only frame was
// malformed), each once, as the filtered path (through the driver's own sink) does.
TEST(ReplayDriverSessions, NewSessionsGapEverySymbolThatReachedTheSinkInOrder) {
  const std::vector<std::string> frames = {
      R"({"type":"trade","symbol":"SOLUSD","event_id":9,"timestamp":1617645247002,"price":"10.5","quantity":"3","side":"buy"})",
      kSnap,
      R"({"type":"l2_updates","symbol":"XRPUSD","changes":[["buy","x","1"]]})",
      R"({"type":"l2_updates","symbol":"BTCUSD","changes":[["buy","100","2"]]})",
      R"( {"type":"l2_updates","symbol":"ethusd","changes":[["buy","10","1"]],"trades":[],"auction_events":[]})",
      R"({"type":"heartbeat","timestamp":1617645251000})",
  };
  for (const bool filtered : {false, true}) {
    test::EventRecorder rec;
    ReplayOptions opts;
    if (filtered) opts.symbols = {"SOLUSD", "BTCUSD", "ETHUSD", "XRPUSD"};
    ReplayDriver driver(rec, opts);
    TimeNs t = 1'617'645'247 * kNsPerSec;
    for (const char* session : {"a", "b", "c"}) {
      for (const std::string& text : frames) {
        driver.process(frame_at(t += kNsPerSec, session, text));
      }
    }
    std::vector<std::string> gapped;
    for (const auto& g : rec.gaps) {
      EXPECT_EQ(g.why, "new session");
      gapped.push_back(g.symbol);
    }
    EXPECT_EQ(gapped, (std::vector<std::string>{"SOLUSD", "BTCUSD", "ETHUSD", "SOLUSD", "BTCUSD",
                                                "ETHUSD"}))
        << filtered;
    EXPECT_EQ(driver.stats().feed.parse_errors, 3u) << filtered;
    EXPECT_EQ(driver.stats().feed.snapshots, 6u) << filtered;
  }
}

}  // namespace
}  // namespace rtcrypto

namespace rtcrypto {
namespace {

// A snapshot's trades reach the sink at once (on_trades) through the driver's filter, which
// drops another symbol's frame it could not skip unread ("symbol": with a space); a new
// session then gaps exactly the symbols that went through.
TEST(ReplayDriverSessions, SnapshotTradesPassTheFilterAndSessionsGapWhatPassed) {
  const std::string btc =
      R"({"type":"l2_updates","symbol":"BTCUSD","changes":[["buy","100","1"],["sell","101","1"]],)"
      R"("trades":[{"type":"trade","symbol":"BTCUSD","event_id":7,"timestamp":1617645247000,)"
      R"("price":"100.5","quantity":"0.25","side":"buy"},{"type":"trade","symbol":"BTCUSD",)"
      R"("event_id":8,"timestamp":1617645247001,"price":"100.25","quantity":"2","side":"sell"}],)"
      R"("auction_events":[]})";
  const std::string eth =
      R"({"type":"l2_updates", "symbol": "ETHUSD","changes":[["buy","10","1"],["sell","11","1"]],)"
      R"("trades":[{"type":"trade", "symbol": "ETHUSD","event_id":9,"timestamp":1617645247002,)"
      R"("price":"10.5","quantity":"3","side":"buy"}],"auction_events":[]})";
  for (const bool filtered : {true, false}) {
    test::EventRecorder rec;
    ReplayOptions opts;
    if (filtered) opts.symbols = {"BTCUSD"};
    ReplayDriver driver(rec, opts);
    TimeNs t = 1'617'645'248 * kNsPerSec;
    for (const char* session : {"a", "a", "b"}) {
      for (const std::string* frame : {&btc, &eth}) {
        driver.process(frame_at(t += kNsPerSec, session, *frame));
      }
    }
    // Each session's two snapshots (the second frame of "a" is one again: trades).
    const std::size_t per_round = filtered ? 2 : 3;
    ASSERT_EQ(rec.trades.size(), 3 * per_round) << filtered;
    EXPECT_EQ(rec.trades[0].symbol, "BTCUSD");
    EXPECT_EQ(rec.trades[0].price, Decimal::parse("100.5").value());
    EXPECT_EQ(rec.trades[0].quantity, Decimal::parse("0.25").value());
    EXPECT_EQ(rec.trades[0].id, 7);
    EXPECT_EQ(rec.trades[1].price, Decimal::parse("100.25").value());
    EXPECT_EQ(rec.trades[1].taker, OrderSide::Sell);
    EXPECT_EQ(rec.trades[1].id, 8);
    if (!filtered) {
      EXPECT_EQ(rec.trades[2].symbol, "ETHUSD");
      EXPECT_EQ(rec.trades[2].quantity, Decimal::parse("3").value());
    }
    std::vector<std::string> gapped;
    for (const auto& g : rec.gaps) gapped.push_back(g.symbol);
    const std::vector<std::string> want = filtered ? std::vector<std::string>{"BTCUSD"}
                                                   : std::vector<std::string>{"BTCUSD", "ETHUSD"};
    EXPECT_EQ(gapped, want);
  }
}

}  // namespace
}  // namespace rtcrypto
