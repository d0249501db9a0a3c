#pragma once
// What `rtcrypto backtest` reports, gathered from the engine's own records (a RecordSink
// beside the store) and its stats: period, input, windows, decisions by outcome and reason,
// orders, fills, fees, balances, PnL and return against buy-and-hold, drawdowns, round
// trips. Everything comes from event time and exact decimals: the same input gives the same
// report, byte for byte.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "rtcrypto/core/decimal.hpp"
#include "rtcrypto/core/record.hpp"
#include "rtcrypto/engine/engine.hpp"
#include "rtcrypto/exec/exchange.hpp"

namespace rtcrypto::app {

struct BacktestReport {
  std::string source, signal, symbols, quote;  // quote: currency of equity and PnL
  std::string from, to;                        // as requested ("" = open)
  TimeNs period_start = 0, period_end = 0;     // first window start .. last window end
  std::string input_kind;                      // "bars" | "frames"
  std::uint64_t inputs = 0, skipped = 0, parse_errors = 0;
  std::uint64_t windows = 0, decisions = 0;
  std::uint64_t decisions_taken = 0, decisions_risk_refused = 0, decisions_no_action = 0;
  std::map<std::string, std::uint64_t> decisions_by_reason;
  std::uint64_t orders = 0, orders_accepted = 0, orders_rejected = 0, orders_unknown = 0;
  std::uint64_t buys = 0, sells = 0, fills = 0;
  Decimal fees, realized_pnl;
  std::vector<std::pair<std::string, Decimal>> initial_balances, final_balances;
  std::optional<Decimal> initial_equity, final_equity, pnl;  // marked at the book's mid
  // Percentages, rounded to 1e-4 (what the text shows).
  std::optional<double> return_pct, buy_hold_return_pct, max_drawdown_pct,
      buy_hold_max_drawdown_pct;
  std::uint64_t round_trips = 0, won = 0, lost = 0, even = 0;
  bool interrupted = false;
};

// Collects from the engine's records while the backtest runs.
class BacktestMonitor final : public RecordSink {
 public:
  void write(const Record& r) override;
  void flush() override {}

  // Fills the record-derived part of `out` once the run is over. `final_balances` are the
  // exchange's; `taker_fee_bps` prices the buy-and-hold entry.
  void finish(BacktestReport& out, const EngineStats& stats,
              const std::vector<Balance>& final_balances, double taker_fee_bps) const;

 private:
  struct SymbolMarks {
    std::string quote;
    std::optional<Decimal> first_ask, last_mid;
    double hold_peak = 0, hold_max_drawdown = 0;  // buy-and-hold path (mid / first ask)
  };
  std::map<std::string, SymbolMarks> marks_;
  std::vector<std::string> symbol_order_;
  std::optional<Decimal> first_equity_;
  double equity_peak_ = 0, max_drawdown_ = 0;
  TimeNs first_start_ = 0, last_end_ = 0;
  std::uint64_t taken_ = 0, risk_refused_ = 0, no_action_ = 0;
  std::map<std::string, std::uint64_t> by_reason_;
  std::uint64_t orders_accepted_ = 0, orders_rejected_ = 0, orders_unknown_ = 0;
  std::uint64_t buys_ = 0, sells_ = 0;
  std::uint64_t won_ = 0, lost_ = 0, even_ = 0;
};

// Human text (default) and JSON (`--json`: counts and percentages as numbers, amounts of
// money as exact decimal strings, the same values the text shows).
std::string backtest_report_text(const BacktestReport& r);
std::string backtest_report_json(const BacktestReport& r);

}  // namespace rtcrypto::app
