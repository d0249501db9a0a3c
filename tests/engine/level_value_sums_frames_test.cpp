// The level-sum kernels on the shared recording: every flow batch the v2 parser hands on,
// added by the best kernel, gives the same bits as the portable one and as the per-change
// WindowAggregator::add.
#include <gtest/gtest.h>

#include <bit>
#include <fstream>
#include <string>
#include <vector>

#include "rtcrypto/feed/gemini_parsers.hpp"
#include "rtcrypto/window/level_value_sums.hpp"
#include "rtcrypto/window/window_aggregator.hpp"
#include "test_support.hpp"

namespace rtcrypto {
namespace {

// Keeps every flow batch's levels.
class Batches final : public MarketEventSink {
 public:
  std::vector<std::vector<PackedLevel>> batches;
  void on_level_batch(const LevelBatch& b) override {
    if (!b.snapshot) batches.emplace_back(b.levels.begin(), b.levels.end());
  }
  void on_snapshot_begin(std::string_view, TimeNs) override {}
  void on_level(const LevelChange&) override {}
  void on_snapshot_end(std::string_view, TimeNs) override {}
  void on_trade(const TradeEvent&) override {}
  void on_gap(std::string_view, TimeNs, std::string_view) override {}
};

TEST(LevelValueSumsOnFrames, KernelsAgreeOnEveryBatch) {
  RTC_SHARED_FILE_OR_SKIP(path, "gemini/v2-marketdata-frames.ndjson");
  Batches sink;
  GeminiV2Parser parser;
  std::ifstream in(path);
  TimeNs t = 1'617'645'247'000'000'000;
  for (std::string line; std::getline(in, line);) parser.parse(line, t += kNsPerMs, sink);
  ASSERT_GT(sink.batches.size(), 3000u);
  std::size_t levels = 0, asks = 0;
  // Carried over batches like a window's sums (and from +0.0, as a window opens).
  double best_ask = 0, best_bid = 0, scalar_ask = 0, scalar_bid = 0, avx2_ask = 0, avx2_bid = 0;
  for (const auto& b : sink.batches) {
    levels += b.size();
    const std::uint64_t a = add_level_values(b, best_ask, best_bid);
    ASSERT_EQ(add_level_values_scalar(b, scalar_ask, scalar_bid), a);
    if (level_values_avx2_usable()) {
      ASSERT_EQ(add_level_values_avx2(b, avx2_ask, avx2_bid), a);
      ASSERT_EQ(std::bit_cast<std::uint64_t>(avx2_ask), std::bit_cast<std::uint64_t>(scalar_ask));
      ASSERT_EQ(std::bit_cast<std::uint64_t>(avx2_bid), std::bit_cast<std::uint64_t>(scalar_bid));
    }
    ASSERT_EQ(std::bit_cast<std::uint64_t>(best_ask), std::bit_cast<std::uint64_t>(scalar_ask));
    ASSERT_EQ(std::bit_cast<std::uint64_t>(best_bid), std::bit_cast<std::uint64_t>(scalar_bid));
    asks += a;
  }
  EXPECT_GT(levels, 10'000u);
  EXPECT_GT(asks, 0u);
  EXPECT_LT(asks, levels);
  // And the per-change add gives the same sums.
  WindowAggregator w("X", WindowConfig{kNsPerSec * 1'000'000'000});
  for (const auto& b : sink.batches) {
    for (const PackedLevel& l : b) {
      LevelChange c;
      c.side = l.side();
      c.price = l.price();
      c.remaining = l.remaining();
      c.ts = 1;
      w.add(c);
    }
  }
  const auto r = w.flush(nullptr);
  ASSERT_TRUE(r);
  EXPECT_EQ(std::bit_cast<std::uint64_t>(r->ask_sum), std::bit_cast<std::uint64_t>(best_ask));
  EXPECT_EQ(std::bit_cast<std::uint64_t>(r->bid_sum), std::bit_cast<std::uint64_t>(best_bid));
  EXPECT_EQ(r->ask_changes, asks);
}

}  // namespace
}  // namespace rtcrypto
