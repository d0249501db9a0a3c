// The daemon's Gemini edge against the simulator over loopback TLS: signed REST through
// GeminiRestClient / GeminiExchange, and the websocket feed through MarketDataClient into
// the feed parser and a BookBuilder, compared with the sim's true book. LABEL integration_sim.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include "rtcrypto/book/book_builder.hpp"
#include "rtcrypto/feed/feed_parser.hpp"
#include "rtcrypto/net/gemini_exchange.hpp"
#include "rtcrypto/net/market_data_client.hpp"
#include "rtcrypto/sim/matching_engine.hpp"
#include "rtcrypto/sim/sim_server.hpp"
#include "test_support.hpp"

namespace rtcrypto {
namespace {
using namespace rtcrypto::literals;

template <class Pred>
bool run_until(boost::asio::io_context& io, Pred done, TimeNs limit = 15 * kNsPerSec) {
  TimeNs end = wall_now_ns() + limit;
  while (!done() && wall_now_ns() < end) {
    io.run_for(std::chrono::milliseconds(5));
    if (io.stopped()) io.restart();
  }
  return done();
}

class NetSimTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sim::SimConfig c;
    c.cert_dir = dir_.path();
    c.seed = 7;
    c.speed = 60;
    c.accounts.push_back(sim::parse_account_spec("testkey:testsecret:USD=100000,BTC=10"));
    sim_ = std::make_unique<sim::SimServer>(c);
    sim_->start();
    base_ = "127.0.0.1:" + std::to_string(sim_->port());
  }
  net::RestConfig rest_config() {
    net::RestConfig r;
    r.base_url = "https://" + base_;
    r.ca_file = sim_->ca_path().string();
    r.request_timeout = 2 * kNsPerSec;
    r.backoff_initial = 50 * kNsPerMs;
    r.rate_limit_backoff_min = 100 * kNsPerMs;
    r.order_lookup_delay = 50 * kNsPerMs;
    return r;
  }
  net::ApiCredentials creds(std::string secret = "testsecret") {
    net::ApiCredentials c;
    c.key = "testkey";
    c.secret = net::SecretString(std::move(secret));
    return c;
  }
  int sim_orders_for(const std::string& cid) {
    auto j = nlohmann::json::parse(sim_->stats_json());
    if (j.contains("orders_by_client_order_id") && j["orders_by_client_order_id"].contains(cid))
      return j["orders_by_client_order_id"][cid].get<int>();
    return -1;
  }
  test::TempDir dir_;
  std::unique_ptr<sim::SimServer> sim_;
  std::string base_;
  boost::asio::io_context io_;
};

TEST_F(NetSimTest, ReconcilePlaceIocAndSeeTheFill) {
  net::GeminiRestClient rest(io_, rest_config(), creds());
  net::GeminiExchangeConfig ec;
  ec.symbols = {"BTCUSD"};
  ec.poll_interval = 100 * kNsPerMs;
  net::GeminiExchange ex(io_, rest, ec);
  std::optional<net::ReconcileReport> rep;
  ex.reconcile([&](const net::ReconcileReport& r) { rep = r; });
  ASSERT_TRUE(run_until(io_, [&] { return rep.has_value(); }));
  ASSERT_TRUE(rep->ok()) << rep->errors[0];
  SymbolRules rules = ex.rules("BTCUSD");
  EXPECT_TRUE(rules.quote_increment.is_positive());

  std::optional<net::Ticker> tick;
  rest.pubticker("BTCUSD", [&](const net::RestStatus& s, net::Ticker t) {
    ASSERT_TRUE(s.ok()) << s.describe();
    tick = t;
  });
  ASSERT_TRUE(run_until(io_, [&] { return tick.has_value(); }));
  std::vector<Fill> fills;
  ex.set_fill_listener([&](const Fill& f) { fills.push_back(f); });
  OrderRequest req;
  req.client_order_id = "rtc-it-1";
  req.symbol = "BTCUSD";
  req.amount = "0.01"_d;
  req.price = (tick->ask * "1.01"_d).ceil_to(rules.quote_increment);
  std::optional<OrderOutcome> out;
  ex.place(req, [&](const OrderOutcome& o) { out = o; });
  ASSERT_TRUE(run_until(io_, [&] { return out.has_value() && !fills.empty(); }));
  EXPECT_EQ(out->kind, OutcomeKind::Accepted) << out->reason << " " << out->message;
  Decimal filled;
  for (const auto& f : fills) filled += f.amount;
  EXPECT_EQ(filled, "0.01"_d);
  EXPECT_EQ(sim_orders_for("rtc-it-1"), 1);
}

TEST_F(NetSimTest, WrongSecretIsInvalidSignatureOnce) {
  net::GeminiRestClient rest(io_, rest_config(), creds("wrong"));
  std::optional<net::RestStatus> st;
  rest.balances([&](const net::RestStatus& s, std::vector<Balance>) { st = s; });
  ASSERT_TRUE(run_until(io_, [&] { return st.has_value(); }));
  EXPECT_EQ(st->error, net::RestError::InvalidSignature) << st->describe();
  EXPECT_EQ(rest.stats().requests, 1u);
}

TEST_F(NetSimTest, TimedOutOrderNewIsResolvedWithoutASecondOrder) {
  ASSERT_TRUE(sim_->inject("order_new_timeout", 1));
  net::GeminiRestClient rest(io_, rest_config(), creds());
  OrderRequest req;
  req.client_order_id = "rtc-it-timeout";
  req.symbol = "BTCUSD";
  req.amount = "0.01"_d;
  req.price = "1000"_d;  // far below the market: rests
  req.tif = TimeInForce::GoodTillCancel;
  std::optional<OrderOutcome> out;
  rest.new_order(req, [&](const net::RestStatus&, OrderOutcome o) { out = o; });
  ASSERT_TRUE(run_until(
      io_, [&] { return out.has_value(); }, 30 * kNsPerSec));
  EXPECT_EQ(out->kind, OutcomeKind::Accepted) << out->reason << " " << out->message;
  EXPECT_EQ(rest.stats().order_lookups, 1u);
  EXPECT_EQ(sim_orders_for("rtc-it-timeout"), 1);
}

// After a restart: orders of the last process looked up by client_order_id. A known one is
// found (and its fills reported as news), an unknown one is "never placed" after two lookups;
// a resting one that fills later reaches the order listener.
TEST_F(NetSimTest, ResolveOrdersOfAnEarlierProcessByClientOrderId) {
  net::GeminiRestClient rest(io_, rest_config(), creds());
  net::GeminiExchangeConfig ec;
  ec.symbols = {"BTCUSD"};
  ec.poll_interval = 100 * kNsPerMs;
  std::optional<net::Ticker> tick;
  rest.pubticker("BTCUSD", [&](const net::RestStatus&, net::Ticker t) { tick = t; });
  ASSERT_TRUE(run_until(io_, [&] { return tick.has_value(); }));
  // "The earlier process": an IOC that filled, its answer never seen by this exchange object.
  {
    OrderRequest req;
    req.client_order_id = "rtc-prev-1";
    req.symbol = "BTCUSD";
    req.amount = "0.01"_d;
    req.price = (tick->ask * "1.01"_d).ceil_to("0.01"_d);
    std::optional<OrderOutcome> out;
    rest.new_order(req, [&](const net::RestStatus&, OrderOutcome o) { out = o; });
    ASSERT_TRUE(run_until(io_, [&] { return out.has_value(); }));
    ASSERT_EQ(out->kind, OutcomeKind::Accepted);
  }
  net::GeminiExchange ex(io_, rest, ec);
  std::vector<Fill> fills;
  ex.set_fill_listener([&](const Fill& f) { fills.push_back(f); });
  std::optional<std::vector<net::OrderLookup>> res;
  ex.resolve_orders({"rtc-prev-1", "rtc-never-sent"},
                    [&](std::vector<net::OrderLookup> r) { res = std::move(r); });
  ASSERT_TRUE(run_until(io_, [&] { return res.has_value() && !fills.empty(); }));
  ASSERT_EQ(res->size(), 2u);
  EXPECT_EQ((*res)[0].client_order_id, "rtc-prev-1");
  EXPECT_EQ((*res)[0].status, net::OrderLookup::Status::Found);
  EXPECT_EQ((*res)[0].order.executed_amount, "0.01"_d);
  EXPECT_EQ((*res)[1].status, net::OrderLookup::Status::NotFound);
  Decimal filled;
  for (const auto& f : fills) filled += f.amount;
  EXPECT_EQ(filled, "0.01"_d);  // the fills of the found order, once
  EXPECT_EQ(sim_orders_for("rtc-prev-1"), 1);
  EXPECT_EQ(sim_orders_for("rtc-never-sent"), -1);

  // A resting order of ours, adopted at reconcile; cancelled on the exchange: the listener
  // hears of it.
  OrderRequest rest_req;
  rest_req.client_order_id = "rtc-rest-1";
  rest_req.symbol = "BTCUSD";
  rest_req.amount = "0.01"_d;
  rest_req.price = "1000"_d;
  rest_req.tif = TimeInForce::GoodTillCancel;
  std::optional<OrderOutcome> placed;
  rest.new_order(rest_req, [&](const net::RestStatus&, OrderOutcome o) { placed = o; });
  ASSERT_TRUE(run_until(io_, [&] { return placed.has_value(); }));
  ASSERT_TRUE(placed->order.is_live);
  std::optional<net::ReconcileReport> rep;
  ex.reconcile([&](const net::ReconcileReport& r) { rep = r; });
  ASSERT_TRUE(run_until(io_, [&] { return rep.has_value(); }));
  ASSERT_EQ(rep->adopted_orders.size(), 1u);
  std::vector<Order> updates;
  ex.set_order_listener([&](const Order& o) { updates.push_back(o); });
  sim_->with_engine([&](sim::MatchingEngine& e) {
    e.cancel("testkey", std::stoull(placed->order.order_id));
  });
  ASSERT_TRUE(run_until(io_, [&] { return !updates.empty(); }));
  EXPECT_EQ(updates[0].client_order_id, "rtc-rest-1");
  EXPECT_FALSE(updates[0].is_live);
  EXPECT_TRUE(updates[0].is_cancelled);
}

// Frames → parser → BookBuilder; after each (re)connect the rebuilt book equals the sim's.
TEST_F(NetSimTest, WsBookEqualsTheSimBookAfterReconnect) {
  BookBuilder books;
  auto parser = make_parser(FeedKind::Ws);
  net::MarketDataConfig mc;
  mc.protocol = net::FeedProtocol::Ws;
  mc.url = "wss://" + base_;
  mc.symbols = {"BTCUSD"};
  mc.ca_file = sim_->ca_path().string();
  mc.backoff_initial = 50 * kNsPerMs;
  int connects = 0;
  net::MarketDataClient client(
      io_, mc,
      [&](std::string_view frame, TimeNs ts, const net::FrameSource&) {
        parser->parse(frame, ts, books);
        books.end_of_frame(ts);
      },
      [&](const net::ConnectionEvent& e) {
        if (e.state == net::ConnectionState::Connected) {
          ++connects;
          parser->reset();
          books.on_gap("BTCUSD", e.ts, "reconnect");
        }
      });
  auto same_as_sim = [&] {
    sim_->set_flow_paused(true);
    run_until(
        io_, [] { return false; }, 400 * kNsPerMs);  // drain frames in flight
    auto truth = sim_->true_book("BTCUSD");
    const OrderBook* ours = books.find("BTCUSD");
    bool same = ours && ours->whole() && ours->depth(Side::Bid) == truth.book.depth(Side::Bid) &&
                ours->depth(Side::Ask) == truth.book.depth(Side::Ask);
    for (Side s : {Side::Bid, Side::Ask})
      for (std::size_t i = 0; same && i < ours->depth(s); ++i)
        same = ours->level(s, i).price == truth.book.level(s, i).price &&
               ours->level(s, i).quantity == truth.book.level(s, i).quantity;
    sim_->set_flow_paused(false);
    return same;
  };
  client.start();
  ASSERT_TRUE(run_until(io_, [&] {
    const OrderBook* b = books.find("BTCUSD");
    return b && b->whole() && parser->stats().changes > 20;
  }));
  EXPECT_TRUE(same_as_sim());
  ASSERT_TRUE(sim_->inject("drop_ws", 1));
  ASSERT_TRUE(run_until(io_, [&] {
    const OrderBook* b = books.find("BTCUSD");
    return connects >= 2 && b && b->whole();
  }));
  run_until(
      io_, [] { return false; }, 300 * kNsPerMs);
  EXPECT_TRUE(same_as_sim());
  client.stop();
  run_until(
      io_, [] { return false; }, 50 * kNsPerMs);
}

}  // namespace
}  // namespace rtcrypto
