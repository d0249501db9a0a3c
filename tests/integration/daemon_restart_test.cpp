// SIGKILL and restart (issue 3): the daemon (`rtcrypto run --mode sandbox`, the real binary)
// trades against the in-process sim; an order rests on the account (one not ours, one with
// our client_order_id prefix), an order/new is processed by the sim but never answered (in
// flight), and the daemon is SIGKILLed right then. Restarted unchanged on the same store, it
// must reconcile before its next order: the `reconcile` document shows the sim's balances
// exactly, the position is the sim's base balance, the open orders are known, the in-flight
// order is recorded once with its fills; nonces keep increasing across both processes and no
// client_order_id reaches the sim twice. LABEL integration_sim.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "daemon_sim_fixture.hpp"
#include "rtcrypto/sim/matching_engine.hpp"

namespace rtcrypto {
namespace {

using namespace std::chrono_literals;
using test::kDaemonKey;
using test::kDaemonSecret;
using test::slurp;
using test::wait_until;
using DaemonRestartTest = test::DaemonSimFixture;

struct Doc {
  std::int64_t id = 0;
  std::string type;
  std::string body;
  nlohmann::json json;
};

// Every document of the store in insertion order (row ids order them across types).
std::vector<Doc> all_documents(const std::filesystem::path& db) {
  std::vector<Doc> out;
  sqlite3* h = nullptr;
  if (sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(h);
    return out;
  }
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(h, "SELECT id, doc_type, body FROM documents ORDER BY id", -1, &st, nullptr);
  while (st && sqlite3_step(st) == SQLITE_ROW) {
    Doc d;
    d.id = sqlite3_column_int64(st, 0);
    d.type = reinterpret_cast<const char*>(sqlite3_column_text(st, 1));
    d.body = reinterpret_cast<const char*>(sqlite3_column_text(st, 2));
    d.json = nlohmann::json::parse(d.body);
    out.push_back(std::move(d));
  }
  sqlite3_finalize(st);
  sqlite3_close(h);
  return out;
}

std::optional<std::string> state_value(const std::filesystem::path& db, const std::string& key) {
  sqlite3* h = nullptr;
  std::optional<std::string> v;
  if (sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(h, "SELECT value FROM state WHERE key = ?", -1, &st, nullptr);
    sqlite3_bind_text(st, 1, key.c_str(), -1, SQLITE_TRANSIENT);
    if (st && sqlite3_step(st) == SQLITE_ROW)
      v = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
  }
  sqlite3_close(h);
  return v;
}

// A number field exactly as written (decimals are exact JSON numbers in the store).
std::optional<Decimal> raw_decimal(const std::string& body, const std::string& key) {
  std::smatch m;
  std::regex re("\"" + key + "\":(-?[0-9.]+)");
  if (!std::regex_search(body, m, re)) return std::nullopt;
  return Decimal::parse(m[1].str());
}

// "it-run-12" → 12
std::optional<std::uint64_t> seq_of(const std::string& cid) {
  const std::string prefix = "it-run-";
  if (cid.rfind(prefix, 0) != 0) return std::nullopt;
  try {
    std::size_t used = 0;
    auto n = std::stoull(cid.substr(prefix.size()), &used);
    if (used != cid.size() - prefix.size()) return std::nullopt;
    return n;
  } catch (...) {
    return std::nullopt;
  }
}

std::set<std::string> sim_cids(const nlohmann::json& stats) {
  std::set<std::string> out;
  for (const auto& [cid, n] : stats["orders_by_client_order_id"].items()) out.insert(cid);
  return out;
}

TEST_F(DaemonRestartTest, SigkillMidRunThenRestartReconcilesBeforeTheNextOrder) {
  // Both runs: a 1 % slippage cap, so that the IOC orders (the in-flight one too) fill.
  const auto config = dir_.path() / "config.json";
  std::ofstream(config) << R"({"strategy":{"slippage_bps":100}})";
  const std::vector<std::string> flags = {"--config", config.string()};

  // 1. First run: wait until it has traded.
  auto first = spawn_daemon(180, "first.log", flags);
  auto traded = [&] {
    bool any = false;
    sim_->with_engine([&](sim::MatchingEngine& e) {
      any = !e.account_trades(kDaemonKey, "BTCUSD", 1, 0).empty();
    });
    return any;
  };
  ASSERT_TRUE(wait_until([&] { return traded() || !first->running(); }, 60s));
  ASSERT_TRUE(first->running()) << slurp(dir_.path() / "first.log");
  ASSERT_TRUE(traded()) << slurp(dir_.path() / "first.log");

  // 2. Orders resting on the account: one not ours, one with our client_order_id prefix.
  std::string foreign_id, ours_id;
  sim_->with_engine([&](sim::MatchingEngine& e) {
    using Rest = std::pair<const char*, const char*>;
    for (auto [cid, price] : {Rest{"manual-rest-1", "1000.00"}, Rest{"it-run-rest", "1001.00"}}) {
      sim::NewOrder o;
      o.account = kDaemonKey;
      o.symbol = "BTCUSD";
      o.side = OrderSide::Buy;
      o.amount = *Decimal::parse("0.01");
      o.price = *Decimal::parse(price);
      o.client_order_id = cid;
      auto r = e.place(o);
      if (auto* so = std::get_if<sim::SimOrder>(&r))
        (std::string(cid) == "manual-rest-1" ? foreign_id : ours_id) = std::to_string(so->id);
    }
  });
  ASSERT_FALSE(foreign_id.empty());
  ASSERT_FALSE(ours_id.empty());

  // 3. The next order/new is processed but never answered; SIGKILL as soon as it is.
  const std::set<std::string> before_inject = sim_cids(sim_stats());
  ASSERT_TRUE(sim_->inject("order_new_timeout", 1));
  ASSERT_TRUE(wait_until(
      [&] { return sim_stats()["rest_timeouts_injected"].get<int>() >= 1 || !first->running(); },
      60s));
  ASSERT_TRUE(first->running()) << slurp(dir_.path() / "first.log");
  first->kill_now();
  const std::string first_log = slurp(dir_.path() / "first.log");

  // What the exchange holds at the kill (nothing changes it until the restart).
  const nlohmann::json at_kill = sim_stats();
  std::map<std::string, Decimal> sim_balances;
  std::string in_flight;
  Decimal in_flight_executed;
  sim_->with_engine([&](sim::MatchingEngine& e) {
    for (const auto& b : e.balances(kDaemonKey)) sim_balances[b.currency] = b.total;
  });
  std::uint64_t max_seq_at_kill = 0;
  for (const auto& cid : sim_cids(at_kill)) {
    auto n = seq_of(cid);
    if (!n) continue;
    max_seq_at_kill = std::max(max_seq_at_kill, *n);
    if (!before_inject.count(cid) && (in_flight.empty() || *n > *seq_of(in_flight)))
      in_flight = cid;
  }
  ASSERT_FALSE(in_flight.empty()) << "no order/new reached the sim after the injection\n"
                                  << first_log;
  sim_->with_engine([&](sim::MatchingEngine& e) {
    if (const auto* o = e.order_by_client_id(kDaemonKey, in_flight))
      in_flight_executed = o->executed;
  });
  EXPECT_TRUE(in_flight_executed.is_positive()) << in_flight << " did not fill";
  const auto nonces_at_kill = at_kill["nonces"][kDaemonKey];
  ASSERT_TRUE(nonces_at_kill.is_object()) << at_kill.dump();

  // Write-ahead: the intent is in the store, its outcome is not.
  {
    auto docs = all_documents(store_path());
    bool intent = false, outcome = false;
    for (const auto& d : docs) {
      if (d.json.value("client_order_id", nlohmann::json()) != in_flight) continue;
      if (d.type == "decision" && d.json.value("taken", false)) intent = true;
      if (d.type == "order") outcome = true;
    }
    EXPECT_TRUE(intent) << "the intent of " << in_flight << " was not written before order/new";
    EXPECT_FALSE(outcome) << in_flight << " was not in flight at the kill";
    auto journal = state_value(store_path(), "sandbox/orders");
    ASSERT_TRUE(journal.has_value());
    auto j = nlohmann::json::parse(*journal);
    ASSERT_TRUE(j.contains(in_flight)) << *journal;
    EXPECT_EQ(j[in_flight]["status"], "in_flight");
  }

  // 4. Restart, unchanged, on the same store.
  auto second = spawn_daemon(20, "second.log", flags);
  auto rc = second->wait_for(90s);
  const std::string second_log = slurp(dir_.path() / "second.log");
  ASSERT_TRUE(rc.has_value()) << "the restarted daemon did not end\n" << second_log;
  ASSERT_EQ(*rc, 0) << second_log;
  EXPECT_NE(second_log.find("reconcile: "), std::string::npos) << second_log;

  const auto docs = all_documents(store_path());
  const Doc* rec = nullptr;
  std::size_t reconciles = 0;
  for (const auto& d : docs)
    if (d.type == "reconcile") {
      rec = &d;  // the restart's (the first run wrote one too)
      ++reconciles;
    }
  ASSERT_EQ(reconciles, 2u);
  ASSERT_NE(rec, nullptr);
  const auto& r = rec->json;
  std::printf("reconcile document after the restart:\n%s\n", rec->body.c_str());

  // Balances exactly the sim's; position = the sim's BTC.
  std::map<std::string, Decimal> rec_balances;
  {
    std::stringstream ss(r["balances"].get<std::string>());
    std::string item;
    while (std::getline(ss, item, ',')) {
      auto eq = item.find('=');
      ASSERT_NE(eq, std::string::npos) << item;
      rec_balances[item.substr(0, eq)] = *Decimal::parse(item.substr(eq + 1));
    }
  }
  EXPECT_EQ(rec_balances, sim_balances) << r.dump();
  auto pos = raw_decimal(rec->body, "position_BTCUSD");
  ASSERT_TRUE(pos.has_value()) << rec->body;
  EXPECT_EQ(*pos, sim_balances["BTC"]) << rec->body;
  // The store's own position (with the in-flight order accounted) agreed with the exchange.
  EXPECT_FALSE(r["position_differs_BTCUSD"].get<bool>()) << rec->body;

  // Open orders: both known, ours adopted, the other left alone.
  const std::string open = r["open_order_list"].get<std::string>();
  EXPECT_EQ(r["open_orders"].get<int>(), 2) << open;
  EXPECT_NE(open.find(foreign_id + " manual-rest-1"), std::string::npos) << open;
  EXPECT_NE(open.find(ours_id + " it-run-rest"), std::string::npos) << open;
  EXPECT_NE(open.find("(ours, adopted)"), std::string::npos) << open;

  // The in-flight order: looked up, found, recorded once with its fills.
  EXPECT_EQ(r["in_flight"].get<int>(), 1) << rec->body;
  EXPECT_EQ(r["in_flight_found"].get<int>(), 1) << rec->body;
  EXPECT_NE(r["in_flight_list"].get<std::string>().find(in_flight + ": in_flight at the stop"),
            std::string::npos)
      << rec->body;
  std::size_t in_flight_orders = 0;
  for (const auto& d : docs) {
    if (d.type != "order" || d.json.value("client_order_id", "") != in_flight) continue;
    ++in_flight_orders;
    EXPECT_EQ(d.json["outcome"], "accepted") << d.body;
    EXPECT_EQ(raw_decimal(d.body, "executed_amount").value_or(Decimal::from_int(-1)),
              in_flight_executed)
        << d.body;
    EXPECT_LT(d.id, rec->id) << "recorded after the reconcile document";
  }
  EXPECT_EQ(in_flight_orders, 1u);

  // Every order the restarted daemon sent comes after the reconcile, with a fresh id.
  const nlohmann::json end = sim_stats();
  std::set<std::string> after = sim_cids(end);
  std::set<std::string> new_cids;
  for (const auto& cid : after)
    if (!at_kill["orders_by_client_order_id"].contains(cid)) new_cids.insert(cid);
  EXPECT_GE(new_cids.size(), 1u) << "no order after the restart\n" << second_log;
  for (const auto& cid : new_cids) {
    auto n = seq_of(cid);
    ASSERT_TRUE(n.has_value()) << cid;
    EXPECT_GT(*n, max_seq_at_kill) << cid << " reuses an order number";
    bool seen = false;
    for (const auto& d : docs) {
      if (d.type != "decision" || d.json.value("client_order_id", nlohmann::json()) != cid)
        continue;
      seen = true;
      EXPECT_GT(d.id, rec->id) << cid << " was decided before the reconcile";
    }
    EXPECT_TRUE(seen) << cid;
  }

  // Nonces: strictly increasing for the key across both processes (the sim refuses any
  // other with InvalidNonce), and the restart's are above the first run's.
  EXPECT_FALSE(end["errors_by_reason"].contains("InvalidNonce")) << end.dump();
  const auto nonces_end = end["nonces"][kDaemonKey];
  EXPECT_GT(nonces_end["accepted"].get<std::int64_t>(),
            nonces_at_kill["accepted"].get<std::int64_t>());
  EXPECT_GT(nonces_end["last"].get<std::int64_t>(), nonces_at_kill["last"].get<std::int64_t>());

  // No client_order_id twice.
  EXPECT_EQ(end["duplicate_client_order_ids"].get<int>(), 0) << end.dump();
  for (const auto& [cid, n] : end["orders_by_client_order_id"].items())
    EXPECT_EQ(n.get<int>(), 1) << cid;

  EXPECT_EQ(first_log.find(kDaemonSecret), std::string::npos);
  EXPECT_EQ(second_log.find(kDaemonSecret), std::string::npos);
}

}  // namespace
}  // namespace rtcrypto
