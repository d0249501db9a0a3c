// `rtcrypto run --signal lstm:MODEL` against the in-process simulator (market time = wall
// time): the LSTM warms up from the exchange's minute candles, so the first decision already
// has a signal; a restart whose candle fetch fails warms up from the bars the last run saved
// in the store. The model is a tiny one trained here by `rtcrypto lstm train` (lookback 30).
// LABEL integration_sim.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <regex>
#include <sstream>
#include <thread>

#include "rtcrypto/sim/sim_server.hpp"
#include "rtcrypto/store/sqlite_store.hpp"
#include "test_support.hpp"

namespace rtcrypto {
namespace {

constexpr const char* kSecret = "s3cr3t-lstm-sim-4b2d";
constexpr int kLookback = 30;

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int shell(const std::string& cmd) {
  int rc = std::system(cmd.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

class LstmDaemonSimTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    model_dir_ = new test::TempDir();
    // A random walk of minute bars: the model only has to load and predict.
    const auto bars = model_dir_->path() / "bars.csv";
    std::ofstream out(bars);
    out << "timestamp,open,high,low,close,volume\n";
    std::mt19937 rng(5);
    std::normal_distribution<double> step(0.0, 0.001);
    double close = 30000;
    for (int i = 0; i < 400; ++i) {
      const double open = close;
      close *= std::exp(step(rng));
      out << 1'700'000'000 + 60 * i << "," << open << "," << std::max(open, close) * 1.0003 << ","
          << std::min(open, close) * 0.9997 << "," << close << "," << 1 + i % 7 << "\n";
    }
    out.close();
    model_ = (model_dir_->path() / "tiny.pt").string();
    const std::string log = (model_dir_->path() / "train.log").string();
    train_rc_ = shell(std::string(RTC_RTCRYPTO_BIN) + " lstm train --bars " + bars.string() +
                      " --out " + model_ + " --lookback " + std::to_string(kLookback) +
                      " --hidden 6 --epochs 1 --seed 1 --threads 1 --sma-window 5 --atr-window 5"
                      " >" +
                      log + " 2>&1");
    train_log_ = slurp(log);
  }
  static void TearDownTestSuite() { delete model_dir_; }

  void SetUp() override {
    ASSERT_EQ(train_rc_, 0) << train_log_;
    sim::SimConfig c;
    c.cert_dir = dir_.path() / "simcert";
    c.seed = 11;
    c.speed = 1;  // candles and trades on the daemon's clock
    c.accounts.push_back(
        sim::parse_account_spec(std::string("itkey:") + kSecret + ":USD=100000,BTC=0"));
    sim_ = std::make_unique<sim::SimServer>(c);
    sim_->start();
    host_ = "127.0.0.1:" + std::to_string(sim_->port());
  }

  int run_daemon(const std::string& mode, const std::string& run_id, double seconds) {
    const std::string log = (dir_.path() / (run_id + ".log")).string();
    const std::string cmd = "GEMINI_API_KEY=itkey GEMINI_API_SECRET=" + std::string(kSecret) + " " +
                            RTC_RTCRYPTO_BIN + " run --mode " + mode + " --ws-url wss://" + host_ +
                            " --rest-url https://" + host_ + " --ca-file " +
                            sim_->ca_path().string() + " --symbols BTCUSD --signal lstm:" + model_ +
                            " --store " + (dir_.path() / "rt.db").string() + " --run-id " + run_id +
                            " --window 3 --max-book-age-ms 300000 --duration " +
                            std::to_string(seconds) + " >" + log + " 2>&1";
    const int rc = shell(cmd);
    log_ = slurp(log);
    return rc;
  }

  // The run's decisions, oldest first.
  std::vector<nlohmann::json> decisions(const std::string& run_id) {
    SqliteStore store(dir_.path() / "rt.db", run_id);
    std::vector<nlohmann::json> out;
    for (const auto& d : store.documents(run_id, "decision"))
      out.push_back(nlohmann::json::parse(d));
    return out;
  }

  static inline test::TempDir* model_dir_ = nullptr;
  static inline std::string model_, train_log_;
  static inline int train_rc_ = -1;
  test::TempDir dir_;
  std::unique_ptr<sim::SimServer> sim_;
  std::string host_, log_;
};

int bars_from(const std::string& log, const char* where) {
  std::smatch m;
  const std::regex re(std::string("warm-up: ([0-9]+) bars from candles, ([0-9]+) from the store"));
  if (!std::regex_search(log, m, re)) return -1;
  return std::stoi(m[std::string(where) == "candles" ? 1 : 2].str());
}

TEST_F(LstmDaemonSimTest, SandboxWarmsUpFromCandlesAndDecidesInTheFirstWindow) {
  ASSERT_EQ(run_daemon("sandbox", "lstm-sb", 8), 0) << log_;
  EXPECT_GE(bars_from(log_, "candles"), kLookback) << log_;
  EXPECT_NE(log_.find("signal ready"), std::string::npos) << log_;
  const auto ds = decisions("lstm-sb");
  ASSERT_FALSE(ds.empty()) << log_;
  // The very first window already has the model's opinion (not "warming_up" for 30 minutes).
  const auto& first = ds.front();
  EXPECT_TRUE(first["signal"].is_string()) << first.dump() << "\n" << log_;
  EXPECT_NE(first["reason"], "warming_up") << first.dump();
  EXPECT_NE(first["reason"], "no_last_minute") << first.dump();
  EXPECT_EQ(log_.find(kSecret), std::string::npos);
}

TEST_F(LstmDaemonSimTest, DemoServesTheModelWarmedUpFromTheSimCandles) {
  // `rtcrypto demo --signal lstm:MODEL`: no forecast fit; the daemon serves the model against
  // the demo's own sim (market 60x faster) and its first decision already has a signal.
  const auto demo_dir = dir_.path() / "demo";
  const std::string out = (dir_.path() / "demo.out").string();
  const std::string err = (dir_.path() / "demo.err").string();
  const int rc = shell(std::string(RTC_RTCRYPTO_BIN) + " demo --duration 6 --dir " +
                       demo_dir.string() + " --signal lstm:" + model_ + " >" + out + " 2>" + err);
  const std::string report = slurp(out), log = slurp(err);
  ASSERT_EQ(rc, 0) << report << log;
  EXPECT_NE(report.find("rtcrypto demo report"), std::string::npos) << report;
  EXPECT_NE(report.find("signal             lstm:" + model_), std::string::npos) << report;
  EXPECT_EQ(log.find("fitted Prophet"), std::string::npos) << log;
  EXPECT_FALSE(std::filesystem::exists(demo_dir / "forecast.csv"));
  EXPECT_GE(bars_from(log, "candles"), kLookback) << log;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(report, m, std::regex("decisions +([0-9]+)"))) << report;
  EXPECT_GE(std::stoi(m[1].str()), 3) << report;
  EXPECT_NE(shell(std::string(RTC_RTCRYPTO_BIN) + " demo --signal lstm: --dir " +
                  demo_dir.string() + " >/dev/null 2>&1"),
            0);
}

TEST_F(LstmDaemonSimTest, RestartWithoutCandlesWarmsUpFromTheStore) {
  // Both runs within one wall minute: the bars saved by the first then reach the minute
  // before the second's start (a minute neither run saw whole would be a gap, not bridged).
  const auto sec = [] { return (wall_now_ns() / kNsPerSec) % 60; };
  if (sec() > 38) std::this_thread::sleep_for(std::chrono::seconds(61 - sec()));
  ASSERT_EQ(run_daemon("paper", "lstm-p1", 5), 0) << log_;
  EXPECT_GE(bars_from(log_, "candles"), kLookback) << log_;
  ASSERT_TRUE(sim_->inject("http_503", 20));  // the next candle fetches fail
  ASSERT_EQ(run_daemon("paper", "lstm-p2", 5), 0) << log_;
  EXPECT_NE(log_.find("warm-up: minute candles for BTCUSD"), std::string::npos) << log_;
  EXPECT_EQ(bars_from(log_, "candles"), 0) << log_;
  EXPECT_GE(bars_from(log_, "store"), kLookback) << log_;
  EXPECT_NE(log_.find("signal ready"), std::string::npos) << log_;
  const auto ds = decisions("lstm-p2");
  ASSERT_FALSE(ds.empty()) << log_;
  EXPECT_TRUE(ds.front()["signal"].is_string()) << ds.front().dump() << "\n" << log_;
}

}  // namespace
}  // namespace rtcrypto
