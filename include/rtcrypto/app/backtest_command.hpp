#pragma once
// `rtcrypto backtest` as a function, for tests and other commands.
#include "rtcrypto/app/backtest_report.hpp"
#include "rtcrypto/app/run_config.hpp"

namespace rtcrypto::app {

// Runs a checked paper config with an offline source (replay:FILE or bars:FILE) through
// open_run / run_source / close_run and returns the report. Progress lines go to stderr
// every `progress_seconds` (0 = none); SIGINT/SIGTERM stop it with a partial report.
BacktestReport run_backtest(const RunConfig& cfg, double progress_seconds = 0);

}  // namespace rtcrypto::app
