// `rtcrypto run --mode sandbox --source gemini` against the in-process simulator over
// loopback TLS (websocket + signed REST, certificate checked against the sim's CA): orders
// are placed and filled, the store holds decision and order records, and the API secret is
// nowhere in the store or the log output. LABEL integration_sim.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "daemon_sim_fixture.hpp"
#include "rtcrypto/store/sqlite_store.hpp"

namespace rtcrypto {
namespace {

using test::kDaemonSecret;
using test::slurp;
using DaemonSimTest = test::DaemonSimFixture;

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
  EXPECT_EQ(log_.find(kDaemonSecret), std::string::npos);
  for (const auto& e : std::filesystem::directory_iterator(dir_.path()))
    if (e.is_regular_file())
      EXPECT_EQ(slurp(e.path()).find(kDaemonSecret), std::string::npos) << e.path();
  EXPECT_NE(log_.find("rtcrypto run summary"), std::string::npos) << log_;
}

// A timed-out order/new (looked up by client_order_id, never sent twice) is covered, with
// the sim's journal as proof, in daemon_faults_test.cpp.

}  // namespace
}  // namespace rtcrypto
