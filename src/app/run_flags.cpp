#include "rtcrypto/app/run_flags.hpp"

#include <CLI/CLI.hpp>

#include "rtcrypto/app/commands.hpp"
#include "rtcrypto/core/log.hpp"

namespace rtcrypto::app {

RunFlags::RunFlags(CLI::App& cmd) : cmd_(cmd) {}

template <class T>
CLI::Option* RunFlags::option(const std::string& name, T RunConfig::*member,
                              const std::string& help) {
  CLI::Option* o = cmd_.add_option(name, flags_.*member, help);
  bindings_.push_back({o, [member](RunConfig& d, const RunConfig& s) { d.*member = s.*member; }});
  return o;
}

// Copies the nested member into the effective config when option `o` was given.
template <class S, class T>
CLI::Option* RunFlags::bind_nested(CLI::Option* o, S RunConfig::*outer, T S::*member) {
  bindings_.push_back({o, [outer, member](RunConfig& d, const RunConfig& s) {
                         (d.*outer).*member = (s.*outer).*member;
                       }});
  return o;
}

template <class S, class T>
CLI::Option* RunFlags::nested(const std::string& name, S RunConfig::*outer, T S::*member,
                              const std::string& help) {
  return bind_nested(cmd_.add_option(name, (flags_.*outer).*member, help), outer, member);
}

CLI::Option* RunFlags::flag(const std::string& name, bool RunConfig::*member,
                            const std::string& help) {
  CLI::Option* o = cmd_.add_flag(name, flags_.*member, help);
  bindings_.push_back({o, [member](RunConfig& d, const RunConfig& s) { d.*member = s.*member; }});
  return o;
}

template <class S>
CLI::Option* RunFlags::nested_flag(const std::string& name, S RunConfig::*outer, bool S::*member,
                                   const std::string& help) {
  return bind_nested(cmd_.add_flag(name, (flags_.*outer).*member, help), outer, member);
}

// The member types RunConfig uses.
template CLI::Option* RunFlags::option(const std::string&, std::string RunConfig::*,
                                       const std::string&);
template CLI::Option* RunFlags::option(const std::string&, int RunConfig::*, const std::string&);
template CLI::Option* RunFlags::option(const std::string&, double RunConfig::*, const std::string&);
template CLI::Option* RunFlags::nested(const std::string&, StrategySettings RunConfig::*,
                                       double StrategySettings::*, const std::string&);
template CLI::Option* RunFlags::nested(const std::string&, StrategySettings RunConfig::*,
                                       std::string StrategySettings::*, const std::string&);
template CLI::Option* RunFlags::nested(const std::string&, RiskSettings RunConfig::*,
                                       double RiskSettings::*, const std::string&);
template CLI::Option* RunFlags::nested(const std::string&, RiskSettings RunConfig::*,
                                       int RiskSettings::*, const std::string&);
template CLI::Option* RunFlags::nested(const std::string&, PaperSettings RunConfig::*,
                                       double PaperSettings::*, const std::string&);
template CLI::Option* RunFlags::nested(const std::string&, PaperSettings RunConfig::*,
                                       std::string PaperSettings::*, const std::string&);
template CLI::Option* RunFlags::nested(const std::string&, BarBookSettings RunConfig::*,
                                       double BarBookSettings::*, const std::string&);
template CLI::Option* RunFlags::nested(const std::string&, BarBookSettings RunConfig::*,
                                       int BarBookSettings::*, const std::string&);

void RunFlags::add_config() {
  cmd_.add_option("--config", config_path_, "JSON config file (config/rtcrypto.example.json)");
}

void RunFlags::add_symbols(const std::string& names) {
  CLI::Option* o = cmd_.add_option(names, flags_.symbols, "comma-separated symbols (BTCUSD,ETHUSD)")
                       ->delimiter(',');
  bindings_.push_back({o, [](RunConfig& d, const RunConfig& s) { d.symbols = s.symbols; }});
}

void RunFlags::add_log_level() {
  option("--log-level", &RunConfig::log_level, "debug | info | warn | error");
}

void RunFlags::add_trading() {
  using R = RunConfig;
  option("--lstm-min-return", &R::lstm_min_return,
         "lstm dead band: no signal when |predicted return| is below this (0)");
  nested("--band-low", &R::strategy, &StrategySettings::band_low, "ratio band low (0.1)");
  nested("--band-high", &R::strategy, &StrategySettings::band_high, "ratio band high (2)");
  nested("--trade-pct", &R::strategy, &StrategySettings::trade_pct, "share of quote per buy (0.9)");
  nested("--slippage-bps", &R::strategy, &StrategySettings::slippage_bps, "IOC slippage cap");
  nested("--ratio", &R::strategy, &StrategySettings::ratio, "ask_over_bid | bid_over_ask");
  nested("--paper-balances", &R::paper, &PaperSettings::balances, "USD=100000,BTC=0");
  nested("--taker-fee-bps", &R::paper, &PaperSettings::taker_fee_bps, "paper taker fee (40)");
  nested("--maker-fee-bps", &R::paper, &PaperSettings::maker_fee_bps, "paper maker fee (20)");
  nested("--max-order-notional", &R::risk, &RiskSettings::max_order_notional, "risk limit");
  nested("--max-position", &R::risk, &RiskSettings::max_position, "risk limit (base units)");
  nested("--max-orders-per-minute", &R::risk, &RiskSettings::max_orders_per_minute, "risk limit");
  nested("--daily-loss-limit", &R::risk, &RiskSettings::daily_loss_limit, "kill switch");
  nested("--max-drawdown-pct", &R::risk, &RiskSettings::max_drawdown_pct, "kill switch");
  nested("--max-book-age-ms", &R::risk, &RiskSettings::max_book_age_ms, "stale-book guard");
  nested_flag("--kill-switch-allows-sells", &R::risk, &RiskSettings::kill_switch_allows_sells,
              "after a kill-switch trip, still sell what is held on a sell signal");
}

void RunFlags::add_offline() {
  using R = RunConfig;
  option("--from", &R::from, "offline sources: start at this UTC time (YYYY-MM-DD[ HH:MM:SS])");
  option("--to", &R::to, "offline sources: stop before this UTC time");
  nested("--bar-spread-bps", &R::bars, &BarBookSettings::spread_bps,
         "bars: synthetic spread around the close (2)");
  nested("--bar-levels", &R::bars, &BarBookSettings::levels, "bars: book levels per side (10)");
  nested("--bar-level-step-bps", &R::bars, &BarBookSettings::level_step_bps,
         "bars: distance between levels (1)");
  nested("--bar-level-notional", &R::bars, &BarBookSettings::level_notional,
         "bars: quote currency per level (1000000)");
}

RunConfig RunFlags::load(RunConfig cfg) const {
  if (!config_path_.empty()) load_config_file(cfg, config_path_);
  for (const auto& b : bindings_)
    if (b.option->count() > 0) b.copy(cfg, flags_);
  log::Level lvl;
  if (!log::parse_level(cfg.log_level, lvl))
    throw UsageError("config key 'log_level': must be debug, info, warn or error");
  log::set_level(lvl);
  return cfg;
}

}  // namespace rtcrypto::app
