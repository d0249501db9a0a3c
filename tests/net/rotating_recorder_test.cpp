#include "rtcrypto/net/rotating_recorder.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "test_support.hpp"

namespace rtcrypto::net {
namespace {

std::vector<nlohmann::json> lines_of(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::vector<nlohmann::json> out;
  for (std::string l; std::getline(in, l);) out.push_back(nlohmann::json::parse(l));
  return out;
}

TEST(RotatingRecorder, RotatesOnTheHourAndBySize) {
  test::TempDir dir;
  const TimeNs t0 = 1'700'000'000LL * kNsPerSec;  // 2023-11-14T22:13:20Z
  {
    RotatingRecorder rec(dir.path(), FeedKind::V1, {200, true, false});
    rec.write(t0, "BTCUSD", "s1", R"({"type":"heartbeat","socket_sequence":0})");
    rec.write(t0 + kNsPerSec, "BTCUSD", "s1", R"({"type":"heartbeat","socket_sequence":1})");
    rec.write(t0 + 2 * kNsPerSec, "BTCUSD", "s1",
              R"({"type":"heartbeat","socket_sequence":2})");  // > 200 bytes
    rec.write(t0 + 3600 * kNsPerSec, "BTCUSD", "s1",
              R"({"type":"heartbeat","socket_sequence":3})");  // next hour
    EXPECT_EQ(rec.frames(), 4u);
    ASSERT_EQ(rec.files().size(), 3u);
    EXPECT_EQ(rec.files()[0].filename(), "gemini-v1-20231114T221320Z.jsonl");
  }
  std::vector<std::filesystem::path> files;
  for (auto& e : std::filesystem::directory_iterator(dir.path())) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  ASSERT_EQ(files.size(), 3u);
  auto first = lines_of(files[0]);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0]["recv_ts_ns"].get<std::int64_t>(), t0);
  EXPECT_EQ(first[0]["feed"], "v1");
  EXPECT_EQ(first[0]["symbol"], "BTCUSD");
  EXPECT_EQ(first[0]["session"], "s1");
  EXPECT_EQ(first[1]["frame"], R"({"type":"heartbeat","socket_sequence":1})");
  EXPECT_EQ(lines_of(files[2]).size(), 1u);
}

}  // namespace
}  // namespace rtcrypto::net
