// Level changes per second through the whole trading core on one core:
//   bench_pipeline [--file TSV] [--loops N] [--rounds R] [--window SECONDS]
//                  [--expect-windows N] [--no-pin] [--only parse_only|parse_book|pipeline]
//                  [--digest]
// The recorded frames (recv_ts<TAB>session<TAB>frame) are read into memory once, then each
// loop replays all of them through ReplayDriver -> GeminiV2Parser -> Engine (BookBuilder,
// windows, a signal that always answers, BookStrategy, risk, PaperExchange, counting
// record sinks), every symbol, snapshots included: the same input and the same change
// count as bench/python_baseline.py. Each loop starts from a fresh engine.
//
// Stages, each on the same frames: parse only (null sink), parse + BookBuilder, and the
// whole pipeline. A round times `loops` loops; the best round is reported (the machine is
// shared). Output, one line per stage:
//   cpp_<stage> changes=N seconds=S changes_per_sec=R ns_per_change=X [windows=W ...]
// --digest also hashes every record's contract JSON (FNV-1a 64) and prints the hash per
// pipeline loop: proof that a faster build still writes the same bytes (not timed fairly).
// Exit 1 when the pipeline's window count per loop differs from the expected one (so a
// faster run cannot come from skipping work), 2 on bad arguments or a missing file.
#include <sched.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "rtcrypto/book/book_builder.hpp"
#include "rtcrypto/engine/engine.hpp"
#include "rtcrypto/feed/replay_driver.hpp"
#include "rtcrypto/feed/replay_reader.hpp"
#include "rtcrypto/paper/paper_exchange.hpp"
#include "rtcrypto/signal/signal_source.hpp"

namespace rtcrypto {
namespace {

// The shared file: every run must see this many changes per loop and close exactly this many
// windows with 5 s and with 60 s windows (checked only for the default file).
constexpr std::uint64_t kSharedChanges = 48'041;
constexpr std::uint64_t kSharedWindows5s = 300;
constexpr std::uint64_t kSharedWindows60s = 60;

std::filesystem::path default_file() {
  std::filesystem::path base = RTC_SHARED_DATA_DEFAULT;
  if (const char* env = std::getenv("RTCRYPTO_SHARED_DATA"); env && *env) base = env;
  return base / "gemini" / "v2-marketdata-frames-with-recv-ts.tsv";
}

// Buy in even minutes, sell in odd ones: the strategy always has a signal to act on.
class AlternatingSignal final : public SignalSource {
 public:
  std::optional<SignalValue> signal_at(std::string_view, TimeNs t) override {
    SignalValue v;
    v.target_minute = floor_to_period(t, kNsPerMin) + kNsPerMin;
    v.side = (v.target_minute / kNsPerMin) % 2 == 0 ? OrderSide::Buy : OrderSide::Sell;
    v.source = "bench";
    return v;
  }
  std::string describe() const override { return "alternating"; }
};

struct CountingSink final : RecordSink {
  std::uint64_t records = 0;
  std::uint64_t fields = 0;
  bool digest = false;
  std::uint64_t hash = 14695981039346656037ull;  // FNV-1a 64 offset basis
  void write(const Record& r) override {
    ++records;
    fields += r.fields.size();
    if (!digest) return;
    for (unsigned char c : to_contract_json(r, "bench")) {
      hash ^= c;
      hash *= 1099511628211ull;
    }
    hash ^= '\n';
    hash *= 1099511628211ull;
  }
};

class NullSink final : public MarketEventSink {
 public:
  void on_snapshot_begin(std::string_view, TimeNs) override {}
  void on_level(const LevelChange& c) override {
    ++changes;
    check += static_cast<std::uint64_t>(c.remaining.raw() != 0);
  }
  // The parser's batches as the book and the engine take them (no LevelChange per level).
  void on_level_batch(const LevelBatch& b) override {
    changes += b.levels.size();
    for (const PackedLevel& l : b.levels) check += static_cast<std::uint64_t>(l.quantity != 0);
  }
  void on_snapshot_end(std::string_view, TimeNs) override {}
  void on_trade(const TradeEvent&) override {}
  void on_gap(std::string_view, TimeNs, std::string_view) override {}
  std::uint64_t changes = 0;
  std::uint64_t check = 0;
};

struct LoopResult {
  std::uint64_t changes = 0;
  std::uint64_t windows = 0;
  std::uint64_t decisions = 0;
  std::uint64_t orders = 0;
  std::uint64_t fills = 0;
  std::uint64_t records = 0;
  std::uint64_t parse_errors = 0;
  std::uint64_t digest = 0;  // of the records' contract JSON, with --digest
};

LoopResult parse_only(const std::vector<ReplayFrame>& frames) {
  NullSink sink;
  ReplayDriver driver(sink);
  for (const ReplayFrame& f : frames) driver.process(f);
  LoopResult r;
  r.changes = sink.changes;
  r.parse_errors = driver.stats().feed.parse_errors;
  r.records = sink.check;
  return r;
}

LoopResult parse_book(const std::vector<ReplayFrame>& frames) {
  BookBuilder builder;
  ReplayOptions opts;
  opts.on_frame_end = [&](TimeNs t) { builder.end_of_frame(t); };
  ReplayDriver driver(builder, opts);
  for (const ReplayFrame& f : frames) driver.process(f);
  LoopResult r;
  r.changes = builder.stats().changes;
  r.parse_errors = driver.stats().feed.parse_errors;
  return r;
}

LoopResult pipeline(const std::vector<ReplayFrame>& frames, TimeNs window, bool digest) {
  AlternatingSignal signal;
  std::unique_ptr<Engine> engine;
  PaperConfig pc;
  pc.book_lookup = [&](std::string_view s) { return engine->book(s); };
  pc.now = [&] { return engine->now(); };
  PaperExchange paper(pc);
  EngineConfig cfg;
  cfg.window_length = window;
  cfg.run_id = "bench";
  engine = std::make_unique<Engine>(cfg, &signal, &paper);
  paper.set_order_listener([&](const Order& o) { engine->on_order_update(o); });
  CountingSink sink;
  sink.digest = digest;
  engine->add_sink(&sink);
  ReplayOptions opts;
  opts.on_frame_end = [&](TimeNs t) { engine->end_of_frame(t); };
  ReplayDriver driver(*engine, opts);
  for (const ReplayFrame& f : frames) driver.process(f);
  engine->flush(frames.empty() ? 0 : frames.back().recv_ts);
  LoopResult r;
  const EngineStats& st = engine->stats();
  r.changes = st.changes;
  r.windows = st.windows;
  r.decisions = st.decisions;
  r.orders = st.orders;
  r.fills = st.fills;
  r.records = sink.records;
  r.parse_errors = driver.stats().feed.parse_errors;
  r.digest = sink.hash;
  if (digest) std::printf("digest %016llx\n", static_cast<unsigned long long>(sink.hash));
  engine.reset();  // before the exchange it points to
  return r;
}

struct StageResult {
  LoopResult per_loop;  // of the last loop
  std::uint64_t changes = 0;
  double seconds = 0;      // wall time (steady_clock) of the best round
  double cpu_seconds = 0;  // this thread's CPU time in that round (less noisy when shared)
};

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

template <class F>
StageResult measure(F&& loop, int rounds, int loops) {
  StageResult out;
  out.per_loop = loop();  // warm-up (caches, allocator)
  for (int r = 0; r < rounds; ++r) {
    std::uint64_t changes = 0;
    const double c0 = thread_cpu_seconds();
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < loops; ++i) {
      LoopResult lr = loop();
      changes += lr.changes;
      out.per_loop = lr;
    }
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double c = thread_cpu_seconds() - c0;
    if (r == 0 || s < out.seconds) {
      out.seconds = s;
      out.cpu_seconds = c;
      out.changes = changes;
    }
  }
  return out;
}

void print(const char* stage, const StageResult& s, bool details) {
  const double rate = s.seconds > 0 ? static_cast<double>(s.changes) / s.seconds : 0;
  const double cpu_rate = s.cpu_seconds > 0 ? static_cast<double>(s.changes) / s.cpu_seconds : 0;
  std::printf(
      "cpp_%s changes=%llu seconds=%.4f changes_per_sec=%.0f ns_per_change=%.2f "
      "cpu_seconds=%.4f cpu_changes_per_sec=%.0f",
      stage, static_cast<unsigned long long>(s.changes), s.seconds, rate,
      rate > 0 ? 1e9 / rate : 0.0, s.cpu_seconds, cpu_rate);
  if (details) {
    const LoopResult& l = s.per_loop;
    std::printf(
        " changes_per_loop=%llu windows=%llu decisions=%llu orders=%llu fills=%llu"
        " records=%llu",
        static_cast<unsigned long long>(l.changes), static_cast<unsigned long long>(l.windows),
        static_cast<unsigned long long>(l.decisions), static_cast<unsigned long long>(l.orders),
        static_cast<unsigned long long>(l.fills), static_cast<unsigned long long>(l.records));
  }
  std::printf("\n");
}

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr,
               "bench_pipeline: %s\nusage: bench_pipeline [--file TSV] [--loops N] [--rounds R] "
               "[--window SECONDS] [--expect-windows N] [--no-pin] [--only STAGE] [--digest]\n",
               why);
  std::exit(2);
}

int run(int argc, char** argv) {
  std::filesystem::path file = default_file();
  bool default_input = true;
  int loops = 100, rounds = 5;
  long window_s = 5;
  std::optional<std::uint64_t> expect_windows;
  bool pin = true;
  bool digest = false;
  std::string only;  // run one stage (for profiling)
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage(("missing value for " + a).c_str());
      return argv[++i];
    };
    auto number = [&](long lo) {
      std::string v = value();
      char* end = nullptr;
      long n = std::strtol(v.c_str(), &end, 10);
      if (v.empty() || *end || n < lo) usage(("bad value for " + a + ": " + v).c_str());
      return n;
    };
    if (a == "--file") {
      file = value();
      default_input = false;
    } else if (a == "--loops") {
      loops = static_cast<int>(number(1));
    } else if (a == "--rounds") {
      rounds = static_cast<int>(number(1));
    } else if (a == "--window") {
      window_s = number(1);
    } else if (a == "--expect-windows") {
      expect_windows = static_cast<std::uint64_t>(number(0));
    } else if (a == "--only") {
      only = value();
      if (only != "parse_only" && only != "parse_book" && only != "pipeline") {
        usage(("bad value for --only: " + only).c_str());
      }
    } else if (a == "--digest") {
      digest = true;
    } else if (a == "--no-pin") {
      pin = false;
    } else {
      usage(("unknown argument " + a).c_str());
    }
  }
  if (default_input && !expect_windows) {
    if (window_s == 5) expect_windows = kSharedWindows5s;
    if (window_s == 60) expect_windows = kSharedWindows60s;
  }

  if (pin) {
    cpu_set_t set;
    CPU_ZERO(&set);
    const int cpu = sched_getcpu();
    CPU_SET(cpu < 0 ? 0 : cpu, &set);
    if (sched_setaffinity(0, sizeof set, &set) == 0) {
      std::printf("pinned to cpu %d\n", cpu < 0 ? 0 : cpu);
    } else {
      std::printf("not pinned: %s\n", std::strerror(errno));
    }
  }

  std::vector<ReplayFrame> frames;
  try {
    ReplayReader reader(file);
    ReplayFrame f;
    while (reader.next(f)) frames.push_back(f);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_pipeline: %s\n", e.what());
    return 2;
  }
  if (frames.empty()) {
    std::fprintf(stderr, "bench_pipeline: no frames in %s\n", file.c_str());
    return 2;
  }
  std::printf("input %s frames=%zu loops=%d rounds=%d window=%lds\n", file.c_str(), frames.size(),
              loops, rounds, window_s);

  const TimeNs window = window_s * kNsPerSec;
  StageResult p, b, e;
  if (only.empty() || only == "parse_only") {
    p = measure([&] { return parse_only(frames); }, rounds, loops);
    print("parse_only", p, false);
  }
  if (only.empty() || only == "parse_book") {
    b = measure([&] { return parse_book(frames); }, rounds, loops);
    print("parse_book", b, false);
  }
  if (only.empty() || only == "pipeline") {
    e = measure([&] { return pipeline(frames, window, digest); }, rounds, loops);
    print("pipeline", e, true);
  }
  if (!only.empty()) return 0;

  int rc = 0;
  const LoopResult& l = e.per_loop;
  if (l.parse_errors != 0) {
    std::printf("CHECK FAIL: %llu parse errors per loop\n",
                static_cast<unsigned long long>(l.parse_errors));
    rc = 1;
  }
  if (p.per_loop.changes != l.changes || b.per_loop.changes != l.changes) {
    std::printf("CHECK FAIL: stages saw different change counts (%llu, %llu, %llu)\n",
                static_cast<unsigned long long>(p.per_loop.changes),
                static_cast<unsigned long long>(b.per_loop.changes),
                static_cast<unsigned long long>(l.changes));
    rc = 1;
  }
  if (default_input && l.changes != kSharedChanges) {
    std::printf("CHECK FAIL: %llu changes per loop, expected %llu\n",
                static_cast<unsigned long long>(l.changes),
                static_cast<unsigned long long>(kSharedChanges));
    rc = 1;
  }
  if (expect_windows && l.windows != *expect_windows) {
    std::printf("CHECK FAIL: %llu windows per loop, expected %llu\n",
                static_cast<unsigned long long>(l.windows),
                static_cast<unsigned long long>(*expect_windows));
    rc = 1;
  }
  if (rc == 0) std::printf("CHECK OK\n");
  return rc;
}

}  // namespace
}  // namespace rtcrypto

int main(int argc, char** argv) {
  return rtcrypto::run(argc, argv);
}
