#pragma once
// Each subcommand lives in its own src/app/<name>_command.cpp and registers itself on the
// CLI here. Command callbacks report failure by throwing: UsageError exits 2 with its
// one-line message, RuntimeFailure exits with its code (default 1).
#include <stdexcept>
#include <string>

namespace CLI {
class App;
}

namespace rtcrypto::app {

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
struct RuntimeFailure : std::runtime_error {
  explicit RuntimeFailure(const std::string& what, int code = 1)
      : std::runtime_error(what), exit_code(code) {}
  int exit_code;
};

void add_run_command(CLI::App& app);       // rtcrypto run
void add_forecast_command(CLI::App& app);  // rtcrypto forecast fit|eval
void add_lstm_command(CLI::App& app);      // rtcrypto lstm train|eval
void add_sim_command(CLI::App& app);       // rtcrypto sim
void add_record_command(CLI::App& app);    // rtcrypto record
void add_demo_command(CLI::App& app);      // rtcrypto demo
void add_backtest_command(CLI::App& app);  // rtcrypto backtest
void add_kibana_command(CLI::App& app);    // rtcrypto kibana-setup

}  // namespace rtcrypto::app
