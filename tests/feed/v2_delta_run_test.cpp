// The delta path's one-call loops (DeltaRunFn: a frame's changes in place, then in its tail
// copy) read every delta frame as scan_delta() reads it with the same kernel called once per
// part (ChangeRunFn): same answer, symbol and levels, and the levels are Decimal::parse's.
// Frames of every length, so that their changes straddle the copy at every point.
#include <gtest/gtest.h>

#include <cstring>

#include <optional>
#include <random>
#include <string>
#include <vector>

#include "../../src/feed/v2_change_run.hpp"
#include "../../src/feed/v2_delta_scan.hpp"
#include "rtcrypto/core/decimal.hpp"
#include "test_support.hpp"
#include "v2_test_frames.hpp"

namespace rtcrypto {
namespace {

using feed_detail::ChangeRunFn;
using feed_detail::DeltaRunFn;
using feed_detail::DeltaTail;
using feed_detail::LevelBuffer;
using feed_detail::ScannedLevel;

struct Pair {
  const char* name;
  ChangeRunFn parts;
  DeltaRunFn whole;
};

std::vector<Pair> pairs() {
  std::vector<Pair> p = {
      {"baseline", feed_detail::change_run_baseline, feed_detail::delta_run_baseline}};
  if (feed_detail::avx2_usable())
    p.push_back({"avx2", feed_detail::change_run_avx2, feed_detail::delta_run_avx2});
  if (feed_detail::avx512_usable())
    p.push_back({"avx512", feed_detail::change_run_avx512, feed_detail::delta_run_avx512});
  return p;
}

struct Scan {
  bool ok = false;
  std::string symbol;
  std::vector<ScannedLevel> levels;
};

template <class Run>
Scan scan(const std::string& frame, Run run) {
  DeltaTail tail;
  LevelBuffer levels;
  std::string_view symbol;
  Scan s;
  s.ok = feed_detail::scan_delta_frame(frame, tail, symbol, levels, run);
  if (s.ok) {
    s.symbol = std::string(symbol);
    s.levels.assign(levels.levels().begin(), levels.levels().end());
  }
  return s;
}

// Both ways of one kernel agree on the frame; returns whether it was taken.
bool expect_same(const std::string& frame, const Pair& k) {
  const Scan a = scan(frame, k.parts), b = scan(frame, k.whole);
  EXPECT_EQ(a.ok, b.ok) << k.name << " " << frame;
  if (!a.ok || !b.ok) return false;
  EXPECT_EQ(a.symbol, b.symbol) << k.name << " " << frame;
  EXPECT_EQ(a.levels.size(), b.levels.size()) << k.name << " " << frame;
  for (std::size_t i = 0; i < std::min(a.levels.size(), b.levels.size()); ++i) {
    EXPECT_TRUE(a.levels[i].signed_price == b.levels[i].signed_price &&
                a.levels[i].quantity == b.levels[i].quantity)
        << k.name << " " << frame << " level " << i;
  }
  return true;
}

std::string digits(std::mt19937_64& rng, int n) {
  return test::random_digits(rng, n);
}

// A decimal of 1..16 digits, mostly with a point; now and then one no kernel takes.
std::string decimal(std::mt19937_64& rng) {
  if (rng() % 50 == 0) {
    static const char* odd[] = {"", ".", "1e5", "-1", "1.2.3", "0x1", "12345678901234567890"};
    return odd[rng() % (sizeof(odd) / sizeof(odd[0]))];
  }
  const int whole = 1 + static_cast<int>(rng() % 8);
  return digits(rng, whole) + (rng() % 4 ? "." + digits(rng, 1 + static_cast<int>(rng() % 8)) : "");
}

using Change = test::V2Change;

std::string frame_of(const std::string& symbol, const std::vector<Change>& changes,
                     bool type_first) {
  return test::l2_frame(symbol, changes, !type_first);
}

// Decimal::parse's reading of the changes, or nullopt where one is not a level.
std::optional<std::vector<ScannedLevel>> expected(const std::vector<Change>& changes) {
  std::vector<ScannedLevel> out;
  for (const Change& c : changes) {
    const auto p = Decimal::parse(c.price), q = Decimal::parse(c.quantity);
    if (!p || !q || !p->is_positive() || q->is_negative()) return std::nullopt;
    out.push_back(ScannedLevel::make(c.sell ? Side::Ask : Side::Bid, *p, *q));
  }
  return out;
}

TEST(V2DeltaRun, RandomFramesOfEveryLengthReadAsThePartsAndDecimalParse) {
  std::mt19937_64 rng(17);
  std::size_t taken = 0, straddling = 0;
  for (int round = 0; round < 20000; ++round) {
    std::vector<Change> changes(rng() % 12);
    for (Change& c : changes) c = {rng() % 2 == 0, decimal(rng), decimal(rng)};
    const std::string symbol = round % 7 ? "BTCUSD" : std::string(1 + rng() % 12, 'X');
    std::string f = frame_of(symbol, changes, round % 3 != 0);
    if (round % 11 == 0) f[rng() % f.size()] = "[],:\"0.9x"[rng() % 9];  // broken anywhere
    if (f.size() > 64 + 50 && changes.size() > 1) ++straddling;
    const auto want = round % 11 ? expected(changes) : std::nullopt;
    for (const Pair& k : pairs()) {
      // (A kernel may leave a valid decimal to the general reader: then neither way takes it.)
      const bool ok = expect_same(f, k);
      if (!ok || round % 11 == 0) continue;
      ASSERT_TRUE(want.has_value()) << k.name << " " << f;
      ++taken;
      const Scan s = scan(f, k.whole);
      EXPECT_EQ(s.symbol, symbol);
      ASSERT_EQ(s.levels.size(), want->size()) << k.name << " " << f;
      for (std::size_t i = 0; i < want->size(); ++i) {
        ASSERT_TRUE(s.levels[i].signed_price == (*want)[i].signed_price &&
                    s.levels[i].quantity == (*want)[i].quantity)
            << k.name << " " << f << " level " << i;
      }
    }
  }
  EXPECT_GT(taken, 10000u);
  EXPECT_GT(straddling, 5000u);
}

// A frame read in place ends right before an unreadable page: the one-call loops read
// nothing past it (the part in place stops 63 bytes before the end; the rest is the copy).
TEST(V2DeltaRun, NoReadPastTheEndOfAFrame) {
  test::GuardedPages guarded(4);
  ASSERT_TRUE(guarded.ok());
  std::mt19937_64 rng(29);
  std::size_t taken = 0;
  for (int round = 0; round < 4000; ++round) {
    std::vector<Change> changes(1 + rng() % 20);
    for (Change& c : changes) c = {rng() % 2 == 0, decimal(rng), decimal(rng)};
    std::string f = frame_of("BTCUSD", changes, round % 2 == 0);
    if (round % 3 == 0) f.resize(f.size() - 1 - rng() % 30);  // cut short: not taken
    char* const at = guarded.place(f.data(), f.size());
    const std::string_view frame(at, f.size());
    for (const Pair& k : pairs()) {
      DeltaTail tail;
      LevelBuffer levels;
      std::string_view symbol;
      const bool ok = feed_detail::scan_delta_frame(frame, tail, symbol, levels, k.whole);
      if (round % 3 == 0) {
        EXPECT_FALSE(ok) << k.name << " " << f;
      } else if (ok) {
        ++taken;
        EXPECT_EQ(symbol, "BTCUSD");
        EXPECT_EQ(symbol.data(), at + (round % 2 == 0 ? 31 : f.size() - 28)) << f;
        EXPECT_EQ(levels.size(), changes.size()) << k.name << " " << f;
      }
    }
  }
  EXPECT_GT(taken, 2000u);
}

TEST(V2DeltaRun, SharedAndMutatedFramesReadAsTheParts) {
  RTC_SHARED_FILE_OR_SKIP(path, "gemini/v2-marketdata-frames.ndjson");
  const std::vector<std::string> recorded = test::read_lines(path);
  ASSERT_EQ(recorded.size(), 4038u);
  const std::vector<std::string> frames = test::with_byte_mutations(recorded, 5000, 23);
  for (const Pair& k : pairs()) {
    std::size_t taken = 0;
    for (const std::string& f : frames) taken += expect_same(f, k);
    EXPECT_GT(taken, 3800u) << k.name;  // the recording's delta frames and most mutations
  }
}

}  // namespace
}  // namespace rtcrypto
