#include "rtcrypto/app/run_config.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "rtcrypto/app/commands.hpp"

namespace rtcrypto::app {
namespace {

std::string usage_error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const UsageError& e) {
    return e.what();
  }
  return "";
}

TEST(RunConfig, ConfigKeysApplyAndNestedKeysAreNamedInErrors) {
  RunConfig c;
  apply_config_json(
      c, nlohmann::json::parse(
             R"({"symbols":"BTCUSD,ETHUSD","window_seconds":5,"strategy":{"band_low":0.2}})"));
  EXPECT_EQ(c.symbols, (std::vector<std::string>{"BTCUSD", "ETHUSD"}));
  EXPECT_EQ(c.window_seconds, 5);
  EXPECT_DOUBLE_EQ(c.strategy.band_low, 0.2);
  EXPECT_FALSE(c.risk.kill_switch_allows_sells);
  apply_config_json(c, nlohmann::json::parse(R"({"risk":{"kill_switch_allows_sells":true}})"));
  EXPECT_TRUE(c.risk.kill_switch_allows_sells);
  EXPECT_NE(usage_error_of([&] {
              apply_config_json(
                  c, nlohmann::json::parse(R"({"risk":{"kill_switch_allows_sells":"yes"}})"));
            }).find("risk.kill_switch_allows_sells"),
            std::string::npos);
  EXPECT_NE(usage_error_of([&] {
              apply_config_json(c, nlohmann::json::parse(R"({"risk":{"max_position":"x"}})"));
            }).find("risk.max_position"),
            std::string::npos);
  EXPECT_NE(usage_error_of([&] {
              apply_config_json(c, nlohmann::json::parse(R"({"windw_seconds":5})"));
            }).find("windw_seconds"),
            std::string::npos);
}

TEST(RunConfig, ValidateRefusesUnsafeOrInconsistentSettings) {
  RunConfig c;
  EXPECT_EQ(usage_error_of([&] { validate(c); }), "");
  c.mode = "live";
  EXPECT_NE(usage_error_of([&] { validate(c); }).find("confirm_live"), std::string::npos);
  c.confirm_live = true;
  EXPECT_EQ(usage_error_of([&] { validate(c); }), "");
  c.source = "replay:x.tsv";  // live orders on replayed data: refused
  EXPECT_NE(usage_error_of([&] { validate(c); }).find("'source'"), std::string::npos);
  c.no_trading = true;
  EXPECT_EQ(usage_error_of([&] { validate(c); }), "");
  RunConfig d;
  d.strategy.band_low = 3;
  EXPECT_NE(usage_error_of([&] { validate(d); }).find("strategy.band_low"), std::string::npos);
  RunConfig e;
  e.strategy.trade_pct = 1.5;
  EXPECT_NE(usage_error_of([&] { validate(e); }).find("strategy.trade_pct"), std::string::npos);
}

TEST(RunConfig, LstmMinReturnIsAFiniteNonNegativeNumber) {
  RunConfig c;
  apply_config_json(c, nlohmann::json::parse(R"({"lstm_min_return":0.0005})"));
  EXPECT_DOUBLE_EQ(c.lstm_min_return, 0.0005);
  EXPECT_EQ(usage_error_of([&] { validate(c); }), "");
  EXPECT_NE(usage_error_of([&] {
              apply_config_json(c, nlohmann::json::parse(R"({"lstm_min_return":"x"})"));
            }).find("'lstm_min_return'"),
            std::string::npos);
  for (double bad : {-0.001, std::nan(""), HUGE_VAL}) {
    RunConfig d;
    d.lstm_min_return = bad;
    EXPECT_NE(usage_error_of([&] { validate(d); }).find("'lstm_min_return'"), std::string::npos)
        << bad;
  }
}

}  // namespace
}  // namespace rtcrypto::app
