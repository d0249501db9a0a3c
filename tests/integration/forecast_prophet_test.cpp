// Agreement with the reference Prophet (Debian r-cran-prophet, scripts/prophet_reference.R):
// on three one-week slices of the shared train file, the one-day forecast must match within
// 0.1 % in price. Skips with a message when Rscript or the prophet package is missing.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "rtcrypto/bars/minute_bars.hpp"
#include "rtcrypto/forecast/prophet_model.hpp"
#include "test_support.hpp"

namespace rtcrypto::forecast {
namespace {

bool prophet_available() {
  return std::system(
             "TZ=UTC Rscript -e 'suppressPackageStartupMessages(library(prophet))' "
             ">/dev/null 2>&1") == 0;
}

TEST(ProphetReference, OneDayForecastWithinPointOnePercentOnThreeSlices) {
  RTC_SHARED_FILE_OR_SKIP(file, "bars/binance-BTCUSDT-1m-train-2019-2023.csv.gz");
  if (!prophet_available())
    GTEST_SKIP() << "Rscript with the prophet package is not installed (apt-get install "
                    "r-cran-prophet r-cran-codetools); agreement not checked";
  const auto bars = read_minute_bars(file);
  test::TempDir dir;
  const std::size_t rows = 7 * 1440, horizon = 1440;
  // Three slices in different regimes: 2019 (segment 0), 2021 (segment 9), 2023 (segment 11).
  const std::vector<std::size_t> starts = {1000, 240000, 280000};
  std::string cmd = "TZ=UTC Rscript " RTC_PROJECT_DIR "/scripts/prophet_reference.R " +
                    std::to_string(horizon) + " 4 3 0";
  std::vector<ProphetModel> models;
  for (std::size_t s = 0; s < starts.size(); ++s) {
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
    ProphetOptions opt;
    opt.yearly = YearlyMode::Off;
    models.push_back(ProphetModel::fit(ds, y, opt));
    cmd += " " + (dir / ("in" + std::to_string(s) + ".csv")).string() + " " +
           (dir / ("out" + std::to_string(s) + ".csv")).string();
  }
  ASSERT_EQ(std::system((cmd + " 2>" + (dir / "r.log").string()).c_str()), 0)
      << "Rscript failed; see its log";
  for (std::size_t s = 0; s < starts.size(); ++s) {
    std::ifstream out(dir / ("out" + std::to_string(s) + ".csv"));
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
    std::printf("slice %zu (%s): worst relative price difference over one day %.3g\n", s,
                format_ymd_hms(bars[starts[s]].ts).c_str(), worst);
  }
}

}  // namespace
}  // namespace rtcrypto::forecast
