// rtcrypto sim: the Gemini-compatible exchange on loopback, until SIGINT/SIGTERM or --duration.
#include <CLI/CLI.hpp>
#include <cmath>
#include <csignal>
#include <iostream>
#include <stdexcept>
#include <thread>

#include "rtcrypto/app/commands.hpp"
#include "rtcrypto/bars/minute_bars.hpp"
#include "rtcrypto/sim/sim_server.hpp"

namespace rtcrypto::app {

namespace {
volatile std::sig_atomic_t g_stop = 0;
extern "C" void on_stop_signal(int) {
  g_stop = 1;
}
}  // namespace

void add_sim_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("sim",
                                 "Run a Gemini-compatible exchange on loopback (TLS REST + "
                                 "websockets, matching engine, synthetic market)");
  struct Opts {
    std::string listen = "127.0.0.1:18443";
    bool allow_non_loopback = false;
    std::string cert_dir = "simcert";
    std::uint64_t seed = 1;
    double speed = 1.0;
    std::string symbols = "BTCUSD";
    std::vector<std::string> accounts;
    double duration = 0;
    std::string bars;
    int maker_bps = 10, taker_bps = 35;
    bool no_rate_limits = false;
    int history_minutes = 1440;
    double cycle_minutes = 0, cycle_bps = 0;
    sim::FaultConfig faults;
  };
  auto o = std::make_shared<Opts>();
  cmd->add_option("--listen", o->listen, "HOST:PORT to listen on (loopback only)")
      ->capture_default_str();
  cmd->add_flag("--allow-non-loopback", o->allow_non_loopback,
                "Allow --listen on a non-loopback address");
  cmd->add_option("--cert-dir", o->cert_dir, "Directory that receives ca.pem for clients to trust")
      ->capture_default_str();
  cmd->add_option("--seed", o->seed, "Seed of the synthetic market")->capture_default_str();
  cmd->add_option("--speed", o->speed, "Market time runs this many times faster than wall time")
      ->capture_default_str();
  cmd->add_option("--symbols", o->symbols, "Comma-separated symbols")->capture_default_str();
  cmd->add_option("--account", o->accounts,
                  "KEY:SECRET:CUR=AMOUNT,...[:roles=trader+auditor+fundmanager] (repeatable)");
  cmd->add_option("--duration", o->duration,
                  "Stop after this many wall seconds (0 = until a signal)");
  cmd->add_option("--bars", o->bars, "Minute-bars CSV whose closes the mid price follows");
  cmd->add_option("--maker-fee-bps", o->maker_bps, "Maker fee")->capture_default_str();
  cmd->add_option("--taker-fee-bps", o->taker_bps, "Taker fee")->capture_default_str();
  cmd->add_option("--history-minutes", o->history_minutes, "Minute candles before the start")
      ->capture_default_str();
  cmd->add_option("--cycle-minutes", o->cycle_minutes,
                  "Period of an optional intraday cycle in the mid price (0 = none)");
  cmd->add_option("--cycle-bps", o->cycle_bps, "Amplitude of that cycle in basis points");
  cmd->add_flag("--no-rate-limits", o->no_rate_limits, "Do not answer 429 above Gemini's limits");
  cmd->add_option("--fault-ws-drop-every", o->faults.ws_drop_every_s,
                  "Drop every websocket every N seconds");
  cmd->add_option("--fault-ws-skip-rate", o->faults.ws_skip_rate,
                  "Chance a depth/v1 frame is withheld (sequence gap)");
  cmd->add_option("--fault-ws-malformed-rate", o->faults.ws_malformed_rate,
                  "Chance a malformed frame precedes a market-data frame");
  cmd->add_option("--fault-ws-cross-rate", o->faults.ws_cross_rate,
                  "Chance a depth frame carries a crossing level (the client must resync)");
  cmd->add_option("--fault-ws-snapshot-delay-ms", o->faults.ws_snapshot_delay_ms,
                  "Send a depth subscription's snapshot this many ms late");
  cmd->add_option("--fault-rest-delay-rate", o->faults.rest_delay_rate,
                  "Chance a REST answer is delayed");
  cmd->add_option("--fault-rest-delay-ms", o->faults.rest_delay_ms, "Delay of a delayed answer");
  cmd->add_option("--fault-rest-timeout-rate", o->faults.rest_timeout_rate,
                  "Chance a REST call is processed but never answered");
  cmd->add_option("--fault-rest-429-rate", o->faults.rest_429_rate, "Chance of HTTP 429");
  cmd->add_option("--fault-rest-503-rate", o->faults.rest_503_rate, "Chance of HTTP 503");

  cmd->callback([o] {
    sim::SimConfig c;
    try {
      auto [host, port] = sim::parse_listen(o->listen);
      c.listen_host = host;
      c.port = port;
      for (const auto& a : o->accounts) c.accounts.push_back(sim::parse_account_spec(a));
    } catch (const std::invalid_argument& e) {
      throw UsageError(e.what());
    }
    c.allow_non_loopback = o->allow_non_loopback;
    c.cert_dir = o->cert_dir;
    c.seed = o->seed;
    if (!(o->speed > 0)) throw UsageError("--speed must be positive");
    c.speed = o->speed;
    c.symbols.clear();
    std::string_view rest = o->symbols;
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      if (auto s = rest.substr(0, comma); !s.empty()) c.symbols.emplace_back(s);
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
    if (c.symbols.empty()) throw UsageError("--symbols: at least one symbol");
    c.maker_fee_bps = o->maker_bps;
    c.taker_fee_bps = o->taker_bps;
    c.rate_limits = !o->no_rate_limits;
    c.history_minutes = o->history_minutes;
    if (!(o->cycle_minutes >= 0) || !(std::abs(o->cycle_bps) <= 1000))
      throw UsageError("--cycle-minutes must be >= 0 and --cycle-bps within ±1000");
    c.flow.cycle_minutes = o->cycle_minutes;
    c.flow.cycle_bps = o->cycle_bps;
    c.faults = o->faults;
    if (!o->bars.empty()) {
      try {
        for (const auto& b : read_minute_bars(o->bars)) c.follow_closes.push_back(b.close);
      } catch (const std::exception& e) {
        throw UsageError(std::string("--bars: ") + e.what());
      }
      if (c.follow_closes.empty()) throw UsageError("--bars: no bars in " + o->bars);
    }

    sim::SimServer server(c);
    try {
      server.start();
    } catch (const std::invalid_argument& e) {
      throw UsageError(e.what());
    } catch (const std::exception& e) {
      throw RuntimeFailure(e.what());
    }
    std::cout << "rtcrypto sim listening on https://" << server.host() << ":" << server.port()
              << " (websocket wss://" << server.host() << ":" << server.port() << ")\n";
    if (!server.ca_path().empty())
      std::cout << "CA certificate: " << server.ca_path().string() << "\n";
    std::cout << "symbols:";
    for (const auto& s : c.symbols) std::cout << ' ' << s;
    std::cout << "  seed " << c.seed << "  speed " << c.speed << "x  accounts " << c.accounts.size()
              << std::endl;

    std::signal(SIGINT, on_stop_signal);
    std::signal(SIGTERM, on_stop_signal);
    const auto t0 = std::chrono::steady_clock::now();
    while (!g_stop) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      if (o->duration > 0 &&
          std::chrono::steady_clock::now() - t0 >= std::chrono::duration<double>(o->duration)) {
        break;
      }
    }
    server.stop();
    std::cout << "rtcrypto sim stopped" << std::endl;
  });
}

}  // namespace rtcrypto::app
