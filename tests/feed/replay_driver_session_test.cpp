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

}  // namespace
}  // namespace rtcrypto
