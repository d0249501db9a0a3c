#pragma once
// Everything `rtcrypto sim` and the in-process SimServer can be told.
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rtcrypto/core/decimal.hpp"
#include "rtcrypto/core/time.hpp"

namespace rtcrypto::sim {

struct AccountSpec {
  std::string key;
  std::string secret;
  std::map<std::string, Decimal> balances;
  // Gemini roles; a key without Trader gets MissingRole on order endpoints.
  bool trader = true;
  bool auditor = true;
  bool fund_manager = true;
};

// "KEY:SECRET:USD=100000,BTC=10[:roles=trader+auditor]"; throws std::invalid_argument with a
// message that never contains the secret.
AccountSpec parse_account_spec(std::string_view text);

struct FaultConfig {
  double ws_drop_every_s = 0;    // close every websocket this often (0 = never)
  double ws_skip_rate = 0;       // chance a depth/v1 frame is withheld from a socket (a gap)
  double ws_malformed_rate = 0;  // chance a malformed frame is sent before a real one
  double ws_cross_rate = 0;      // chance a depth frame carries a bid above the best ask
  int ws_snapshot_delay_ms = 0;  // a depth subscription's snapshot comes this much later
  double rest_delay_rate = 0;    // chance a REST answer is delayed by rest_delay_ms
  int rest_delay_ms = 1500;
  double rest_timeout_rate = 0;       // chance a REST call is processed but never answered
  int rest_timeout_close_ms = 30000;  // then the connection is closed
  double rest_429_rate = 0;           // chance of HTTP 429 before processing
  double rest_503_rate = 0;           // chance of HTTP 503 (Maintenance) before processing
};

// Shape of the synthetic market (rates are per second of market time).
struct FlowParams {
  double vol_per_minute = 0.0006;  // stdev of the log mid change per market minute
  double half_spread_bps = 0.6;
  int levels_per_side = 25;
  double level_gap_bps = 0.8;  // mean distance between resting levels
  double add_rate = 3.0;
  double cancel_rate = 2.6;
  double trade_rate = 0.5;
  double mean_size = 0.08;  // base units
  int step_ms = 20;         // wall time between flow steps
  // An optional intraday cycle on top of the walk: log mid += cycle_bps·1e-4·sin(2π t/period),
  // t in market minutes since the epoch. Off by default; the demo turns it on so that its
  // forecaster has a pattern to find (real markets are not this kind).
  double cycle_minutes = 0;
  double cycle_bps = 0;
};

struct SimConfig {
  std::string listen_host = "127.0.0.1";
  std::uint16_t port = 0;  // 0 = any free port
  bool allow_non_loopback = false;
  std::filesystem::path cert_dir;  // where ca.pem is written (empty = nowhere)
  std::uint64_t seed = 1;
  double speed = 1.0;  // market time runs this many times faster than the wall clock
  std::vector<std::string> symbols{"BTCUSD"};
  std::map<std::string, double> start_prices;  // symbol -> first mid (defaults per symbol)
  std::vector<AccountSpec> accounts;
  FaultConfig faults;
  int maker_fee_bps = 10;
  int taker_fee_bps = 35;
  bool rate_limits = true;  // Gemini's 120/min public, 600/min private (+5 burst)
  int public_per_minute = 120;
  int private_per_minute = 600;
  int history_minutes = 1440;  // minute candles before the start
  bool synthetic_flow = true;  // false: only the accounts' orders move the market
  FlowParams flow;
  std::optional<TimeNs> start_time;  // market time at start; default: wall clock now
  // Closes to follow, one per market minute (e.g. from a minute-bars file); empty = random walk.
  std::vector<double> follow_closes;
};

double default_start_price(std::string_view symbol);

}  // namespace rtcrypto::sim
