// No order next to an unresolved one, against the in-process simulator over loopback TLS:
// the engine (deciding on every book update, always wanting to buy) trades through
// GeminiExchange; the sim swallows the answer of the first order/new (processed, never
// answered) and then answers order/status with 503 for a while, so the outcome stays
// unknown. Until a later lookup resolves it, every decision is refused with
// `order_in_flight` and no second order/new reaches the sim; once resolved, trading resumes.
#include <utility>  // before Asio: Boost 1.74's awaitable.hpp uses std::exchange unincluded

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "../engine/always_buy_strategy.hpp"
#include "rtcrypto/engine/engine.hpp"
#include "rtcrypto/feed/feed_parser.hpp"
#include "rtcrypto/net/gemini_exchange.hpp"
#include "rtcrypto/net/gemini_rest_client.hpp"
#include "rtcrypto/net/market_data_client.hpp"
#include "rtcrypto/sim/sim_server.hpp"
#include "test_support.hpp"

namespace rtcrypto {
namespace {

using namespace rtcrypto::literals;

constexpr const char* kKey = "guardkey";
constexpr const char* kSecret = "guardsecret";
constexpr const char* kPrefix = "guard-";

struct Records : RecordSink {
  std::vector<Record> all;
  void write(const Record& r) override { all.push_back(r); }
};

std::string str(const Record& r, std::string_view key) {
  const FieldValue* v = r.get(key);
  return v && std::holds_alternative<std::string>(*v) ? std::get<std::string>(*v) : "";
}
bool flag(const Record& r, std::string_view key) {
  const FieldValue* v = r.get(key);
  return v && std::holds_alternative<bool>(*v) && std::get<bool>(*v);
}

// How many order/new of ours the sim has executed, by client_order_id.
std::map<std::string, int> sim_orders(sim::SimServer& sim) {
  std::map<std::string, int> out;
  auto j = nlohmann::json::parse(sim.stats_json(), nullptr, false);
  if (!j.is_object() || !j.contains("orders_by_client_order_id")) return out;
  for (auto& [cid, n] : j["orders_by_client_order_id"].items())
    if (cid.rfind(kPrefix, 0) == 0) out[cid] = n.get<int>();
  return out;
}

template <class Pred>
bool run_until(boost::asio::io_context& io, Pred done, TimeNs limit) {
  const TimeNs end = wall_now_ns() + limit;
  while (!done() && wall_now_ns() < end) {
    io.run_for(std::chrono::milliseconds(5));
    if (io.stopped()) io.restart();
  }
  return done();
}

TEST(OrderInFlightSim, NoSecondOrderUntilTheUnknownOutcomeIsResolvedThenTradingResumes) {
  test::TempDir dir;
  sim::SimConfig sc;
  sc.cert_dir = dir.path();
  sc.seed = 23;
  sc.speed = 1;
  sc.rate_limits = false;
  sc.history_minutes = 5;
  sc.faults.rest_timeout_close_ms = 1500;
  sc.accounts.push_back(
      sim::parse_account_spec(std::string(kKey) + ":" + kSecret + ":USD=100000,BTC=0"));
  sim::SimServer simulator(sc);
  simulator.start();
  const std::string host = "127.0.0.1:" + std::to_string(simulator.port());

  boost::asio::io_context io;
  net::RestConfig rc;
  rc.base_url = "https://" + host;
  rc.ca_file = simulator.ca_path().string();
  rc.request_timeout = 2 * kNsPerSec;
  rc.max_attempts = 2;
  rc.backoff_initial = 50 * kNsPerMs;
  rc.backoff_max = 200 * kNsPerMs;
  rc.order_lookup_delay = 100 * kNsPerMs;
  rc.order_lookup_attempts = 2;
  rc.private_per_minute = rc.public_per_minute = 100'000;
  rc.private_per_second = rc.public_per_second = 10'000;
  net::ApiCredentials creds;
  creds.key = kKey;
  creds.secret = net::SecretString(kSecret);
  net::GeminiRestClient rest(io, rc, creds);
  net::GeminiExchangeConfig ec;
  ec.symbols = {"BTCUSD"};
  ec.client_id_prefix = kPrefix;
  ec.poll_interval = 200 * kNsPerMs;
  ec.lookup_backoff_max = 800 * kNsPerMs;
  net::GeminiExchange exchange(io, rest, ec);

  std::optional<net::ReconcileReport> rep;
  exchange.reconcile([&](const net::ReconcileReport& r) { rep = r; });
  ASSERT_TRUE(run_until(
      io, [&] { return rep.has_value(); }, 30 * kNsPerSec));
  ASSERT_TRUE(rep->ok()) << rep->errors.front();

  EngineConfig cfg;
  cfg.symbols = {"BTCUSD"};
  cfg.run_id = "guard";
  cfg.window_length = 3600 * kNsPerSec;
  cfg.decide_every_update = true;  // a decision (and so an order wish) on every frame
  cfg.risk = RiskLimits{};
  cfg.risk.max_book_age = 0;           // market time of the sim vs. receive time: not tested here
  cfg.risk.max_orders_per_minute = 2;  // the first order and the one after the resolution
  Engine engine(cfg, nullptr, &exchange, std::make_unique<AlwaysBuy>());
  Records records;
  engine.add_sink(&records);

  // The first order/new is processed by the sim but never answered.
  ASSERT_TRUE(simulator.inject("order_new_timeout", 1));

  std::optional<std::size_t> resolved_at_record;  // index in `records` of the resolution
  std::map<std::string, int> sim_at_resolution;
  exchange.set_order_listener([&](const Order& o) {
    if (o.client_order_id == "guard-1" && !resolved_at_record) {
      sim_at_resolution = sim_orders(simulator);
      resolved_at_record = records.all.size();
    }
    engine.on_order_update(o);
  });

  auto parser = make_parser(FeedKind::V2);
  std::unique_ptr<net::MarketDataClient> client;
  net::MarketDataConfig mc;
  mc.protocol = net::FeedProtocol::V2;
  mc.url = "wss://" + host;
  mc.symbols = {"BTCUSD"};
  mc.ca_file = simulator.ca_path().string();
  client = std::make_unique<net::MarketDataClient>(
      io, mc,
      [&](std::string_view frame, TimeNs recv_ts, const net::FrameSource&) {
        parser->parse(frame, recv_ts, engine);
        engine.end_of_frame(recv_ts);
      },
      [&](const net::ConnectionEvent& e) {
        if (e.state != net::ConnectionState::Connected) return;
        parser->reset();
        engine.on_gap("BTCUSD", e.ts, "reconnect");
      });
  client->start();

  // Once the sim has executed guard-1 (its answer swallowed), its order/status answers 503
  // for a while: the client's own lookups and the exchange's later ones fail.
  bool failing_lookups = false;
  int max_sim_orders_unresolved = 0;
  TimeNs next_sample = 0;
  bool second_seen = false;
  const bool done = run_until(
      io,
      [&] {
        if (second_seen || wall_now_ns() < next_sample) return second_seen;
        next_sample = wall_now_ns() + 50 * kNsPerMs;
        auto orders = sim_orders(simulator);
        if (!failing_lookups && orders.count("guard-1")) {
          failing_lookups = true;
          simulator.inject("http_503", 10);
        }
        if (!resolved_at_record)
          max_sim_orders_unresolved = std::max<int>(max_sim_orders_unresolved, orders.size());
        second_seen = orders.count("guard-2") > 0;
        return second_seen;
      },
      60 * kNsPerSec);

  client->stop();
  bool closed = false;
  exchange.shutdown(
      [&](const net::RestStatus&, const net::CancelSessionResult&) { closed = true; });
  run_until(
      io, [&] { return closed; }, 5 * kNsPerSec);
  const auto final_orders = sim_orders(simulator);
  simulator.stop();

  if (!resolved_at_record || !done) {  // what happened, for the failure report
    int shown = 0;
    for (const Record& r : records.all) {
      if (r.doc_type != "decision" && r.doc_type != "order") continue;
      if (r.doc_type == "decision" && !flag(r, "taken")) continue;
      if (++shown > 60) break;
      std::fprintf(stderr, "%s %s reason=%s outcome=%s %s\n", r.doc_type.c_str(),
                   str(r, "client_order_id").c_str(), str(r, "reason").c_str(),
                   str(r, "outcome").c_str(), str(r, "message").c_str());
    }
  }
  ASSERT_TRUE(failing_lookups) << "the sim never executed the first order";
  ASSERT_TRUE(resolved_at_record.has_value()) << "guard-1 was never resolved";
  ASSERT_TRUE(done) << "trading did not resume after the resolution";

  // The sim: while guard-1 was unresolved it saw no other order of ours; each id once.
  EXPECT_EQ(max_sim_orders_unresolved, 1);
  EXPECT_EQ(sim_at_resolution, (std::map<std::string, int>{{"guard-1", 1}}));
  for (const auto& [cid, n] : final_orders) EXPECT_EQ(n, 1) << cid;

  // The exchange: one unknown outcome, resolved by a later lookup.
  const auto xs = exchange.stats();
  EXPECT_EQ(xs.unknown, 1u);
  EXPECT_EQ(xs.resolved_late, 1u);

  // The records: guard-1 taken; its outcome unknown; decisions refused with order_in_flight
  // until the resolution; guard-2 decided only after it.
  std::optional<std::size_t> first_taken, unknown_outcome, second_taken;
  std::size_t refused_in_flight = 0;
  std::vector<std::size_t> refusals;
  for (std::size_t i = 0; i < records.all.size(); ++i) {
    const Record& r = records.all[i];
    if (r.doc_type == "decision" && flag(r, "taken")) {
      const std::string cid = str(r, "client_order_id");
      if (cid == "guard-1") first_taken = i;
      if (cid == "guard-2") second_taken = i;
    }
    if (r.doc_type == "decision" && str(r, "risk_reason") == "order_in_flight") {
      ++refused_in_flight;
      refusals.push_back(i);
    }
    if (r.doc_type == "order" && str(r, "client_order_id") == "guard-1" &&
        str(r, "outcome") == "unknown")
      unknown_outcome = i;
  }
  ASSERT_TRUE(first_taken && unknown_outcome && second_taken);
  EXPECT_LT(*first_taken, *unknown_outcome);
  EXPECT_LT(*unknown_outcome, *resolved_at_record);
  EXPECT_GT(*second_taken, *resolved_at_record) << "the second order came before the resolution";
  EXPECT_GT(refused_in_flight, 5u) << "decisions while unresolved are recorded as refused";
  // Between the resolution and guard-2 nothing was held back (guard-2, unanswered, then
  // holds the symbol again itself).
  for (std::size_t i : refusals)
    EXPECT_FALSE(i > *resolved_at_record && i < *second_taken) << "refused after the resolution";
  EXPECT_EQ(engine.stats().orders, 2u) << "the third wish is refused by max_orders_per_minute";
}

}  // namespace
}  // namespace rtcrypto
