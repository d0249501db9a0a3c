// `rtcrypto run --mode sandbox --source gemini` against the in-process simulator over
// loopback TLS (websocket + signed REST, certificate checked against the sim's CA): orders
// are placed and filled, the store holds decision and order records, and the API secret is
// nowhere in the store or the log output. LABEL integration_sim.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "rtcrypto/sim/sim_server.hpp"
#include "rtcrypto/store/sqlite_store.hpp"
#include "test_support.hpp"

namespace rtcrypto {
namespace {

constexpr const char* kSecret = "s3cr3t-daemon-sim-7f1c9e";

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A book-format table: alternate buy / sell every minute from an hour back to a day ahead
// (the sim's market time runs 60x faster than the wall clock).
void write_alternating_table(const std::filesystem::path& p) {
  std::ofstream out(p);
  out << "ds,side\n";
  TimeNs m = floor_to_period(wall_now_ns(), kNsPerMin) - 60 * kNsPerMin;
  for (int i = 0; i < 24 * 60; ++i, m += kNsPerMin)
    out << format_ymd_hms(m) << "," << (i % 2 ? "sell" : "buy") << "\n";
}

class DaemonSimTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sim::SimConfig c;
    c.cert_dir = dir_.path() / "simcert";
    c.seed = 7;
    c.speed = 60;
    c.accounts.push_back(
        sim::parse_account_spec(std::string("itkey:") + kSecret + ":USD=100000,BTC=0"));
    sim_ = std::make_unique<sim::SimServer>(c);
    sim_->start();
    host_ = "127.0.0.1:" + std::to_string(sim_->port());
  }
  // Runs the daemon binary for `seconds`; returns its exit code, the log in log_.
  int run_daemon(double seconds, const std::string& extra = {}) {
    write_alternating_table(dir_.path() / "table.csv");
    std::string log = (dir_.path() / "daemon.log").string();
    std::string cmd =
        "GEMINI_API_KEY=itkey GEMINI_API_SECRET=" + std::string(kSecret) + " " + RTC_RTCRYPTO_BIN +
        " run --mode sandbox --ws-url wss://" + host_ + " --rest-url https://" + host_ +
        " --ca-file " + sim_->ca_path().string() +
        " --symbols BTCUSD --signal forecast:" + (dir_.path() / "table.csv").string() +
        " --store " + (dir_.path() / "rt.db").string() +
        " --run-id it-run --max-book-age-ms 300000 --duration " + std::to_string(seconds) + " " +
        extra + " >" + log + " 2>&1";
    int rc = std::system(cmd.c_str());
    log_ = slurp(log);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  }
  test::TempDir dir_;
  std::unique_ptr<sim::SimServer> sim_;
  std::string host_, log_;
};

TEST_F(DaemonSimTest, SandboxRunTradesAgainstTheSimAndKeepsTheSecretOut) {
  ASSERT_EQ(run_daemon(20), 0) << log_;
  SqliteStore store(dir_.path() / "rt.db", "it-run");
  EXPECT_GT(store.count("it-run", "decision"), 5u) << log_;
  const auto orders = store.documents("it-run", "order");
  ASSERT_FALSE(orders.empty()) << log_;
  auto stats = nlohmann::json::parse(sim_->stats_json());
  std::size_t sim_orders = 0;
  for (const auto& [cid, n] : stats["orders_by_client_order_id"].items()) {
    EXPECT_EQ(n.get<int>(), 1) << cid;  // never a second order for the same intent
    ++sim_orders;
  }
  EXPECT_GE(sim_orders, 1u);
  EXPECT_GT(store.count("it-run", "balance"), 0u) << "no fill changed a balance\n" << log_;
  // The secret is in neither the log nor any file the daemon wrote.
  EXPECT_EQ(log_.find(kSecret), std::string::npos);
  for (const auto& e : std::filesystem::directory_iterator(dir_.path()))
    if (e.is_regular_file())
      EXPECT_EQ(slurp(e.path()).find(kSecret), std::string::npos) << e.path();
  EXPECT_NE(log_.find("rtcrypto run summary"), std::string::npos) << log_;
}

// A timed-out order/new is looked up by client_order_id, never sent twice.
TEST_F(DaemonSimTest, TimedOutOrderNewNeverYieldsASecondOrder) {
  ASSERT_TRUE(sim_->inject("order_new_timeout", 1));
  ASSERT_EQ(run_daemon(25), 0) << log_;
  auto stats = nlohmann::json::parse(sim_->stats_json());
  ASSERT_TRUE(stats.contains("orders_by_client_order_id")) << stats.dump();
  std::size_t n_orders = 0;
  for (const auto& [cid, n] : stats["orders_by_client_order_id"].items()) {
    EXPECT_EQ(n.get<int>(), 1) << cid;
    ++n_orders;
  }
  EXPECT_GE(n_orders, 1u) << log_;
  EXPECT_EQ(stats["duplicate_client_order_ids"].get<int>(), 0) << stats.dump();
  EXPECT_EQ(log_.find(kSecret), std::string::npos);
}

}  // namespace
}  // namespace rtcrypto
