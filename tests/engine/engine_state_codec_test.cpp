#include "rtcrypto/engine/engine_state_codec.hpp"

#include <gtest/gtest.h>

namespace rtcrypto {
namespace {

using namespace rtcrypto::literals;

TEST(EngineStateCodec, RoundTripsExactly) {
  EngineState s;
  s.next_order_seq = 42;
  s.positions["BTCUSD"] = EnginePosition{"60720.31"_d, "0.1460013"_d, "35.460976785612"_d};
  s.positions["ETHUSD"] = EnginePosition{std::nullopt, "0"_d, "0"_d};
  s.risk.killed = true;
  s.risk.kill_reason = "drawdown 12.5 % reached\nthe limit";
  s.risk.killed_at = 1618677960000000000;
  s.risk.peak_equity = "100000.000000000000000001"_d;
  s.risk.day = 18734;
  s.risk.recent_orders = {1, 2, 1618677960000000000};
  std::string text = encode_engine_state(s);
  EngineState d = decode_engine_state(text);
  EXPECT_EQ(d.next_order_seq, 42u);
  ASSERT_EQ(d.positions.size(), 2u);
  EXPECT_EQ(d.positions["BTCUSD"].last_buy_price, "60720.31"_d);
  EXPECT_EQ(d.positions["BTCUSD"].entry_amount, "0.1460013"_d);
  EXPECT_EQ(d.positions["BTCUSD"].entry_fees, "35.460976785612"_d);
  EXPECT_FALSE(d.positions["ETHUSD"].last_buy_price);
  EXPECT_TRUE(d.risk.killed);
  EXPECT_EQ(d.risk.kill_reason, "drawdown 12.5 % reached the limit");
  EXPECT_EQ(d.risk.killed_at, 1618677960000000000);
  EXPECT_EQ(d.risk.peak_equity, "100000.000000000000000001"_d);
  EXPECT_FALSE(d.risk.day_start_equity);
  EXPECT_EQ(d.risk.day, 18734);
  EXPECT_EQ(d.risk.recent_orders, (std::vector<TimeNs>{1, 2, 1618677960000000000}));
  EXPECT_EQ(encode_engine_state(d), text);
}

TEST(EngineStateCodec, RejectsGarbageWithTheLine) {
  auto err = [](std::string_view text) {
    try {
      decode_engine_state(text);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(err("").find("empty"), std::string::npos);
  EXPECT_NE(err("hello\n").find("line 1: not an engine state"), std::string::npos);
  EXPECT_NE(err("rtcrypto-engine-state 1\nnext_order_seq x\n").find("line 2: bad integer"),
            std::string::npos);
  EXPECT_NE(err("rtcrypto-engine-state 1\nposition BTCUSD last_buy=1 amount=zz fees=0\n")
                .find("line 2: bad decimal \"zz\""),
            std::string::npos);
  EXPECT_NE(err("rtcrypto-engine-state 1\nrisk.killed 2\n").find("0 or 1"), std::string::npos);
  EXPECT_NE(err("rtcrypto-engine-state 1\nwhat 1\n").find("unknown key \"what\""),
            std::string::npos);
}

}  // namespace
}  // namespace rtcrypto
