// Agreement with the reference Prophet (Debian r-cran-prophet, scripts/prophet_reference.R):
// on three three-day slices of the shared train file (each inside one segment), with both
// sides at their default settings (daily on, weekly and yearly off for three days, as
// Prophet's 'auto'), the one-day forecast must match within 0.1 % in price, and our
// parameters must score at least as well on Prophet's own Stan objective.
//
// Prophet is run with algorithm = "Newton" (passed through prophet() to rstan::optimizing;
// Prophet itself falls back to it when L-BFGS fails). With its default L-BFGS, Prophet stops
// well before the optimum of its own objective on minute data (sigma_obs ~ 1e-3 in scaled
// units makes the problem very ill-conditioned): on these slices its log posterior is lower
// than ours by tens to hundreds of units and its one-day forecasts differ by percents;
// Stan's Newton run from Prophet's own initial values reaches our solution. See
// docs/forecast-eval.md. Skips with a message when Rscript or the prophet package is missing.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "rtcrypto/bars/minute_bars.hpp"
#include "rtcrypto/forecast/prophet_model.hpp"
#include "test_support.hpp"

namespace rtcrypto::forecast {
namespace {

bool prophet_available() {
  return std::system(
             "TZ=UTC Rscript -e 'suppressPackageStartupMessages({library(prophet); "
             "library(jsonlite)})' >/dev/null 2>&1") == 0;
}

std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(ProphetReference, OneDayForecastWithinPointOnePercentOnThreeSlices) {
  RTC_SHARED_FILE_OR_SKIP(file, "bars/binance-BTCUSDT-1m-train-2019-2023.csv.gz");
  if (!prophet_available())
    GTEST_SKIP() << "Rscript with the prophet and jsonlite packages is not installed (apt-get "
                    "install r-cran-prophet r-cran-jsonlite); agreement not checked";
  const auto bars = read_minute_bars(file);
  test::TempDir dir;
  // Three days per slice keeps Prophet's Newton fits (the slow part) near a minute in all.
  const std::size_t rows = 3 * 1440, horizon = 1440;
  // Different regimes: 2019 (segment 0), 2021 (segment 9), 2023 (segment 11).
  const std::vector<std::size_t> starts = {1000, 240000, 280000};
  std::string cmd = "TZ=UTC RTC_PROPHET_ALGORITHM=Newton Rscript " RTC_PROJECT_DIR
                    "/scripts/prophet_reference.R " +
                    std::to_string(horizon) + " auto auto auto";
  std::vector<ProphetModel> models;
  std::vector<double> our_objective;
  for (std::size_t s = 0; s < starts.size(); ++s) {
    ASSERT_LT(starts[s] + rows, bars.size());
    ASSERT_EQ(bars[starts[s]].segment, bars[starts[s] + rows - 1].segment)
        << "slice " << s << " crosses a segment boundary";
    std::ofstream in(dir / ("in" + std::to_string(s) + ".csv"));
    in << "ds,y\n";
    std::vector<TimeNs> ds;
    std::vector<double> y;
    char buf[64];
    for (std::size_t i = starts[s]; i < starts[s] + rows; ++i) {
      ds.push_back(bars[i].ts);
      y.push_back(std::log(model_price(bars[i])));
      std::snprintf(buf, sizeof buf, "%.12f", y.back());
      in << format_ymd_hms(bars[i].ts) << "," << buf << "\n";
    }
    models.push_back(ProphetModel::fit(ds, y));  // Prophet's defaults
    ASSERT_EQ(models.back().seasonalities.size(), 1u);
    EXPECT_EQ(models.back().seasonalities[0].name, "daily");
    our_objective.push_back(models.back().log_posterior(ds, y));
    cmd += " " + (dir / ("in" + std::to_string(s) + ".csv")).string() + " " +
           (dir / ("out" + std::to_string(s) + ".csv")).string();
  }
  const auto log = dir / "r.log";
  ASSERT_EQ(std::system((cmd + " 2>" + log.string()).c_str()), 0)
      << "Rscript failed; its log: " << read_text(log);
  for (std::size_t s = 0; s < starts.size(); ++s) {
    const auto out_path = dir / ("out" + std::to_string(s) + ".csv");
    const auto params = nlohmann::json::parse(read_text(out_path.string() + ".params.json"));
    const double theirs_objective = params.at("objective");
    EXPECT_EQ(params.at("return_code"), 0);
    EXPECT_NEAR(params.at("y_scale").get<double>(), models[s].y_scale, 1e-9);
    EXPECT_NEAR(params.at("t_scale").get<double>(), models[s].t_scale_sec, 1e-6);
    EXPECT_EQ(params.at("feature_columns").size(), 8u) << "Prophet: daily order 4 only";
    const auto cps = params.at("changepoints_t").get<std::vector<double>>();
    ASSERT_EQ(cps.size(), models[s].changepoints_t.size());
    for (std::size_t j = 0; j < cps.size(); ++j)
      EXPECT_NEAR(cps[j], models[s].changepoints_t[j], 1e-12) << "changepoint " << j;

    std::ifstream out(out_path);
    std::string line;
    std::getline(out, line);
    ASSERT_EQ(line, "ds,yhat");
    std::size_t n = 0;
    double worst = 0;
    while (std::getline(out, line)) {
      const auto comma = line.find(',');
      const auto ds = parse_ymd_hms(line.substr(0, comma));
      ASSERT_TRUE(ds) << line;
      const double theirs = std::exp(std::stod(line.substr(comma + 1)));
      const double ours = std::exp(models[s].predict_one(*ds));
      worst = std::max(worst, std::abs(ours - theirs) / theirs);
      ++n;
    }
    EXPECT_EQ(n, horizon);
    EXPECT_LT(worst, 1e-3) << "slice " << s << " starting " << format_ymd_hms(bars[starts[s]].ts);
    // Ours is the optimum of Prophet's own objective: never worse than Prophet's, up to
    // round-off in a value of order 1e4.
    EXPECT_GE(our_objective[s], theirs_objective - 1e-6 * std::abs(theirs_objective))
        << "slice " << s;
    std::printf(
        "slice %zu (%s, %zu rows): worst relative price difference over one day %.3g; Stan "
        "objective ours %.4f, Prophet (Newton) %.4f\n",
        s, format_ymd_hms(bars[starts[s]].ts).c_str(), rows, worst, our_objective[s],
        theirs_objective);
  }
}

}  // namespace
}  // namespace rtcrypto::forecast
