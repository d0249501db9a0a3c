#pragma once
// The precomputed forecast table (DESIGN "Forecast table"): the book's `ds,side` CSV or the
// rich `ds,yhat,yhat_lower,yhat_upper,side` written by `rtcrypto forecast`. Columns are
// found by name in the header (extra columns, such as a pandas index, are ignored; an
// optional `symbol` column keys the rows by symbol). `ds` is UTC, on a whole minute.
// A decision at time t uses the row for minute(t) + 1; a minute the table does not hold
// gives no signal and a rate-limited warning — never the nearest row.
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "rtcrypto/core/log.hpp"
#include "rtcrypto/signal/signal_source.hpp"

namespace rtcrypto {

// Thrown for an unreadable or malformed table; the message names the line.
class ForecastTableError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class ForecastTable final : public SignalSource {
 public:
  struct Row {
    TimeNs ds = 0;  // the minute this row forecasts
    OrderSide side = OrderSide::Buy;
    std::optional<double> yhat, yhat_lower, yhat_upper;
  };

  // Reads a CSV file; throws ForecastTableError ("FILE:LINE: reason").
  static ForecastTable load(const std::string& path);
  // Parses CSV text; `origin` names it in error messages.
  static ForecastTable parse(std::string_view text, std::string_view origin = "forecast table");

  std::optional<SignalValue> signal_at(std::string_view symbol, TimeNs t) override;
  std::string describe() const override;

  // The row for the minute starting at `minute` (exact match only).
  const Row* row_for_minute(std::string_view symbol, TimeNs minute) const;
  // First and last minute the table holds (for staleness warnings); 0 when empty.
  TimeNs covers_from() const { return first_; }
  TimeNs covers_until() const { return last_; }
  // True when the last row is at least `margin` older than t (the table has run out).
  bool stale_at(TimeNs t, TimeNs margin = 0) const {
    return rows_total_ == 0 || t > last_ + margin;
  }
  std::size_t size() const { return rows_total_; }
  bool rich() const { return rich_; }
  bool keyed_by_symbol() const { return !by_symbol_.empty(); }
  std::uint64_t misses() const { return misses_; }

 private:
  const std::vector<Row>* rows_for(std::string_view symbol) const;

  std::vector<Row> rows_;  // sorted by ds (tables without a symbol column)
  std::map<std::string, std::vector<Row>, std::less<>> by_symbol_;
  std::string origin_;
  bool rich_ = false;
  std::size_t rows_total_ = 0;
  TimeNs first_ = 0, last_ = 0;
  std::uint64_t misses_ = 0;
  log::RateLimiter warn_limit_{3, 60 * kNsPerSec};
};

}  // namespace rtcrypto
