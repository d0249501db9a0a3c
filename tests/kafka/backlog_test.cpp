#include "rtcrypto/kafka/backlog.hpp"

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace rtcrypto::kafka {
namespace {

QueuedMessage msg(int i) {
  return {"t", "k" + std::to_string(i), "payload " + std::to_string(i)};
}

std::vector<std::string> drain(Backlog& b) {
  std::vector<std::string> out;
  while (!b.empty()) {
    out.push_back(b.front().payload);
    b.pop_front();
  }
  return out;
}

TEST(Backlog, MemoryOnlyRefusesWhenFull) {
  Backlog b(2, "");
  bool spilled = false;
  EXPECT_TRUE(b.push(msg(1), spilled));
  EXPECT_TRUE(b.push(msg(2), spilled));
  EXPECT_FALSE(b.push(msg(3), spilled));
  b.drop_oldest();
  EXPECT_TRUE(b.push(msg(3), spilled));
  EXPECT_EQ(drain(b), (std::vector<std::string>{"payload 2", "payload 3"}));
}

TEST(Backlog, SpillsToDiskInOrderAndReloadsOnTheNextStart) {
  rtcrypto::test::TempDir dir;
  std::string path = (dir / "spill.bin").string();
  std::vector<std::string> want;
  {
    Backlog b(3, path);
    bool spilled = false;
    int n_spilled = 0;
    for (int i = 0; i < 10; ++i) {
      ASSERT_TRUE(b.push(msg(i), spilled));
      n_spilled += spilled;
      want.push_back("payload " + std::to_string(i));
    }
    EXPECT_EQ(n_spilled, 7);
    EXPECT_EQ(b.size(), 10u);
    // Take two, then keep the rest on disk for the next start.
    EXPECT_EQ(b.front().payload, "payload 0");
    b.pop_front();
    b.pop_front();
    EXPECT_EQ(b.persist(), 8u);
  }
  Backlog again(3, path);
  EXPECT_EQ(again.size(), 8u);
  want.erase(want.begin(), want.begin() + 2);
  EXPECT_EQ(drain(again), want);
  EXPECT_FALSE(std::filesystem::exists(path));  // drained: the file is gone
}

TEST(Backlog, DamagedSpillTailIsIgnored) {
  rtcrypto::test::TempDir dir;
  std::string path = (dir / "spill.bin").string();
  {
    Backlog b(1, path);
    bool s = false;
    b.push(msg(1), s);
    b.push(msg(2), s);
    b.push(msg(3), s);
    b.persist();
  }
  std::filesystem::resize_file(path, std::filesystem::file_size(path) - 3);
  Backlog b(10, path);
  EXPECT_EQ(drain(b), (std::vector<std::string>{"payload 1", "payload 2"}));
}

}  // namespace
}  // namespace rtcrypto::kafka
