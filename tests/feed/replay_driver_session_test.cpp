// ReplayDriver compares every frame's session with the last one's (a word-wise compare, not
// a library call): any difference, wherever it sits, starts a new session.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "event_recorder.hpp"
#include "rtcrypto/feed/replay_driver.hpp"

namespace rtcrypto {
namespace {

constexpr const char* kSnap =
    R"({"type":"l2_updates","symbol":"BTCUSD","changes":[["buy","100","1"],["sell","101","1"]],"trades":[],"auction_events":[]})";

// The number of "new session" gaps the driver reports over frames with these sessions.
std::size_t new_sessions(const std::vector<std::string>& sessions) {
  test::EventRecorder rec;
  ReplayDriver driver(rec);
  TimeNs t = 1'617'645'247 * kNsPerSec;
  for (const std::string& s : sessions) {
    ReplayFrame f;
    f.recv_ts = t += kNsPerSec;
    f.session = s;
    f.frame = kSnap;
    driver.process(f);
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
    ReplayFrame f;
    f.recv_ts = t0 + i * kNsPerSec;
    f.session = "s";
    f.frame = kSnap;
    driver.process(f);
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

}  // namespace
}  // namespace rtcrypto
