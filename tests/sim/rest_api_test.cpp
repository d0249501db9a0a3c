#include "rtcrypto/sim/rest_api.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "rtcrypto/sim/signature.hpp"

namespace rtcrypto::sim {
namespace {

using nlohmann::json;

class RestApiTest : public ::testing::Test {
 protected:
  RestApiTest() {
    config.accounts.push_back(parse_account_spec("testkey:testsecret:USD=100000,BTC=10"));
    config.accounts.push_back(parse_account_spec("auditkey:auditsecret:USD=5:roles=auditor"));
    engine = std::make_unique<MatchingEngine>(
        std::vector<SymbolInfo>{default_symbol_info("BTCUSD")}, decimal_or_throw("0.001"),
        decimal_or_throw("0.0035"), market);
    for (const auto& a : config.accounts) engine->add_account(a.key, a.balances);
    api = std::make_unique<RestApi>(*engine, nullptr, config, market, wall);
  }
  RestRequest signed_post(const std::string& path, json payload, const std::string& key = "testkey",
                          const std::string& secret = "testsecret") {
    payload["request"] = path;
    if (!payload.contains("nonce")) payload["nonce"] = ++nonce;
    RestRequest r;
    r.method = "POST";
    r.target = path;
    r.api_key = key;
    r.payload = base64_encode(payload.dump());
    r.signature = hmac_sha384_hex(secret, r.payload);
    r.has_api_key = r.has_payload = r.has_signature = true;
    return r;
  }
  json call(const RestRequest& r, int expect_status) {
    RestResponse res = api->handle(r);
    EXPECT_EQ(res.status, expect_status) << res.body;
    return json::parse(res.body);
  }
  static void expect_error(const json& j, const std::string& reason) {
    EXPECT_EQ(j.value("result", ""), "error");
    EXPECT_EQ(j.value("reason", ""), reason);
    EXPECT_FALSE(j.value("message", "").empty());
  }

  SimConfig config;
  ManualClock market{1'700'000'000 * kNsPerSec};
  ManualClock wall{1'700'000'000 * kNsPerSec};
  std::unique_ptr<MatchingEngine> engine;
  std::unique_ptr<RestApi> api;
  std::int64_t nonce = 1'700'000'000'000'000;
};

TEST_F(RestApiTest, NonceMustStrictlyIncreasePerKey) {
  call(signed_post("/v1/balances", {{"nonce", 100}}), 200);
  auto j = call(signed_post("/v1/balances", {{"nonce", 100}}), 400);
  expect_error(j, "InvalidNonce");
  EXPECT_EQ(j["message"], "Nonce '100' has not increased since your last call to the Gemini API.");
  expect_error(call(signed_post("/v1/balances", {{"nonce", 99}}), 400), "InvalidNonce");
  call(signed_post("/v1/balances", {{"nonce", "101"}}), 200);  // strings are fine
  // Another key has its own counter.
  call(signed_post("/v1/balances", {{"nonce", 5}}, "auditkey", "auditsecret"), 200);
  // A bad signature does not use up a nonce.
  expect_error(call(signed_post("/v1/balances", {{"nonce", 200}}, "testkey", "wrong"), 400),
               "InvalidSignature");
  call(signed_post("/v1/balances", {{"nonce", 200}}), 200);
}

TEST_F(RestApiTest, AuthErrorsHaveGeminiBodiesAndCodes) {
  auto r = signed_post("/v1/balances", json::object());
  r.has_signature = false;
  r.signature.clear();
  expect_error(call(r, 400), "MissingSignatureHeader");
  r = signed_post("/v1/balances", json::object());
  r.has_api_key = false;
  expect_error(call(r, 400), "MissingApikeyHeader");
  auto j = call(signed_post("/v1/balances", json::object(), "testkey", "not-the-secret"), 400);
  EXPECT_EQ(j,
            json::parse(
                R"({"result":"error","reason":"InvalidSignature","message":"InvalidSignature"})"));
  r = signed_post("/v1/balances", json::object());
  r.target = "/v1/orders";
  expect_error(call(r, 400), "EndpointMismatch");
  expect_error(call(signed_post("/v1/nosuch", json::object()), 404), "EndpointNotFound");
  expect_error(call(signed_post("/v1/order/new",
                                {{"symbol", "btcusd"},
                                 {"amount", "1"},
                                 {"price", "1.00"},
                                 {"side", "buy"},
                                 {"type", "exchange limit"}},
                                "auditkey", "auditsecret"),
                    403),
               "MissingRole");
}

TEST_F(RestApiTest, OrderLifecycleAndErrors) {
  json order = {{"client_order_id", "c-1"}, {"symbol", "btcusd"}, {"amount", "0.5"},
                {"price", "30000.00"},      {"side", "buy"},      {"type", "exchange limit"}};
  auto placed = call(signed_post("/v1/order/new", order), 200);
  EXPECT_EQ(placed["symbol"], "btcusd");
  EXPECT_EQ(placed["client_order_id"], "c-1");
  EXPECT_EQ(placed["is_live"], true);
  EXPECT_EQ(placed["price"], "30000.00");
  EXPECT_EQ(placed["avg_execution_price"], "0.00");
  EXPECT_EQ(placed["order_id"], placed["id"]);
  EXPECT_TRUE(placed["options"].is_array());

  auto status = call(signed_post("/v1/order/status", {{"client_order_id", "c-1"}}), 200);
  EXPECT_EQ(status["order_id"], placed["order_id"]);
  const auto id = std::stoll(placed["order_id"].get<std::string>());
  EXPECT_EQ(call(signed_post("/v1/orders", json::object()), 200).size(), 1u);
  auto cancelled = call(signed_post("/v1/order/cancel", {{"order_id", id}}), 200);
  EXPECT_EQ(cancelled["is_cancelled"], true);
  EXPECT_EQ(cancelled["reason"], "Requested");
  expect_error(call(signed_post("/v1/order/status", {{"client_order_id", "nope"}}), 404),
               "OrderNotFound");

  order["amount"] = "100";
  expect_error(call(signed_post("/v1/order/new", order), 406), "InsufficientFunds");
  order["amount"] = "0.5";
  order["symbol"] = "LTC_BTC";
  expect_error(call(signed_post("/v1/order/new", order), 400), "InvalidSymbol");
  order["symbol"] = "btcusd";
  order["type"] = "MARKET";
  expect_error(call(signed_post("/v1/order/new", order), 400), "InvalidOrderType");
  order["type"] = "exchange limit";
  order["options"] = {"immediate-or-cancel", "maker-or-cancel"};
  expect_error(call(signed_post("/v1/order/new", order), 400), "ConflictingOptions");
  order["options"] = {"post-only"};
  expect_error(call(signed_post("/v1/order/new", order), 400), "UnsupportedOption");
  order["options"] = {"immediate-or-cancel"};
  auto ioc = call(signed_post("/v1/order/new", order), 200);
  EXPECT_EQ(ioc["is_cancelled"], true);
  EXPECT_EQ(ioc["reason"], "ImmediateOrCancelWouldPost");
  EXPECT_EQ(ioc["options"], json::array({"immediate-or-cancel"}));

  auto bal = call(signed_post("/v1/balances", json::object()), 200);
  ASSERT_EQ(bal.size(), 2u);
  EXPECT_EQ(bal[1]["currency"], "USD");
  EXPECT_EQ(bal[1]["amount"], "100000");
  EXPECT_EQ(bal[1]["available"], "100000");
  auto fees = call(signed_post("/v1/notionalvolume", json::object()), 200);
  EXPECT_EQ(fees["api_maker_fee_bps"], 10);
  EXPECT_EQ(fees["api_taker_fee_bps"], 35);
  EXPECT_EQ(call(signed_post("/v1/heartbeat", json::object()), 200), json({{"result", "ok"}}));

  auto stats = json::parse(api->stats_json());
  EXPECT_EQ(stats["orders_by_client_order_id"]["c-1"], 2);  // the resting one and the IOC
}

TEST_F(RestApiTest, PublicEndpointsAndRateLimit) {
  RestRequest r;
  r.method = "GET";
  r.remote = "127.0.0.1";
  r.target = "/v1/symbols/details/btcusd";
  auto d = call(r, 200);
  EXPECT_EQ(d["symbol"], "BTCUSD");
  EXPECT_EQ(d["tick_size"].dump(), "1e-08");
  EXPECT_EQ(d["quote_increment"].dump(), "0.01");
  EXPECT_EQ(d["min_order_size"], "0.00001");
  r.target = "/v1/pubticker/bla";
  expect_error(call(r, 400), "Bad Request");
  r.target = "/v1/symbols";
  EXPECT_EQ(call(r, 200), json::array({"btcusd"}));
  // 120 a minute plus a burst of 5, then 429 until the minute has passed.
  int ok = 0, limited = 0;
  for (int i = 0; i < 140; ++i) (api->handle(r).status == 200 ? ok : limited)++;
  EXPECT_EQ(ok, 125 - 3);
  EXPECT_EQ(limited, 140 - 122);
  wall.set(wall.now() + 61 * kNsPerSec);
  EXPECT_EQ(api->handle(r).status, 200);
}

}  // namespace
}  // namespace rtcrypto::sim
