#pragma once
// Turns a model fitted on log prices into the forecast table of the DESIGN contract:
// rich `ds,yhat,yhat_lower,yhat_upper,side` (prices) or the book's `ds,side`.
#include <ostream>
#include <vector>

#include "rtcrypto/core/types.hpp"
#include "rtcrypto/forecast/prophet_model.hpp"

namespace rtcrypto::forecast {

enum class TableFormat { Rich, Book };

struct TableRow {
  TimeNs ds = 0;
  double yhat = 0, yhat_lower = 0, yhat_upper = 0;  // prices (exp of the log-price model)
  OrderSide side = OrderSide::Buy;                  // buy when yhat(ds + 1 min) > yhat(ds)
};

// `minutes` rows from `first` (a minute start), one per minute.
std::vector<TableRow> make_forecast_rows(const ProphetModel& model, TimeNs first,
                                         std::size_t minutes, bool with_intervals = true);

void write_forecast_table(std::ostream& out, const std::vector<TableRow>& rows, TableFormat format);

}  // namespace rtcrypto::forecast
