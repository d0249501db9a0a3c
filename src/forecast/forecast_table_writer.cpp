#include "rtcrypto/forecast/forecast_table_writer.hpp"

#include <cmath>
#include <cstdio>

namespace rtcrypto::forecast {

std::vector<TableRow> make_forecast_rows(const ProphetModel& model, TimeNs first,
                                         std::size_t minutes, bool with_intervals) {
  first = floor_to_period(first, kNsPerMin);
  std::vector<TimeNs> ds(minutes);
  for (std::size_t i = 0; i < minutes; ++i) ds[i] = first + static_cast<TimeNs>(i) * kNsPerMin;
  const auto preds = model.predict(ds, with_intervals);
  std::vector<TableRow> rows(minutes);
  for (std::size_t i = 0; i < minutes; ++i) {
    rows[i].ds = ds[i];
    rows[i].yhat = std::exp(preds[i].yhat);
    rows[i].yhat_lower = std::exp(preds[i].yhat_lower);
    rows[i].yhat_upper = std::exp(preds[i].yhat_upper);
    // Compare in log space, where the model lives (same order as prices).
    const double next = i + 1 < minutes ? preds[i + 1].yhat : model.predict_one(ds[i] + kNsPerMin);
    rows[i].side = next > preds[i].yhat ? OrderSide::Buy : OrderSide::Sell;
  }
  return rows;
}

void write_forecast_table(std::ostream& out, const std::vector<TableRow>& rows,
                          TableFormat format) {
  out << (format == TableFormat::Rich ? "ds,yhat,yhat_lower,yhat_upper,side\n" : "ds,side\n");
  char buf[160];
  for (const auto& r : rows) {
    const std::string ds = format_ymd_hms(r.ds);
    const char* side = r.side == OrderSide::Buy ? "buy" : "sell";
    if (format == TableFormat::Rich)
      std::snprintf(buf, sizeof buf, "%s,%.6f,%.6f,%.6f,%s\n", ds.c_str(), r.yhat, r.yhat_lower,
                    r.yhat_upper, side);
    else
      std::snprintf(buf, sizeof buf, "%s,%s\n", ds.c_str(), side);
    out << buf;
  }
}

}  // namespace rtcrypto::forecast
