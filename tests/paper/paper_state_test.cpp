#include "rtcrypto/paper/paper_state.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace rtcrypto {
namespace {

using namespace literals;

PaperState sample() {
  PaperState s;
  s.balances = {{"BTC", "1.5"_d}, {"USD", "99798.899"_d}};
  PaperOpenOrder po;
  po.order.order_id = "7";
  po.order.client_order_id = "cid-7";
  po.order.symbol = "BTCUSD";
  po.order.side = OrderSide::Sell;
  po.order.tif = TimeInForce::MakerOrCancel;
  po.order.price = "110.5"_d;
  po.order.original_amount = "2"_d;
  po.order.executed_amount = "0.5"_d;
  po.order.remaining_amount = "1.5"_d;
  po.order.avg_execution_price = "110.5"_d;
  po.order.fee = "0.1105"_d;
  po.order.is_live = true;
  po.order.timestamp = 1'700'000'000'123'456'789;
  po.executed_notional = "55.25"_d;
  s.open_orders.push_back(po);
  s.next_order_id = 8;
  return s;
}

TEST(PaperState, JsonRoundTrip) {
  const PaperState s = sample();
  const std::string json = to_json(s);
  EXPECT_NE(json.find(R"("options":["maker-or-cancel"])"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("price":"110.5")"), std::string::npos) << json;
  const PaperState r = paper_state_from_json(json);
  EXPECT_EQ(r.next_order_id, 8u);
  ASSERT_EQ(r.balances.size(), 2u);
  EXPECT_EQ(r.balances[1].first, "USD");
  EXPECT_EQ(r.balances[1].second, "99798.899"_d);
  ASSERT_EQ(r.open_orders.size(), 1u);
  const Order& o = r.open_orders[0].order;
  EXPECT_EQ(o.order_id, "7");
  EXPECT_EQ(o.client_order_id, "cid-7");
  EXPECT_EQ(o.side, OrderSide::Sell);
  EXPECT_EQ(o.tif, TimeInForce::MakerOrCancel);
  EXPECT_EQ(o.remaining_amount, "1.5"_d);
  EXPECT_EQ(o.fee, "0.1105"_d);
  EXPECT_EQ(o.timestamp, 1'700'000'000'123'456'789);
  EXPECT_EQ(r.open_orders[0].executed_notional, "55.25"_d);
  EXPECT_EQ(to_json(r), json);
}

TEST(PaperState, MalformedJsonThrowsNamingTheKey) {
  const std::string good = to_json(sample());
  auto replaced = [&](const std::string& from, const std::string& to) {
    std::string s = good;
    auto at = s.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return s.replace(at, from.size(), to);
  };
  const std::pair<std::string, std::string> cases[] = {
      {"", "not a JSON object"},
      {good.substr(0, good.size() / 2), "not a JSON object"},
      {"[]", "not a JSON object"},
      {replaced(R"("version":1)", R"("version":2)"), "version"},
      {replaced(R"("next_order_id":8)", R"("next_order_id":-8)"), "next_order_id"},
      {replaced(R"("USD":"99798.899")", R"("USD":99798.899)"), "balances.USD"},
      {replaced(R"("USD":"99798.899")", R"("USD":"lots")"), "balances.USD"},
      {replaced(R"("side":"sell")", R"("side":"up")"), "open_orders[0].side"},
      {replaced(R"("price":"110.5")", R"("price":"1e999")"), "open_orders[0].price"},
      {replaced(R"(["maker-or-cancel"])", R"(["sometimes"])"), "open_orders[0].options"},
      {replaced(R"("timestamp_ns":1700000000123456789)", R"("timestamp_ns":"x")"), "timestamp_ns"},
      {replaced(R"("is_live":true)", R"("is_live":1)"), "is_live"},
  };
  for (const auto& [text, key] : cases) {
    try {
      paper_state_from_json(text);
      ADD_FAILURE() << "accepted: " << text;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(key), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace rtcrypto
