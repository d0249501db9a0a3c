#include "rtcrypto/signal/forecast_table.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <fstream>

#include "../test_support.hpp"

namespace rtcrypto {
namespace {

TimeNs at(const char* ymd_hms) {
  return *parse_ymd_hms(ymd_hms);
}

// The book's format: ds,side. 16:45 .. 16:48 with 16:47 missing (a gap).
constexpr const char* kBook =
    "ds,side\n"
    "2021-04-17 16:45:00,buy\n"
    "2021-04-17 16:46:00,sell\n"
    "2021-04-17 16:48:00,buy\n";

TEST(ForecastTable, UsesTheRowForTheNextMinute) {
  auto t = ForecastTable::parse(kBook);
  EXPECT_EQ(t.size(), 3u);
  EXPECT_FALSE(t.rich());
  // Any time within 16:44 looks up 16:45.
  for (const char* when : {"2021-04-17 16:44:00", "2021-04-17 16:44:30", "2021-04-17 16:44:59"}) {
    auto s = t.signal_at("BTCUSD", at(when));
    ASSERT_TRUE(s) << when;
    EXPECT_EQ(s->side, OrderSide::Buy);
    EXPECT_EQ(s->target_minute, at("2021-04-17 16:45:00"));
    EXPECT_EQ(s->source, "forecast");
    EXPECT_FALSE(s->yhat);
  }
  auto last_ns = t.signal_at("BTCUSD", at("2021-04-17 16:45:59") + 999'999'999);
  ASSERT_TRUE(last_ns);
  EXPECT_EQ(last_ns->side, OrderSide::Sell) << "16:45:59.999999999 is still minute 16:45";
}

TEST(ForecastTable, EdgesAndGapsGiveNoSignalNeverTheNearestRow) {
  auto t = ForecastTable::parse(kBook);
  // First row (16:45) is reachable only from 16:44; 16:45 itself uses the second row.
  EXPECT_EQ(t.signal_at("X", at("2021-04-17 16:45:00"))->side, OrderSide::Sell);
  // Before the table: 16:43 -> 16:44 absent.
  EXPECT_FALSE(t.signal_at("X", at("2021-04-17 16:43:59")));
  // The gap: 16:46 -> 16:47 absent, although 16:46 and 16:48 exist.
  EXPECT_FALSE(t.signal_at("X", at("2021-04-17 16:46:10")));
  // Last row (16:48) from 16:47.
  EXPECT_EQ(t.signal_at("X", at("2021-04-17 16:47:00"))->side, OrderSide::Buy);
  // After the table.
  EXPECT_FALSE(t.signal_at("X", at("2021-04-17 16:48:00")));
  EXPECT_FALSE(t.signal_at("X", at("2030-01-01 00:00:00")));
  EXPECT_EQ(t.misses(), 4u);
  EXPECT_EQ(t.covers_from(), at("2021-04-17 16:45:00"));
  EXPECT_EQ(t.covers_until(), at("2021-04-17 16:48:00"));
  EXPECT_FALSE(t.stale_at(at("2021-04-17 16:47:30")));
  EXPECT_TRUE(t.stale_at(at("2021-04-17 16:48:01")));
}

TEST(ForecastTable, RichFormatCarriesTheForecast) {
  auto t = ForecastTable::parse(
      "ds,yhat,yhat_lower,yhat_upper,side\r\n"
      "2021-04-17 16:46:00,60721.5,60690.25,60750,sell\r\n"
      "2021-04-17 16:45:00,60700.0,60680,60720.5,buy\r\n");  // unsorted, CRLF
  EXPECT_TRUE(t.rich());
  auto s = t.signal_at("BTCUSD", at("2021-04-17 16:45:20"));
  ASSERT_TRUE(s);
  EXPECT_EQ(s->side, OrderSide::Sell);
  EXPECT_DOUBLE_EQ(*s->yhat, 60721.5);
  EXPECT_DOUBLE_EQ(*s->yhat_lower, 60690.25);
  EXPECT_DOUBLE_EQ(*s->yhat_upper, 60750);
  EXPECT_EQ(t.signal_at("BTCUSD", at("2021-04-17 16:44:00"))->side, OrderSide::Buy);
}

TEST(ForecastTable, ExtraColumnsAndPandasIndexAreIgnored) {
  auto t = ForecastTable::parse(
      ",ds,trend,side\n"
      "0,2021-04-17 16:45:00,1.5,buy\n"
      "1,2021-04-17 16:46:00,1.6,SELL\n");
  EXPECT_EQ(t.signal_at("X", at("2021-04-17 16:45:00"))->side, OrderSide::Sell);
}

TEST(ForecastTable, OptionalSymbolColumnKeysRows) {
  auto t = ForecastTable::parse(
      "ds,side,symbol\n"
      "2021-04-17 16:45:00,buy,btcusd\n"
      "2021-04-17 16:45:00,sell,ETHUSD\n");
  EXPECT_TRUE(t.keyed_by_symbol());
  EXPECT_EQ(t.signal_at("BTCUSD", at("2021-04-17 16:44:00"))->side, OrderSide::Buy);
  EXPECT_EQ(t.signal_at("ETHUSD", at("2021-04-17 16:44:00"))->side, OrderSide::Sell);
  EXPECT_FALSE(t.signal_at("LTCUSD", at("2021-04-17 16:44:00")));
}

// ds is UTC: a local time zone must not move any lookup.
TEST(ForecastTable, LocalTimeZoneDoesNotChangeResults) {
  const char* old = std::getenv("TZ");
  std::string saved = old ? old : "";
  setenv("TZ", "America/New_York", 1);
  tzset();
  auto t = ForecastTable::parse(kBook);
  TimeNs utc_1645 = 1618677900LL * kNsPerSec;  // 2021-04-17 16:45:00 UTC, computed by hand
  EXPECT_EQ(t.covers_from(), utc_1645);
  auto s = t.signal_at("X", utc_1645 - 30 * kNsPerSec);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->target_minute, utc_1645);
  EXPECT_EQ(s->side, OrderSide::Buy);
  // 12:44 New York time is 16:44 UTC: the local reading would find nothing.
  EXPECT_FALSE(t.signal_at("X", utc_1645 - 4 * 3600 * kNsPerSec));
  if (old)
    setenv("TZ", saved.c_str(), 1);
  else
    unsetenv("TZ");
  tzset();
}

void expect_error(const char* csv, const char* needle) {
  try {
    ForecastTable::parse(csv, "t.csv");
    ADD_FAILURE() << "no error for: " << csv;
  } catch (const ForecastTableError& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

TEST(ForecastTable, MalformedTablesGiveClearErrorsWithLineNumbers) {
  expect_error("", "t.csv:1: empty");
  expect_error("time,direction\n2021-04-17 16:45:00,buy\n", "t.csv:1: header must name");
  expect_error("ds,side\n2021-04-17 16:45:00,buy\n2021-04-17 16:46,sell\n", "t.csv:3: bad ds");
  expect_error("ds,side\n17/04/2021 16:45:00,buy\n", "t.csv:2: bad ds");
  expect_error("ds,side\n2021-04-17 16:45:00,hold\n", "t.csv:2: bad side \"hold\"");
  expect_error("ds,side\n2021-04-17 16:45:00\n", "t.csv:2: expected 2 columns, found 1");
  expect_error("ds,side\n2021-04-17 16:45:30,buy\n",
               "t.csv:2: ds \"2021-04-17 16:45:30\" is not on a whole minute");
  expect_error("ds,yhat,yhat_lower,yhat_upper,side\n2021-04-17 16:45:00,abc,1,2,buy\n",
               "t.csv:2: bad yhat \"abc\"");
  expect_error("ds,side\n2021-04-17 16:45:00,buy\n\n2021-04-17 16:45:00,sell\n",
               "duplicate ds 2021-04-17 16:45:00");
}

TEST(ForecastTable, LoadsAFileAndReportsAMissingOne) {
  test::TempDir dir;
  auto p = dir / "f.csv";
  std::ofstream(p) << kBook;
  auto t = ForecastTable::load(p.string());
  EXPECT_EQ(t.size(), 3u);
  EXPECT_NE(t.describe().find("3 rows"), std::string::npos);
  EXPECT_THROW(ForecastTable::load((dir / "nope.csv").string()), ForecastTableError);
}

}  // namespace
}  // namespace rtcrypto
