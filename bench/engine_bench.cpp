// The trading core's per-change cost:
//   bench_engine [--benchmark_filter=...]
// - BM_EngineLevelChanges: synthetic top-of-book changes straight into the Engine (book +
//   window + the per-window decision), no parsing: the engine's own share of the budget.
// - BM_PipelineSharedFrames: the shared v2 frames through parse -> book -> window ->
//   strategy (every symbol, 5 s windows, decisions without an exchange).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "rtcrypto/engine/engine.hpp"
#include "rtcrypto/feed/gemini_parsers.hpp"

namespace rtcrypto {
namespace {

std::filesystem::path shared_data() {
  if (const char* env = std::getenv("RTCRYPTO_SHARED_DATA"); env && *env) return env;
  return RTC_SHARED_DATA_DEFAULT;
}

struct CountingSink final : RecordSink {
  std::uint64_t n = 0;
  void write(const Record&) override { ++n; }
};

void BM_EngineLevelChanges(benchmark::State& state) {
  // A 200-level book around 60000, then changes cycling over the top 20 levels per side.
  constexpr int kChanges = 1 << 16;
  std::vector<LevelChange> changes(kChanges);
  std::uint64_t x = 88172645463325252ULL;
  for (int i = 0; i < kChanges; ++i) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    LevelChange& c = changes[i];
    c.symbol = "BTCUSD";
    c.side = (x & 1) ? Side::Ask : Side::Bid;
    int off = static_cast<int>((x >> 1) % 20);
    std::int64_t cents = c.side == Side::Ask ? 6000001 + off : 6000000 - off;
    c.price = Decimal::from_raw(static_cast<Decimal::Rep>(cents) * (Decimal::kOne / 100));
    c.remaining = Decimal::from_raw(static_cast<Decimal::Rep>((x >> 8) % 4) * (Decimal::kOne / 10));
  }
  EngineConfig cfg;
  cfg.symbols = {"BTCUSD"};
  cfg.window_length = 5 * kNsPerSec;
  Engine engine(cfg, nullptr, nullptr);
  CountingSink sink;
  engine.add_sink(&sink);
  TimeNs t = 1'600'000'000LL * kNsPerSec;
  engine.on_snapshot_begin("BTCUSD", t);
  for (int i = 0; i < 100; ++i) {
    LevelChange c;
    c.symbol = "BTCUSD";
    c.snapshot = true;
    c.ts = t;
    c.remaining = Decimal::from_int(1);
    c.side = Side::Bid;
    c.price = Decimal::from_raw(static_cast<Decimal::Rep>(6000000 - i) * (Decimal::kOne / 100));
    engine.on_level(c);
    c.side = Side::Ask;
    c.price = Decimal::from_raw(static_cast<Decimal::Rep>(6000001 + i) * (Decimal::kOne / 100));
    engine.on_level(c);
  }
  engine.on_snapshot_end("BTCUSD", t);
  std::uint64_t n = 0;
  for (auto _ : state) {
    for (LevelChange& c : changes) {
      t += 10 * kNsPerUs;  // 100k changes/s of event time: a 5 s window per 500k changes
      c.ts = t;
      engine.on_level(c);
    }
    n += kChanges;
  }
  benchmark::DoNotOptimize(sink.n);
  state.counters["changes/s"] =
      benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsRate);
  state.counters["ns/change"] = benchmark::Counter(
      static_cast<double>(n), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["windows"] = static_cast<double>(engine.stats().windows);
}
BENCHMARK(BM_EngineLevelChanges);

void BM_PipelineSharedFrames(benchmark::State& state) {
  std::vector<std::string> frames;
  {
    std::ifstream in(shared_data() / "gemini" / "v2-marketdata-frames.ndjson");
    std::string line;
    while (std::getline(in, line)) frames.push_back(line);
  }
  if (frames.empty()) return state.SkipWithError("no shared data");
  std::uint64_t changes = 0, windows = 0;
  for (auto _ : state) {
    EngineConfig cfg;
    cfg.window_length = 5 * kNsPerSec;
    Engine engine(cfg, nullptr, nullptr);
    CountingSink sink;
    engine.add_sink(&sink);
    GeminiV2Parser parser;
    TimeNs t = 1'600'000'000LL * kNsPerSec;
    for (const std::string& f : frames) {
      t += 10 * kNsPerMs;
      parser.parse(f, t, engine);
      engine.end_of_frame(t);
    }
    engine.flush(t);
    changes += engine.stats().changes;
    windows += engine.stats().windows;
  }
  state.counters["changes/s"] =
      benchmark::Counter(static_cast<double>(changes), benchmark::Counter::kIsRate);
  state.counters["windows/iter"] =
      benchmark::Counter(static_cast<double>(windows), benchmark::Counter::kAvgIterations);
}
BENCHMARK(BM_PipelineSharedFrames)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace rtcrypto

BENCHMARK_MAIN();
