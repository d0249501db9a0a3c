#include "rtcrypto/app/cli.hpp"

#include <CLI/CLI.hpp>
#include <iostream>

#include "rtcrypto/app/commands.hpp"
#include "rtcrypto/core/log.hpp"
#include "rtcrypto/version.hpp"

namespace rtcrypto::app {

int main(int argc, char** argv) {
  CLI::App cli{"rtcrypto: real-time crypto trading daemon (Gemini -> book -> liquidity windows -> "
               "forecast -> orders)"};
  cli.set_version_flag("--version", std::string("rtcrypto ") + RTCRYPTO_VERSION);
  cli.require_subcommand(1, 1);
  // Each subcommand registers itself (src/app/<name>_command.cpp). Add new ones here.
  // [commands]
  add_kibana_command(cli);
  add_run_command(cli);
  add_sim_command(cli);
  add_forecast_command(cli);
  add_lstm_command(cli);
  add_record_command(cli);
  add_demo_command(cli);
  add_backtest_command(cli);
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return cli.exit(e);
    std::cerr << "rtcrypto: " << e.what() << "\n";
    return 2;
  } catch (const UsageError& e) {
    std::cerr << "rtcrypto: " << e.what() << "\n";
    return 2;
  } catch (const RuntimeFailure& e) {
    log::error(e.what());
    return e.exit_code;
  } catch (const std::exception& e) {
    log::error(std::string("fatal: ") + e.what());
    return 1;
  }
  return 0;
}

}  // namespace rtcrypto::app
