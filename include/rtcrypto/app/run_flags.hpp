#pragma once
// The RunConfig flags of a subcommand, shared by `run` and `backtest`. Each flag writes into
// a scratch RunConfig; load() starts from `base`, applies the --config file, then copies
// only the flags actually given (flags win, the file fills in the rest).
#include <functional>
#include <string>
#include <vector>

#include "rtcrypto/app/run_config.hpp"

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace rtcrypto::app {

class RunFlags {
 public:
  // Keep the object alive as long as `cmd` may parse (options point into it).
  explicit RunFlags(CLI::App& cmd);

  template <class T>
  CLI::Option* option(const std::string& name, T RunConfig::*member, const std::string& help);
  template <class S, class T>
  CLI::Option* nested(const std::string& name, S RunConfig::*outer, T S::*member,
                      const std::string& help);
  CLI::Option* flag(const std::string& name, bool RunConfig::*member, const std::string& help);
  template <class S>
  CLI::Option* nested_flag(const std::string& name, S RunConfig::*outer, bool S::*member,
                           const std::string& help);

  // --config FILE.
  void add_config();
  // The symbol list under `names` ("--symbols" or "--symbols,--symbol"), comma-separated.
  void add_symbols(const std::string& names);
  // --log-level.
  void add_log_level();
  // Strategy, paper account and fees, risk limits: what run and backtest trade with.
  void add_trading();
  // Offline sources: --from, --to and the synthetic book of bars (--bar-spread-bps, ...).
  void add_offline();

  // base <- --config file <- given flags; sets the log level. Throws UsageError.
  RunConfig load(RunConfig base = {}) const;

 private:
  template <class S, class T>
  CLI::Option* bind_nested(CLI::Option* o, S RunConfig::*outer, T S::*member);

  struct Binding {
    CLI::Option* option;
    std::function<void(RunConfig& dst, const RunConfig& src)> copy;
  };
  CLI::App& cmd_;
  RunConfig flags_;
  std::vector<Binding> bindings_;
  std::string config_path_;
};

}  // namespace rtcrypto::app
