// The parsers hand a frame's levels to Engine::on_levels in batches; the engine must give
// exactly what on_level change by change gives (records, order, stats), with a signal and
// the paper exchange so that decisions, orders and fills happen.
#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "rtcrypto/core/forwarding_sink.hpp"
#include "rtcrypto/engine/engine.hpp"
#include "rtcrypto/feed/gemini_parsers.hpp"
#include "rtcrypto/paper/paper_exchange.hpp"
#include "test_support.hpp"

namespace rtcrypto {
namespace {

class AlternatingSignal final : public SignalSource {
 public:
  std::optional<SignalValue> signal_at(std::string_view, TimeNs t) override {
    SignalValue v;
    v.target_minute = floor_to_period(t, kNsPerMin) + kNsPerMin;
    v.side = (v.target_minute / kNsPerMin) % 2 == 0 ? OrderSide::Buy : OrderSide::Sell;
    return v;
  }
  std::string describe() const override { return "alternating"; }
};

struct Lines final : RecordSink {
  std::vector<std::string> lines;
  void write(const Record& r) override { lines.push_back(to_document_json(r, "t")); }
};

// Forwards every event, but batches the interface's default way: a batch as on_levels, and
// on_levels as on_level for each change.
class OneByOne final : public ForwardingSink {
 public:
  using ForwardingSink::ForwardingSink;
  void on_levels(std::span<const LevelChange> cs) override { MarketEventSink::on_levels(cs); }
  void on_level_batch(const LevelBatch& b) override { MarketEventSink::on_level_batch(b); }
};

struct EngineRun {
  std::vector<std::string> lines;
  EngineStats stats;
  BookBuilderStats book;
};

EngineRun run(const std::vector<std::string>& frames, bool batches) {
  AlternatingSignal signal;
  std::unique_ptr<Engine> engine;
  PaperConfig pc;
  pc.book_lookup = [&](std::string_view s) { return engine->book(s); };
  pc.now = [&] { return engine->now(); };
  PaperExchange paper(pc);
  EngineConfig cfg;
  cfg.window_length = 5 * kNsPerSec;
  cfg.run_id = "t";
  engine = std::make_unique<Engine>(cfg, &signal, &paper);
  paper.set_order_listener([&](const Order& o) { engine->on_order_update(o); });
  Lines sink;
  engine->add_sink(&sink);
  OneByOne one(*engine);
  MarketEventSink& in = batches ? static_cast<MarketEventSink&>(*engine) : one;
  GeminiV2Parser parser;
  TimeNs t = 1'617'645'247'000'000'000;
  for (const std::string& f : frames) {
    t += 250 * kNsPerMs;
    parser.parse(f, t, in);
    engine->end_of_frame(t);
  }
  engine->flush(t);
  EngineRun r{sink.lines, engine->stats(), engine->book_builder().stats()};
  engine.reset();
  return r;
}

TEST(EngineBatches, OnLevelsGivesWhatOnLevelGives) {
  RTC_SHARED_FILE_OR_SKIP(path, "gemini/v2-marketdata-frames.ndjson");
  std::vector<std::string> frames;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) frames.push_back(line);
  ASSERT_EQ(frames.size(), 4038u);
  const EngineRun a = run(frames, true);
  const EngineRun b = run(frames, false);
  EXPECT_EQ(a.stats.changes, 48'041u);
  EXPECT_GT(a.stats.windows, 100u);
  EXPECT_GT(a.stats.orders, 0u);
  EXPECT_EQ(a.stats.changes, b.stats.changes);
  EXPECT_EQ(a.stats.windows, b.stats.windows);
  EXPECT_EQ(a.stats.decisions, b.stats.decisions);
  EXPECT_EQ(a.stats.orders, b.stats.orders);
  EXPECT_EQ(a.stats.fills, b.stats.fills);
  EXPECT_EQ(a.book.changes, b.book.changes);
  EXPECT_EQ(a.book.changes_while_not_whole, b.book.changes_while_not_whole);
  EXPECT_EQ(a.book.crossed, b.book.crossed);
  ASSERT_EQ(a.lines.size(), b.lines.size());
  for (std::size_t i = 0; i < a.lines.size(); ++i) ASSERT_EQ(a.lines[i], b.lines[i]) << i;
}

}  // namespace
}  // namespace rtcrypto
