#include "rtcrypto/net/gemini_json.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "rtcrypto/net/rest_error.hpp"
#include "test_support.hpp"

namespace rtcrypto::net {
namespace {
using namespace rtcrypto::literals;
using nlohmann::json;

// The recorded responses of one route and method, as body texts.
std::vector<std::string> recorded(const std::filesystem::path& file, const std::string& route,
                                  const std::string& method = "POST") {
  std::ifstream in(file);
  json j = json::parse(in);
  std::vector<std::string> out;
  for (const auto& r : j["routes"][route][method]) out.push_back(r["response"].dump());
  return out;
}

TEST(GeminiJson, RecordedBalances) {
  RTC_SHARED_FILE_OR_SKIP(file, "gemini/rest-responses.json");
  auto bodies = recorded(file, "/v1/balances");
  ASSERT_EQ(bodies.size(), 1u);
  auto b = parse_balances(bodies[0]);
  ASSERT_GE(b.size(), 2u);
  EXPECT_EQ(b[0].currency, "BTC");
  EXPECT_EQ(b[0].amount, "2015"_d);
  EXPECT_EQ(b[1].currency, "USD");
  EXPECT_EQ(b[1].available, "234354.69"_d);
}

TEST(GeminiJson, RecordedOrders) {
  RTC_SHARED_FILE_OR_SKIP(file, "gemini/rest-responses.json");
  auto news = recorded(file, "/v1/order/new");
  ASSERT_EQ(news.size(), 8u);
  Order o = parse_order(news[0]);
  EXPECT_EQ(o.order_id, "265555413");
  EXPECT_EQ(o.symbol, "BTCUSD");
  EXPECT_EQ(o.side, OrderSide::Buy);
  EXPECT_EQ(o.price, "4500"_d);
  EXPECT_EQ(o.remaining_amount, "1"_d);
  EXPECT_TRUE(o.is_live);
  EXPECT_FALSE(o.is_cancelled);
  EXPECT_EQ(o.timestamp, 1565673596842LL * kNsPerMs);
  // A filled one
  EXPECT_EQ(classify_rest_error(400, parse_error_body(news[3])->reason), RestError::InvalidOrder);
  Order f = parse_order(news[4]);
  EXPECT_EQ(f.executed_amount, "1"_d);
  EXPECT_EQ(f.avg_execution_price, "0.00847"_d);
  EXPECT_FALSE(f.is_live);
  // Errors are typed
  auto e1 = parse_error_body(news[1]);
  ASSERT_TRUE(e1);
  EXPECT_EQ(classify_rest_error(400, e1->reason), RestError::InvalidSymbol);
  auto e2 = parse_error_body(news[2]);
  EXPECT_EQ(classify_rest_error(400, e2->reason), RestError::InvalidOrder);
  auto e5 = parse_error_body(news[5]);
  EXPECT_EQ(classify_rest_error(400, e5->reason), RestError::InvalidSignature);
  EXPECT_THROW(parse_order(news[5]), std::runtime_error);
  EXPECT_EQ(parse_order(news[7]).order_id, "266043798");

  auto status = recorded(file, "/v1/order/status");
  Order s = parse_order(status[0]);
  EXPECT_TRUE(s.is_cancelled);
  EXPECT_EQ(s.reason, "Requested");
  auto cancel = recorded(file, "/v1/order/cancel");
  EXPECT_TRUE(parse_order(cancel[0]).is_cancelled);
  EXPECT_TRUE(parse_orders(recorded(file, "/v1/orders")[0]).empty());  // recorded as null
}

TEST(GeminiJson, RecordedSymbolDetailsTickerTradesFees) {
  RTC_SHARED_FILE_OR_SKIP(file, "gemini/rest-responses.json");
  SymbolRules r = parse_symbol_details(recorded(file, "/v1/symbols/details/btcusd", "GET")[0]);
  EXPECT_EQ(r.symbol, "BTCUSD");
  EXPECT_EQ(r.quote_increment, "0.01"_d);  // price tick
  EXPECT_EQ(r.tick_size, "0.00000001"_d);  // quantity step, from 1e-08
  EXPECT_EQ(r.min_order_size, "0.00001"_d);
  EXPECT_EQ(r.status, "open");

  Ticker t = parse_pubticker(recorded(file, "/v1/pubticker/BTCUSD", "GET")[0], "BTCUSD");
  EXPECT_EQ(t.bid, "11381.50"_d);
  EXPECT_EQ(t.ask, "11388.08"_d);
  EXPECT_EQ(t.volume_base, "915.6534281291"_d);
  EXPECT_EQ(t.volume_quote, "10394749.066094351423"_d);  // 30 decimals, truncated to 18
  EXPECT_EQ(t.ts, 1565587800000LL * kNsPerMs);
  auto bad = parse_error_body(recorded(file, "/v1/pubticker/bla", "GET")[0]);
  ASSERT_TRUE(bad);
  EXPECT_EQ(classify_rest_error(400, bad->reason), RestError::BadRequest);

  auto trades = recorded(file, "/v1/mytrades");
  auto mt = parse_my_trades(trades[0]);
  ASSERT_FALSE(mt.empty());
  EXPECT_EQ(mt[0].tid, 72877196);
  EXPECT_EQ(mt[0].order_id, "72877194");
  EXPECT_EQ(mt[0].side, OrderSide::Buy);
  EXPECT_EQ(mt[0].fee, "10.9136"_d);
  EXPECT_TRUE(mt[0].aggressor);
  EXPECT_TRUE(parse_my_trades(trades[2]).empty());  // null
  auto ts_err = parse_error_body(trades[1]);
  EXPECT_EQ(ts_err->reason, "InvalidTimestampInPayload");

  FeeRates f = parse_notional_volume(recorded(file, "/v1/notionalvolume")[0]);
  EXPECT_EQ(f.maker_bps, 10);
  EXPECT_EQ(f.taker_bps, 35);
  auto cs = parse_cancel_session(recorded(file, "/v1/order/cancel/all")[0]);
  EXPECT_TRUE(cs.cancelled.empty());
}

TEST(GeminiJson, Symbol2026DetailsAllParse) {
  RTC_SHARED_FILE_OR_SKIP(file, "gemini/rest-symbol-details-2026.jsonl");
  std::ifstream in(file);
  std::string line;
  int parsed = 0;
  while (std::getline(in, line)) {
    json j = json::parse(line);
    if (j["url"].get<std::string>().find("/details/") == std::string::npos) continue;
    std::string body = j["body"].is_string() ? j["body"].get<std::string>() : j["body"].dump();
    SymbolRules r = parse_symbol_details(body);
    EXPECT_TRUE(r.tick_size.is_positive());
    EXPECT_TRUE(r.quote_increment.is_positive());
    ++parsed;
  }
  EXPECT_GT(parsed, 100);
}

TEST(GeminiJson, CandlesNewestFirstBecomeOldestFirst) {
  auto bars = parse_candles(
      "[[1561054560000,9350.18,9358.35,9350.18,9355.51,2.07],"
      "[1561054500000,9357.33,9357.33,9350.18,9350.18,1.59]]");
  ASSERT_EQ(bars.size(), 2u);
  EXPECT_EQ(bars[0].ts, 1561054500000LL * kNsPerMs);
  EXPECT_DOUBLE_EQ(bars[1].close, 9355.51);
  EXPECT_THROW(parse_candles("[[1,2]]"), std::runtime_error);
  EXPECT_THROW(parse_candles("not json"), std::runtime_error);
}

TEST(GeminiJson, BadShapesThrowClearly) {
  EXPECT_THROW(parse_balances(R"({"a":1})"), std::runtime_error);
  EXPECT_THROW(parse_balances(R"([{"currency":"BTC","amount":"x","available":"1"}])"),
               std::runtime_error);
  EXPECT_THROW(parse_order(R"({"symbol":"btcusd"})"), std::runtime_error);
  EXPECT_THROW(parse_symbol_details(
                   R"({"symbol":"X","tick_size":0,"quote_increment":0.01,"min_order_size":"1"})"),
               std::runtime_error);
}

TEST(GeminiJson, OrderNewPayloadShape) {
  OrderRequest r;
  r.client_order_id = "mm-1";
  r.symbol = "BTCUSD";
  r.side = OrderSide::Buy;
  r.amount = "0.001"_d;
  r.price = "30000.5"_d;
  r.tif = TimeInForce::MakerOrCancel;
  EXPECT_EQ(
      order_new_payload(r, 1700000000000),
      R"({"request":"/v1/order/new","nonce":1700000000000,"client_order_id":"mm-1","symbol":"btcusd","amount":"0.001","price":"30000.5","side":"buy","type":"exchange limit","options":["maker-or-cancel"]})");
  r.tif = TimeInForce::GoodTillCancel;
  r.client_order_id = "a\"b";
  EXPECT_EQ(
      order_new_payload(r, 1),
      R"({"request":"/v1/order/new","nonce":1,"client_order_id":"a\"b","symbol":"btcusd","amount":"0.001","price":"30000.5","side":"buy","type":"exchange limit"})");
  EXPECT_EQ(private_payload("/v1/balances", 5, "", "primary"),
            R"({"request":"/v1/balances","nonce":5,"account":"primary"})");
}

// The payload written over a reused buffer (longer text left in it from before) is the
// same as the freshly built one.
TEST(GeminiJson, WriteOrderNewPayloadOverReusedBuffer) {
  OrderRequest r;
  r.client_order_id = "rtc-run-12";
  r.symbol = "ETHUSD";
  r.side = OrderSide::Sell;
  r.amount = "1.25"_d;
  r.price = "2000"_d;
  r.tif = TimeInForce::ImmediateOrCancel;
  std::string buf(500, 'z');
  write_order_new_payload(buf, r, 9223372036854775807LL, "primary");
  EXPECT_EQ(buf, order_new_payload(r, 9223372036854775807LL, "primary"));
  EXPECT_EQ(
      buf,
      R"({"request":"/v1/order/new","nonce":9223372036854775807,"client_order_id":"rtc-run-12","symbol":"ethusd","amount":"1.25","price":"2000","side":"sell","type":"exchange limit","options":["immediate-or-cancel"],"account":"primary"})");
  r.client_order_id = "x";
  r.tif = TimeInForce::GoodTillCancel;
  write_order_new_payload(buf, r, 0);
  EXPECT_EQ(buf, order_new_payload(r, 0));
  EXPECT_EQ(
      buf,
      R"({"request":"/v1/order/new","nonce":0,"client_order_id":"x","symbol":"ethusd","amount":"1.25","price":"2000","side":"sell","type":"exchange limit"})");
}

TEST(RestError, StatusFirstThenReason) {
  EXPECT_EQ(classify_rest_error(429, "Too Many Requests"), RestError::RateLimited);
  EXPECT_EQ(classify_rest_error(503, ""), RestError::Maintenance);
  EXPECT_EQ(classify_rest_error(500, "Internal"), RestError::ServerError);
  EXPECT_EQ(classify_rest_error(406, "InsufficientFunds"), RestError::InsufficientFunds);
  EXPECT_EQ(classify_rest_error(400, "InvalidNonce"), RestError::InvalidNonce);
  EXPECT_EQ(classify_rest_error(400, "BadNonce"), RestError::InvalidNonce);
  EXPECT_EQ(classify_rest_error(403, "MissingRole"), RestError::MissingRole);
  EXPECT_EQ(classify_rest_error(400, "InvalidPrice"), RestError::InvalidPrice);
  EXPECT_EQ(classify_rest_error(400, "InvalidQuantity"), RestError::InvalidQuantity);
  EXPECT_EQ(classify_rest_error(400, "MarketNotOpen"), RestError::MarketNotOpen);
  EXPECT_EQ(classify_rest_error(404, "OrderNotFound"), RestError::OrderNotFound);
  EXPECT_TRUE(is_transient(RestError::RateLimited));
  EXPECT_FALSE(is_transient(RestError::InvalidSignature));
  EXPECT_TRUE(is_auth_failure(RestError::InvalidSignature));
}

}  // namespace
}  // namespace rtcrypto::net
