// Feed parsing speed on the shared Gemini v2 frames (../shared/data/gemini):
//   bench_feed [--benchmark_filter=...]
// Reports level changes per second (snapshot levels + deltas) and frames per second.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "rtcrypto/book/book_builder.hpp"
#include "rtcrypto/feed/gemini_parsers.hpp"
#include "rtcrypto/feed/replay_driver.hpp"

namespace rtcrypto {
namespace {

std::filesystem::path shared_data() {
  if (const char* env = std::getenv("RTCRYPTO_SHARED_DATA"); env && *env) return env;
  return RTC_SHARED_DATA_DEFAULT;
}

const std::vector<std::string>& frames(const char* name) {
  static std::map<std::string, std::vector<std::string>> cache;
  auto& v = cache[name];
  if (v.empty()) {
    std::ifstream in(shared_data() / "gemini" / name);
    std::string line;
    while (std::getline(in, line)) v.push_back(line);
  }
  return v;
}

class NullSink final : public MarketEventSink {
 public:
  void on_snapshot_begin(std::string_view, TimeNs) override {}
  void on_level(const LevelChange& c) override { sum += c.remaining.raw() != 0; }
  void on_snapshot_end(std::string_view, TimeNs) override {}
  void on_trade(const TradeEvent&) override {}
  void on_gap(std::string_view, TimeNs, std::string_view) override {}
  std::uint64_t sum = 0;
};

void report(benchmark::State& state, std::uint64_t changes, std::uint64_t frames,
            std::uint64_t bytes) {
  state.counters["changes/s"] =
      benchmark::Counter(static_cast<double>(changes), benchmark::Counter::kIsRate);
  state.counters["frames/s"] =
      benchmark::Counter(static_cast<double>(frames), benchmark::Counter::kIsRate);
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}

// All 4,038 frames (40 snapshots = 33k levels, 15k delta changes, trades, heartbeats).
void BM_V2ParseAllFrames(benchmark::State& state) {
  const auto& fs = frames("v2-marketdata-frames.ndjson");
  if (fs.empty()) return state.SkipWithError("no shared data");
  GeminiV2Parser p;
  NullSink sink;
  std::uint64_t changes = 0, nframes = 0, bytes = 0;
  for (auto _ : state) {
    p.reset();
    const FeedStats before = p.stats();
    TimeNs t = 1;
    for (const std::string& f : fs) {
      p.parse(f, t++, sink);
      bytes += f.size();
    }
    changes +=
        p.stats().changes + p.stats().snapshot_levels - before.changes - before.snapshot_levels;
    nframes += fs.size();
  }
  benchmark::DoNotOptimize(sink.sum);
  report(state, changes, nframes, bytes);
}
BENCHMARK(BM_V2ParseAllFrames)->Unit(benchmark::kMillisecond);

// Steady state: only the delta frames (small, 1-10 changes each) as a live feed sends them.
void BM_V2ParseDeltaFrames(benchmark::State& state) {
  const auto& all = frames("v2-marketdata-frames.ndjson");
  if (all.empty()) return state.SkipWithError("no shared data");
  std::vector<std::string> deltas;
  for (const auto& f : all) {
    if (f.find("\"l2_updates\"") != std::string::npos &&
        f.find("auction_events") == std::string::npos) {
      deltas.push_back(f);
    }
  }
  GeminiV2Parser p;
  NullSink sink;
  // Make every symbol live first so deltas are applied, not dropped.
  for (const auto& f : all) p.parse(f, 1, sink);
  std::uint64_t changes = 0, nframes = 0, bytes = 0;
  for (auto _ : state) {
    const std::uint64_t before = p.stats().changes;
    for (const std::string& f : deltas) {
      p.parse(f, 2, sink);
      bytes += f.size();
    }
    changes += p.stats().changes - before;
    nframes += deltas.size();
  }
  benchmark::DoNotOptimize(sink.sum);
  report(state, changes, nframes, bytes);
}
BENCHMARK(BM_V2ParseDeltaFrames)->Unit(benchmark::kMillisecond);

// Parse + book: every frame through BookBuilder with the per-frame crossed check.
void BM_V2ParseIntoBookBuilder(benchmark::State& state) {
  const auto& fs = frames("v2-marketdata-frames.ndjson");
  if (fs.empty()) return state.SkipWithError("no shared data");
  std::uint64_t changes = 0, nframes = 0, bytes = 0;
  for (auto _ : state) {
    GeminiV2Parser p;
    BookBuilder b;
    TimeNs t = 1;
    for (const std::string& f : fs) {
      p.parse(f, t, b);
      b.end_of_frame(t++);
      bytes += f.size();
    }
    changes += p.stats().changes + p.stats().snapshot_levels;
    nframes += fs.size();
  }
  report(state, changes, nframes, bytes);
}
BENCHMARK(BM_V2ParseIntoBookBuilder)->Unit(benchmark::kMillisecond);

// From disk: ReplayReader (TSV) + ReplayDriver, sessions and all, into a null sink.
void BM_ReplayTsvFile(benchmark::State& state) {
  const auto path = shared_data() / "gemini" / "v2-marketdata-frames-with-recv-ts.tsv";
  if (!std::filesystem::exists(path)) return state.SkipWithError("no shared data");
  std::uint64_t changes = 0, nframes = 0, bytes = 0;
  for (auto _ : state) {
    ReplayReader reader(path);
    NullSink sink;
    ReplayStats s = replay_into(reader, sink);
    changes += s.feed.changes + s.feed.snapshot_levels;
    nframes += s.frames;
    bytes += std::filesystem::file_size(path);
  }
  report(state, changes, nframes, bytes);
}
BENCHMARK(BM_ReplayTsvFile)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace rtcrypto

BENCHMARK_MAIN();
