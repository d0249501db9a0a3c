#include "rtcrypto/net/gemini_exchange.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <nlohmann/json.hpp>

#include "net_test_util.hpp"
#include "test_support.hpp"
#include "tls_test_server.hpp"

namespace rtcrypto::net {
namespace {
using testing::b64decode;
using testing::run_until;
using namespace rtcrypto::literals;
using nlohmann::json;
using testing::HttpsTestServer;
using testing::TestReply;
using testing::TestRequest;

json order_json(const std::string& id, const std::string& cid, bool live,
                const std::string& executed, const std::string& remaining) {
  return {{"order_id", id},
          {"id", id},
          {"symbol", "btcusd"},
          {"side", "buy"},
          {"type", "exchange limit"},
          {"timestamp", "1700000000"},
          {"timestampms", 1700000000000LL},
          {"is_live", live},
          {"is_cancelled", !live},
          {"executed_amount", executed},
          {"remaining_amount", remaining},
          {"original_amount", "1"},
          {"price", "100.00"},
          {"avg_execution_price", "100.00"},
          {"client_order_id", cid},
          {"options", json::array({"immediate-or-cancel"})}};
}

// A tiny stand-in for Gemini: IOC buys fill completely at 100; one old order of ours and
// one foreign order rest on the book.
struct MiniGemini {
  std::mutex mu;
  std::map<std::string, int> counts;
  json trades = json::array();
  std::string usd = "1000";
  TestReply handle(const TestRequest& r) {
    std::lock_guard l(mu);
    if (r.method == "GET") {
      ++counts[r.target];
      if (r.target == "/v1/symbols/details/btcusd")
        return {
            200,
            R"({"symbol":"BTCUSD","tick_size":1e-8,"quote_increment":0.01,"min_order_size":"0.00001","status":"open"})"};
      return {404, R"({"result":"error","reason":"InvalidSymbol","message":"x"})"};
    }
    json p = json::parse(b64decode(r.headers.at("X-GEMINI-PAYLOAD")));
    std::string path = p["request"];
    ++counts[path];
    if (path == "/v1/notionalvolume")
      return {200, R"({"api_maker_fee_bps":10,"api_taker_fee_bps":35})"};
    if (path == "/v1/balances")
      return {200, json::array({{{"currency", "USD"}, {"amount", usd}, {"available", usd}},
                                {{"currency", "BTC"}, {"amount", "0"}, {"available", "0"}}})
                       .dump()};
    if (path == "/v1/orders")
      return {200, json::array({order_json("11", "rtc-old-1", true, "0", "1"),
                                order_json("12", "", true, "0", "1")})
                       .dump()};
    if (path == "/v1/order/new") {
      std::string cid = p["client_order_id"];
      trades.push_back({{"price", "100.00"},
                        {"amount", "1"},
                        {"timestamp", 1700000000},
                        {"timestampms", 1700000000000LL},
                        {"type", "Buy"},
                        {"aggressor", true},
                        {"fee_currency", "USD"},
                        {"fee_amount", "0.35"},
                        {"tid", 5000 + static_cast<int>(trades.size())},
                        {"order_id", "900"},
                        {"client_order_id", cid},
                        {"symbol", "BTCUSD"}});
      usd = "899.65";
      return {200, order_json("900", cid, false, "1", "0").dump()};
    }
    if (path == "/v1/mytrades") return {200, trades.dump()};
    if (path == "/v1/order/status")
      return {200, order_json("11", "rtc-old-1", true, "0", "1").dump()};
    if (path == "/v1/order/cancel/session")
      return {200, R"({"result":"ok","details":{"cancelledOrders":[11],"cancelRejects":[]}})"};
    return {404, R"({"result":"error","reason":"EndpointNotFound","message":"x"})"};
  }
  int count(const std::string& k) {
    std::lock_guard l(mu);
    return counts[k];
  }
};

// A REST client of a local stand-in, with its CA trusted and client-side rate limits out
// of the way.
RestConfig rest_config_for(const HttpsTestServer& server, const std::string& ca_file) {
  RestConfig rc;
  rc.base_url = server.url();
  rc.ca_file = ca_file;
  rc.private_per_second = 1000;
  rc.public_per_second = 1000;
  return rc;
}

ApiCredentials test_credentials() {
  ApiCredentials creds;
  creds.key = "k";
  creds.secret = SecretString("s");
  return creds;
}

TEST(GeminiExchange, ReconcilePlaceFillAndShutdown) {
  test::TempDir dir;
  auto cert = testing::make_test_cert();
  std::ofstream(dir / "ca.pem") << cert.cert_pem;
  MiniGemini gem;
  HttpsTestServer server(cert, [&](const TestRequest& r) { return gem.handle(r); });
  asio::io_context io;
  GeminiRestClient rest(io, rest_config_for(server, (dir / "ca.pem").string()), test_credentials());
  GeminiExchangeConfig ec;
  ec.symbols = {"BTCUSD"};
  ec.poll_interval = 50 * kNsPerMs;
  GeminiExchange ex(io, rest, ec);

  std::optional<ReconcileReport> rep;
  ex.reconcile([&](const ReconcileReport& r) { rep = r; });
  ASSERT_TRUE(run_until(io, [&] { return rep.has_value(); }));
  EXPECT_TRUE(rep->ok()) << (rep->errors.empty() ? "" : rep->errors[0]);
  EXPECT_EQ(rep->symbols_with_rules, 1u);
  ASSERT_EQ(rep->adopted_orders.size(), 1u);
  EXPECT_EQ(rep->adopted_orders[0].client_order_id, "rtc-old-1");
  EXPECT_EQ(rep->foreign_open_orders, 1u);
  EXPECT_EQ(ex.fees().taker_bps, 35);
  EXPECT_EQ(ex.rules("btcusd").quote_increment, "0.01"_d);
  EXPECT_EQ(ex.open_orders().size(), 1u);

  std::vector<Fill> fills;
  ex.set_fill_listener([&](const Fill& f) { fills.push_back(f); });
  OrderRequest req;
  req.client_order_id = "rtc-run2-1";
  req.symbol = "BTCUSD";
  req.amount = "1"_d;
  req.price = "100"_d;
  std::optional<OrderOutcome> out;
  ex.place(req, [&](const OrderOutcome& o) { out = o; });
  EXPECT_EQ(ex.in_flight(), 1u);
  ASSERT_TRUE(run_until(io, [&] { return out.has_value() && !fills.empty(); }));
  EXPECT_EQ(out->kind, OutcomeKind::Accepted);
  EXPECT_EQ(ex.in_flight(), 0u);
  ASSERT_EQ(fills.size(), 1u);
  EXPECT_EQ(fills[0].amount, "1"_d);
  EXPECT_EQ(fills[0].fee, "0.35"_d);
  EXPECT_FALSE(fills[0].maker);
  ASSERT_TRUE(run_until(io, [&] { return ex.stats().balance_refreshes >= 1; }));
  auto bal = ex.balances();
  ASSERT_FALSE(bal.empty());
  EXPECT_EQ(bal[0].available, "899.65"_d);
  ASSERT_TRUE(ex.order_by_client_id("rtc-run2-1"));

  // Duplicate intent and below-minimum amounts are refused locally.
  std::optional<OrderOutcome> dup, tiny;
  ex.place(req, [&](const OrderOutcome& o) { dup = o; });
  OrderRequest small = req;
  small.client_order_id = "rtc-run2-2";
  small.amount = "0.000001"_d;
  ex.place(small, [&](const OrderOutcome& o) { tiny = o; });
  ASSERT_TRUE(run_until(io, [&] { return dup.has_value() && tiny.has_value(); }));
  EXPECT_EQ(dup->reason, "DuplicateOrder");
  EXPECT_EQ(tiny->reason, "InvalidQuantity");
  EXPECT_EQ(gem.count("/v1/order/new"), 1);

  std::optional<RestStatus> closed;
  ex.shutdown([&](const RestStatus& s, const CancelSessionResult& r) {
    closed = s;
    EXPECT_EQ(r.cancelled.size(), 1u);
  });
  ASSERT_TRUE(run_until(io, [&] { return closed.has_value(); }));
  EXPECT_TRUE(closed->ok());
  EXPECT_TRUE(ex.open_orders().empty());
  EXPECT_EQ(fills.size(), 1u);  // no fill reported twice
}

// order/new fails unclear and the client's own lookups get no answer: the outcome is
// Unknown and the order stays in flight. When later lookups keep finding nothing, it was
// never placed: the order listener hears of it as a final, cancelled order (so the engine
// records it and the journal stops holding it) and the symbol is free again.
TEST(GeminiExchange, UnknownOrderNeverPlacedReachesTheOrderListener) {
  test::TempDir dir;
  auto cert = testing::make_test_cert();
  std::ofstream(dir / "ca.pem") << cert.cert_pem;
  std::mutex mu;
  int status_calls = 0;
  std::atomic<bool> answered{false};  // place() has had its (Unknown) outcome
  HttpsTestServer server(cert, [&](const TestRequest& r) -> TestReply {
    if (r.method == "GET") return {404, R"({"result":"error","reason":"InvalidSymbol"})"};
    json p = json::parse(b64decode(r.headers.at("X-GEMINI-PAYLOAD")));
    std::string path = p["request"];
    if (path == "/v1/order/new") return {500, R"({"result":"error","reason":"ServerError"})"};
    if (path == "/v1/order/status") {
      std::lock_guard l(mu);
      // The client's own lookups get no answer; the exchange's later ones find nothing.
      if (!answered) return {500, R"({"result":"error","reason":"ServerError"})"};
      ++status_calls;
      return {400, R"({"result":"error","reason":"OrderNotFound","message":"not found"})"};
    }
    return {404, R"({"result":"error","reason":"EndpointNotFound","message":"x"})"};
  });
  asio::io_context io;
  RestConfig rc = rest_config_for(server, (dir / "ca.pem").string());
  rc.order_lookup_attempts = 2;
  rc.order_lookup_delay = 10 * kNsPerMs;
  rc.max_attempts = 1;
  GeminiRestClient rest(io, rc, test_credentials());
  GeminiExchangeConfig ec;
  ec.symbols = {"BTCUSD"};
  ec.poll_interval = 20 * kNsPerMs;
  GeminiExchange ex(io, rest, ec);
  std::vector<Order> updates;
  ex.set_order_listener([&](const Order& o) { updates.push_back(o); });

  OrderRequest req;
  req.client_order_id = "rtc-lost-1";
  req.symbol = "BTCUSD";
  req.side = OrderSide::Sell;
  req.amount = "0.5"_d;
  req.price = "101.25"_d;
  std::optional<OrderOutcome> out;
  ex.place(req, [&](const OrderOutcome& o) {
    out = o;
    answered = true;
  });
  ASSERT_TRUE(run_until(io, [&] { return out.has_value(); }));
  EXPECT_EQ(out->kind, OutcomeKind::Unknown);
  EXPECT_EQ(ex.in_flight_for("BTCUSD"), 1u);
  EXPECT_TRUE(updates.empty());

  ASSERT_TRUE(run_until(io, [&] { return !updates.empty(); }));
  ASSERT_EQ(updates.size(), 1u);
  const Order& o = updates[0];
  EXPECT_EQ(o.client_order_id, "rtc-lost-1");
  EXPECT_EQ(o.symbol, "BTCUSD");
  EXPECT_EQ(o.side, OrderSide::Sell);
  EXPECT_EQ(o.price, "101.25"_d);
  EXPECT_EQ(o.original_amount, "0.5"_d);
  EXPECT_EQ(o.remaining_amount, "0.5"_d);
  EXPECT_EQ(o.executed_amount, Decimal{});
  EXPECT_FALSE(o.is_live);
  EXPECT_TRUE(o.is_cancelled);
  EXPECT_EQ(o.reason, "NotPlaced");
  EXPECT_EQ(ex.in_flight_for("BTCUSD"), 0u);
  std::lock_guard l(mu);
  EXPECT_EQ(status_calls, 5);  // five lookups found nothing before it was given up
}

}  // namespace
}  // namespace rtcrypto::net
