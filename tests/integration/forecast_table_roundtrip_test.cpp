// Round trip: a table written by `rtcrypto forecast fit` (the real subcommand, driven through
// CLI11 in-process) loads through the signal part's ForecastTable and gives, at every minute,
// the side the fitted model implies (buy when yhat(ds + 1 min) > yhat(ds)) — in the rich
// format and in the book's ds,side format.
#include <gtest/gtest.h>

#include <CLI/CLI.hpp>
#include <cmath>
#include <fstream>
#include <numbers>
#include <sstream>
#include <string>
#include <vector>

#include "rtcrypto/app/commands.hpp"
#include "rtcrypto/forecast/prophet_model.hpp"
#include "rtcrypto/signal/forecast_table.hpp"
#include "test_support.hpp"

namespace rtcrypto {
namespace {

constexpr std::size_t kHorizon = 2 * 1440;

void run_cli(std::vector<std::string> args) {
  CLI::App cli("rtcrypto");
  app::add_forecast_command(cli);
  args.insert(args.begin(), "rtcrypto");
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  cli.parse(static_cast<int>(argv.size()), argv.data());
}

std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Four days of one-minute bars (the shared bars layout, newest first to exercise sorting):
// a slow trend, a daily cycle and a little deterministic noise, so the forecast has both
// up and down minutes.
void write_bars(const std::filesystem::path& path) {
  const TimeNs start = *parse_ymd_hms("2024-03-01 00:00:00");
  std::ofstream out(path);
  out << "open_time_ms,open,high,low,close,volume_btc,segment_id,source_id\n";
  const std::size_t n = 4 * 1440;
  for (std::size_t i = n; i-- > 0;) {
    const double day = static_cast<double>(i) / 1440.0;
    const double noise = 0.0005 * std::sin(static_cast<double>(i) * 12.9898);
    const double price =
        60000.0 * std::exp(0.002 * day + 0.01 * std::sin(2 * std::numbers::pi * day) + noise);
    const long long ms = (start + static_cast<TimeNs>(i) * kNsPerMin) / kNsPerMs;
    out << ms << "," << price << "," << price * 1.0005 << "," << price * 0.9995 << "," << price
        << ",1.5,0,0\n";
  }
}

TEST(ForecastTableRoundTrip, FitWritesTablesTheSignalReaderGivesTheSameSides) {
  test::TempDir dir;
  const auto bars = dir / "bars.csv";
  write_bars(bars);
  const auto rich = dir / "rich.csv", book = dir / "book.csv", model_path = dir / "model.json";
  const std::string horizon = std::to_string(kHorizon);
  run_cli({"forecast", "fit", "--bars", bars.string(), "--out", rich.string(), "--format", "rich",
           "--horizon", horizon, "--save-model", model_path.string(), "--uncertainty-samples",
           "200"});
  run_cli({"forecast", "fit", "--bars", bars.string(), "--out", book.string(), "--format", "book",
           "--horizon", horizon, "--no-intervals"});

  const auto model = forecast::ProphetModel::from_json(read_text(model_path));
  const TimeNs first = model.history_end + kNsPerMin;
  ASSERT_EQ(first, *parse_ymd_hms("2024-03-05 00:00:00"));

  const auto rich_table = ForecastTable::load(rich.string());
  const auto book_table = ForecastTable::load(book.string());
  EXPECT_TRUE(rich_table.rich());
  EXPECT_FALSE(book_table.rich());
  for (const ForecastTable* t : {&rich_table, &book_table}) {
    EXPECT_EQ(t->size(), kHorizon);
    EXPECT_EQ(t->covers_from(), first);
    EXPECT_EQ(t->covers_until(), first + static_cast<TimeNs>(kHorizon - 1) * kNsPerMin);
  }

  std::size_t buys = 0, sells = 0;
  for (std::size_t i = 0; i < kHorizon; ++i) {
    const TimeNs ds = first + static_cast<TimeNs>(i) * kNsPerMin;
    const double here = model.predict_one(ds), next = model.predict_one(ds + kNsPerMin);
    const OrderSide expected = next > here ? OrderSide::Buy : OrderSide::Sell;
    (expected == OrderSide::Buy ? buys : sells) += 1;
    const auto* r = rich_table.row_for_minute("BTCUSD", ds);
    const auto* b = book_table.row_for_minute("BTCUSD", ds);
    ASSERT_TRUE(r && b) << format_ymd_hms(ds);
    EXPECT_EQ(r->side, expected) << format_ymd_hms(ds);
    EXPECT_EQ(b->side, expected) << format_ymd_hms(ds);
    ASSERT_TRUE(r->yhat && r->yhat_lower && r->yhat_upper);
    EXPECT_NEAR(*r->yhat, std::exp(here), 1e-6 * std::exp(here) + 1e-6) << format_ymd_hms(ds);
    EXPECT_LE(*r->yhat_lower, *r->yhat);
    EXPECT_GE(*r->yhat_upper, *r->yhat);
    EXPECT_FALSE(b->yhat);
  }
  EXPECT_GT(buys, kHorizon / 10) << "the forecast should go up in some minutes";
  EXPECT_GT(sells, kHorizon / 10) << "and down in others";

  // The decision path: a decision within minute ds - 1 reads the row for ds.
  auto rich_mut = ForecastTable::load(rich.string());
  auto book_mut = ForecastTable::load(book.string());
  for (std::size_t i = 1; i < kHorizon; i += 97) {
    const TimeNs ds = first + static_cast<TimeNs>(i) * kNsPerMin;
    const auto rs = rich_mut.signal_at("BTCUSD", ds - 30 * kNsPerSec);
    const auto bs = book_mut.signal_at("BTCUSD", ds - 30 * kNsPerSec);
    ASSERT_TRUE(rs && bs);
    EXPECT_EQ(rs->target_minute, ds);
    EXPECT_EQ(rs->side, bs->side);
    EXPECT_EQ(rs->side, rich_table.row_for_minute("BTCUSD", ds)->side);
  }
  // After the table ends there is no signal, and the table says it is stale.
  EXPECT_FALSE(book_mut.signal_at("BTCUSD", book_mut.covers_until() + kNsPerMin));
  EXPECT_TRUE(book_mut.stale_at(book_mut.covers_until() + kNsPerMin));
}

TEST(ForecastTableRoundTrip, BadFlagsAreUsageErrors) {
  test::TempDir dir;
  EXPECT_THROW(run_cli({"forecast", "fit", "--bars", (dir / "none.csv").string(), "--out",
                        (dir / "t.csv").string(), "--format", "pandas"}),
               app::UsageError);
  EXPECT_THROW(run_cli({"forecast", "fit", "--bars", (dir / "none.csv").string(), "--out",
                        (dir / "t.csv").string()}),
               app::RuntimeFailure);
}

}  // namespace
}  // namespace rtcrypto
