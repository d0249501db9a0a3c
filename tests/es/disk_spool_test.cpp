#include "rtcrypto/es/disk_spool.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "test_support.hpp"

namespace rtcrypto::es {
namespace {

namespace fs = std::filesystem;

std::string entry(int i) {
  return "entry-" + std::to_string(i) + std::string(50, 'x');
}

TEST(DiskSpool, FifoAcrossSegmentsAndCommit) {
  test::TempDir dir;
  DiskSpool s(dir / "s", 1 << 20, 4096);
  for (int i = 0; i < 300; ++i) ASSERT_TRUE(s.append(entry(i)));
  s.sync();
  EXPECT_EQ(s.pending_entries(), 300u);
  int next = 0;
  while (!s.empty()) {
    SpoolPosition end;
    auto got = s.peek(64, 1 << 20, end);
    ASSERT_FALSE(got.empty());
    for (auto& e : got) ASSERT_EQ(e, entry(next++));
    s.commit(end, got.size());
  }
  EXPECT_EQ(next, 300);
  EXPECT_EQ(s.pending_entries(), 0u);
  int files = 0;
  for (auto& f : fs::directory_iterator(dir / "s"))
    if (f.path().extension() == ".log") ++files;
  EXPECT_LE(files, 1) << "consumed segments are deleted";
}

TEST(DiskSpool, PeekWithoutCommitRepeats) {
  test::TempDir dir;
  DiskSpool s(dir / "s", 1 << 20);
  s.append("a");
  s.append("b");
  SpoolPosition end;
  EXPECT_EQ(s.peek(10, 100, end).size(), 2u);
  EXPECT_EQ(s.peek(1, 100, end), std::vector<std::string>{"a"});
  s.commit(end, 1);
  EXPECT_EQ(s.peek(10, 100, end), std::vector<std::string>{"b"});
}

TEST(DiskSpool, ReopenKeepsUncommittedAndCutsTornTail) {
  test::TempDir dir;
  fs::path seg;
  {
    DiskSpool s(dir / "s", 1 << 20);
    for (int i = 0; i < 10; ++i) s.append(entry(i));
    SpoolPosition end;
    auto got = s.peek(4, 1 << 20, end);
    s.commit(end, got.size());
    s.sync();
  }
  for (auto& f : fs::directory_iterator(dir / "s"))
    if (f.path().extension() == ".log") seg = f.path();
  {  // a crash in the middle of an append: half a frame at the end
    std::ofstream out(seg, std::ios::binary | std::ios::app);
    out.write("\x40\x00\x00\x00\x12\x34", 6);
  }
  DiskSpool s(dir / "s", 1 << 20);
  EXPECT_EQ(s.recovered_torn_bytes(), 6u);
  EXPECT_EQ(s.pending_entries(), 6u);
  SpoolPosition end;
  auto got = s.peek(100, 1 << 20, end);
  ASSERT_EQ(got.size(), 6u);
  EXPECT_EQ(got.front(), entry(4));
  EXPECT_TRUE(s.append(entry(10)));
  got = s.peek(100, 1 << 20, end);
  ASSERT_EQ(got.size(), 7u);
  EXPECT_EQ(got.back(), entry(10));
}

TEST(DiskSpool, BoundedRefusesWhenFull) {
  test::TempDir dir;
  DiskSpool s(dir / "s", 1000);
  int accepted = 0;
  for (int i = 0; i < 100; ++i) accepted += s.append(entry(i)) ? 1 : 0;
  EXPECT_GT(accepted, 5);
  EXPECT_LT(accepted, 20);
  EXPECT_LE(s.pending_bytes(), 1000u);
  SpoolPosition end;
  auto got = s.peek(100, 1 << 20, end);
  s.commit(end, got.size());
  EXPECT_TRUE(s.append(entry(1)));
}

}  // namespace
}  // namespace rtcrypto::es
