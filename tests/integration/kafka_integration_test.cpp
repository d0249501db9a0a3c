// rtcrypto run against a real Kafka 0.9.0.1 broker (scripts/kafka.sh, started by the ctest
// fixture kafka_broker). Skips with the reason when the broker could not be started.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <thread>

#include "rtcrypto/feed/replay_driver.hpp"
#include "rtcrypto/feed/replay_reader.hpp"
#include "rtcrypto/kafka/feed_codec.hpp"
#include "test_support.hpp"

namespace rtcrypto {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const std::string kProject = RTC_PROJECT_DIR;
const std::string kBinary = RTC_RTCRYPTO_BIN;
const std::string kConfig = kProject + "/config/kafka-0.9-local.json";
const std::string kBroker = "127.0.0.1:19092";

std::string unique(const std::string& base) {
  std::random_device rd;
  return base + "-" + std::to_string(rd() % 1000000000);
}

pid_t spawn(const std::vector<std::string>& args, const fs::path& log) {
  pid_t pid = fork();
  if (pid == 0) {
    std::FILE* f = std::fopen(log.c_str(), "w");
    if (f) {
      dup2(fileno(f), 1);
      dup2(fileno(f), 2);
    }
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  return pid;
}

// Exit code, or -1 after killing it at the deadline.
int wait_for(pid_t pid, std::chrono::seconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    if (waitpid(pid, &status, WNOHANG) == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : -2;
    std::this_thread::sleep_for(50ms);
  }
  kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
  return -1;
}

int run(const std::vector<std::string>& args, const fs::path& log,
        std::chrono::seconds limit = 120s) {
  return wait_for(spawn(args, log), limit);
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    if (nl > pos) out.push_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  return out;
}

// Every message of a topic, through kcat (one JSON object per line).
std::vector<std::string> kcat_read(const std::string& topic) {
  std::string cmd = "timeout 60 kcat -C -b " + kBroker +
                    " -X api.version.request=false -X broker.version.fallback=0.9.0.1 -t " + topic +
                    " -o beginning -e -q -f '%s\\n' 2>/dev/null";
  std::string out;
  if (std::FILE* p = popen(cmd.c_str(), "r")) {
    char buf[65536];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    pclose(p);
  }
  return lines_of(out);
}

// The level-change records the daemon must publish for `file` (same parser, same filter).
class LevelEncoder : public MarketEventSink {
 public:
  std::vector<std::string> records;
  void on_snapshot_begin(std::string_view, TimeNs) override {}
  void on_level(const LevelChange& c) override {
    std::string s;
    kafka::encode_level(s, c);
    records.push_back(std::move(s));
  }
  void on_snapshot_end(std::string_view, TimeNs) override {}
  void on_trade(const TradeEvent&) override {}
  void on_gap(std::string_view, TimeNs, std::string_view) override {}
};

std::vector<std::string> expected_levels(const fs::path& file, const std::string& symbol) {
  ReplayReader reader(file);
  ReplayOptions opts;
  opts.symbols.insert(symbol);
  LevelEncoder enc;
  replay_into(reader, enc, opts);
  return enc.records;
}

std::vector<std::string> levels_only(const std::vector<std::string>& msgs) {
  std::vector<std::string> out;
  for (const auto& m : msgs)
    if (m.find("\"side\":") != std::string::npos && m.rfind("{\"symbol\":", 0) == 0)
      out.push_back(m);
  return out;
}

std::vector<std::string> window_lines(const std::vector<std::string>& lines) {
  std::vector<std::string> out;
  for (const auto& l : lines)
    if (l.rfind("{\"type\":\"ask\"", 0) == 0 || l.rfind("{\"type\":\"bid\"", 0) == 0 ||
        l.rfind("{\"type\":\"price_volume\"", 0) == 0)
      out.push_back(l);
  return out;
}

class KafkaBroker : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string status = "bash " + kProject + "/scripts/kafka.sh status >/dev/null 2>&1";
    if (std::system(status.c_str()) != 0) {
      std::string why = slurp(fs::path(std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp") /
                              "rtcrypto-kafka-unavailable");
      GTEST_SKIP() << "no local Kafka broker (ctest -L kafka starts one): " << why;
    }
    if (!fs::exists(kBinary)) GTEST_SKIP() << "rtcrypto is not built: " << kBinary;
  }
  std::vector<std::string> base_args(const std::string& prefix) {
    return {kBinary,
            "run",
            "--config",
            kConfig,
            "--symbols",
            "BTCUSD",
            "--store",
            "",
            "--kafka-topic-feed",
            prefix + "-feed",
            "--kafka-topic-liquidity",
            prefix + "-liquidity",
            "--kafka-topic-trades",
            prefix + "-trades",
            "--kafka-spill",
            (dir_ / "spill").string(),
            "--log-level",
            "warn"};
  }
  rtcrypto::test::TempDir dir_;
};

TEST_F(KafkaBroker, ReplayPublishesEveryLevelChangeOnceAndEveryWindowAsInTheJsonl) {
  RTC_SHARED_FILE_OR_SKIP(tsv, "gemini/v2-marketdata-frames-with-recv-ts.tsv");
  const std::string prefix = unique("it");
  auto args = base_args(prefix);
  for (const std::string& a :
       {std::string("--source"), "replay:" + tsv.string(), std::string("--run-id"),
        std::string("kafka-it-1"), std::string("--out-jsonl"), (dir_ / "out.jsonl").string()})
    args.push_back(a);
  ASSERT_EQ(run(args, dir_ / "run.log"), 0) << slurp(dir_ / "run.log");

  auto feed = kcat_read(prefix + "-feed");
  for (const auto& m : feed) ASSERT_TRUE(nlohmann::json::accept(m)) << m;
  auto want = expected_levels(tsv, "BTCUSD");
  ASSERT_GT(want.size(), 10000u);
  auto got = levels_only(feed);
  EXPECT_EQ(got.size(), want.size());
  EXPECT_TRUE(got == want) << "the level records differ from the replay's level changes";

  auto liquidity = kcat_read(prefix + "-liquidity");
  for (const auto& m : liquidity) ASSERT_TRUE(nlohmann::json::accept(m)) << m;
  auto jsonl_windows = window_lines(lines_of(slurp(dir_ / "out.jsonl")));
  ASSERT_FALSE(jsonl_windows.empty());
  EXPECT_EQ(jsonl_windows.size() % 3, 0u);
  EXPECT_EQ(liquidity, jsonl_windows);

  auto trades = kcat_read(prefix + "-trades");
  for (const auto& m : trades) ASSERT_TRUE(nlohmann::json::accept(m)) << m;
  EXPECT_FALSE(trades.empty());  // one decision per window at least
}

// A forecast table that says buy on even minutes and sell on odd ones over the file's span.
fs::path write_forecast(const fs::path& tsv, const fs::path& out) {
  ReplayReader reader(tsv);
  ReplayFrame f;
  std::map<std::int64_t, bool> minutes;
  while (reader.next(f)) minutes[f.recv_ts / (60 * kNsPerSec)] = true;
  std::set<std::int64_t> rows;
  for (const auto& [m, _] : minutes)
    for (std::int64_t k = m - 1; k <= m + 2; ++k) rows.insert(k);
  std::ofstream o(out);
  o << "ds,side\n";
  for (std::int64_t k : rows) {
    std::time_t t = static_cast<std::time_t>(k * 60);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", std::gmtime(&t));
    o << buf << "," << (k % 2 == 0 ? "buy" : "sell") << "\n";
  }
  return out;
}

TEST_F(KafkaBroker, SplitIngestThenTradingGivesTheSameRecordsAsOneProcess) {
  RTC_SHARED_FILE_OR_SKIP(tsv, "gemini/v2-marketdata-frames-with-recv-ts.tsv");
  const std::string prefix = unique("split");
  const std::string signal = "forecast:" + write_forecast(tsv, dir_ / "forecast.csv").string();
  const std::string source = "replay:" + tsv.string();

  // One process, no Kafka at all.
  ASSERT_EQ(run({kBinary, "run", "--symbols", "BTCUSD", "--store", "", "--source", source,
                 "--signal", signal, "--run-id", "split-1", "--out-jsonl",
                 (dir_ / "single.jsonl").string(), "--log-level", "warn"},
                dir_ / "single.log"),
            0)
      << slurp(dir_ / "single.log");
  // Ingest: replay -> gemini-feed only.
  auto ingest = base_args(prefix);
  for (const std::string& a : {std::string("--source"), source, std::string("--no-trading"),
                               std::string("--run-id"), std::string("split-1")})
    ingest.push_back(a);
  ASSERT_EQ(run(ingest, dir_ / "ingest.log"), 0) << slurp(dir_ / "ingest.log");
  // Trading: gemini-feed -> engine -> paper, until the end of the topic.
  auto trading = base_args(prefix);
  for (const std::string& a :
       {std::string("--source"), std::string("kafka"), std::string("--kafka-group"),
        unique("group"), std::string("--kafka-until-eof"), std::string("--signal"), signal,
        std::string("--run-id"), std::string("split-1"), std::string("--out-jsonl"),
        (dir_ / "split.jsonl").string()})
    trading.push_back(a);
  ASSERT_EQ(run(trading, dir_ / "trading.log"), 0) << slurp(dir_ / "trading.log");

  auto single = lines_of(slurp(dir_ / "single.jsonl"));
  auto split = lines_of(slurp(dir_ / "split.jsonl"));
  ASSERT_FALSE(single.empty());
  std::size_t decisions = 0, orders = 0;
  for (const auto& l : single) {
    decisions += l.find("\"doc_type\":\"decision\"") != std::string::npos;
    orders += l.find("\"doc_type\":\"order\"") != std::string::npos;
  }
  EXPECT_GT(decisions, 0u);
  EXPECT_EQ(split.size(), single.size());
  EXPECT_TRUE(split == single) << "the split run's records differ from the single process's";
  // The trading daemon published its windows and decisions.
  EXPECT_EQ(kcat_read(prefix + "-liquidity"), window_lines(single));
  std::cout << "single run: " << single.size() << " records, " << decisions << " decisions, "
            << orders << " orders\n";
}

TEST_F(KafkaBroker, BrokerStoppedMidReplayAndRestartedLosesNothing) {
  RTC_SHARED_FILE_OR_SKIP(tsv, "gemini/v2-marketdata-frames-with-recv-ts.tsv");
  // The shared frames re-timed over ~8 s, replayed at that pace.
  fs::path paced = dir_ / "paced.tsv";
  {
    ReplayReader reader(tsv);
    ReplayFrame f;
    std::vector<ReplayFrame> frames;
    while (reader.next(f)) frames.push_back(f);
    std::ofstream o(paced);
    o << "recv_ts_unix\tsession\tframe\n";
    const double start = 1700000000.0, span = 8.0;
    for (std::size_t i = 0; i < frames.size(); ++i) {
      char ts[32];
      std::snprintf(ts, sizeof ts, "%.6f", start + span * static_cast<double>(i) / frames.size());
      o << ts << "\t" << frames[i].session << "\t" << frames[i].frame << "\n";
    }
  }
  const std::string prefix = unique("outage");
  auto args = base_args(prefix);
  for (const std::string& a :
       {std::string("--source"), "replay:" + paced.string(), std::string("--realtime"),
        std::string("--run-id"), std::string("outage-1"), std::string("--kafka-flush-timeout"),
        std::string("90")})
    args.push_back(a);
  const std::string script = "bash " + kProject + "/scripts/kafka.sh ";
  pid_t pid = spawn(args, dir_ / "run.log");
  std::this_thread::sleep_for(2s);
  ASSERT_EQ(std::system((script + "stop-broker >/dev/null 2>&1").c_str()), 0);
  std::this_thread::sleep_for(3s);
  EXPECT_EQ(kill(pid, 0), 0) << "the daemon must keep running while the broker is away";
  int restarted = std::system((script + "start-broker >/dev/null 2>&1").c_str());
  int rc = wait_for(pid, 150s);
  ASSERT_EQ(restarted, 0) << "the broker did not come back";
  ASSERT_EQ(rc, 0) << slurp(dir_ / "run.log");

  auto want = expected_levels(paced, "BTCUSD");
  // The restarted broker may take a moment to lead the partition again.
  std::vector<std::string> got;
  for (auto deadline = std::chrono::steady_clock::now() + 30s;
       std::chrono::steady_clock::now() < deadline;) {
    got = levels_only(kcat_read(prefix + "-feed"));
    if (got.size() >= want.size()) break;
    std::this_thread::sleep_for(1s);
  }
  std::map<std::string, int> count;
  for (const auto& m : got) ++count[m];
  std::size_t missing = 0, doubled = 0;
  for (const auto& w : want) {
    auto it = count.find(w);
    if (it == count.end() || it->second == 0)
      ++missing;
    else
      --it->second;
  }
  for (const auto& [m, n] : count) doubled += n;
  EXPECT_EQ(missing, 0u) << "level changes lost across the broker outage\n"
                         << slurp(dir_ / "run.log");
  std::cout << "outage: " << want.size() << " level changes, " << missing << " missing, " << doubled
            << " delivered twice (no idempotence on a 0.9 broker)\n";
}

}  // namespace
}  // namespace rtcrypto
