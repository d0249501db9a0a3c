#include "rtcrypto/app/cli.hpp"

#include <CLI/CLI.hpp>
#include <iostream>

#include "rtcrypto/version.hpp"

namespace rtcrypto::app {

int main(int argc, char** argv) {
  CLI::App cli{"rtcrypto: real-time crypto trading daemon"};
  cli.set_version_flag("--version", std::string("rtcrypto ") + RTCRYPTO_VERSION);
  cli.require_subcommand(0, 1);
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e) == 0 ? 0 : 2;
  }
  if (cli.get_subcommands().empty()) {
    std::cout << cli.help();
  }
  return 0;
}

}  // namespace rtcrypto::app
