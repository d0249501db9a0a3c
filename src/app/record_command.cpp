// rtcrypto record: capture raw Gemini websocket frames with receive timestamps in the
// project's replay format, rotating files by size and by hour.
#include <CLI/CLI.hpp>
#include <csignal>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include "rtcrypto/app/commands.hpp"
#include "rtcrypto/core/log.hpp"
#include "rtcrypto/net/endpoints.hpp"
#include "rtcrypto/net/market_data_client.hpp"
#include "rtcrypto/net/rotating_recorder.hpp"

namespace rtcrypto::app {
namespace {

struct RecordOptions {
  std::string feed = "ws";
  std::string symbols = "BTCUSD";
  std::string out = "recordings";
  std::string mode = "paper";
  std::string ws_url;
  std::string ca_file;
  double rotate_mb = 256;
  bool no_hourly = false;
  bool gzip = false;
  double duration = 0;
  std::string log_level = "info";
};

std::vector<std::string> split_symbols(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s + ",") {
    if (c == ',' || c == ' ') {
      if (!cur.empty()) out.push_back(normalize_symbol(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  return out;
}

void run_record(const RecordOptions& o) {
  log::Level lvl;
  if (!log::parse_level(o.log_level, lvl))
    throw UsageError("--log-level: unknown level " + o.log_level);
  log::set_level(lvl);
  auto feed = net::parse_feed_protocol(o.feed);
  if (!feed) throw UsageError("--feed must be ws, v2 or v1 (got '" + o.feed + "')");
  auto mode = net::parse_trading_mode(o.mode);
  if (!mode) throw UsageError("--mode must be paper, sandbox or live (got '" + o.mode + "')");
  auto symbols = split_symbols(o.symbols);
  if (symbols.empty()) throw UsageError("--symbols: give at least one symbol");
  if (o.rotate_mb < 0) throw UsageError("--rotate-mb must be >= 0");
  if (o.duration < 0) throw UsageError("--duration must be >= 0");
  auto ep = net::resolve_endpoints(*mode, *feed, o.ws_url);

  net::RotationPolicy policy;
  policy.max_bytes = static_cast<std::uint64_t>(o.rotate_mb * 1024 * 1024);
  policy.hourly = !o.no_hourly;
  policy.gzip = o.gzip;
  net::RotatingRecorder recorder(o.out, *feed, policy);

  boost::asio::io_context io;
  net::MarketDataConfig cfg;
  cfg.protocol = *feed;
  cfg.url = ep.ws_url;
  cfg.symbols = symbols;
  cfg.ca_file = o.ca_file;
  std::string run_id = std::to_string(wall_now_ns() / kNsPerSec);
  std::string write_error;
  std::unique_ptr<net::MarketDataClient> client;
  try {
    client = std::make_unique<net::MarketDataClient>(
        io, cfg, [&](std::string_view frame, TimeNs recv_ts, const net::FrameSource& src) {
          try {
            recorder.write(recv_ts, src.symbol, run_id + "-" + std::to_string(src.session), frame);
          } catch (const std::exception& e) {
            write_error = e.what();
            io.stop();
          }
        });
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--ws-url/--symbols: ") + e.what());
  } catch (const std::runtime_error& e) {
    throw UsageError(std::string("--ca-file: ") + e.what());
  }

  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  auto finish = [&] {
    client->stop();
    io.stop();
  };
  signals.async_wait([&](const boost::system::error_code& ec, int sig) {
    if (!ec) log::info("record: signal " + std::to_string(sig) + ", closing files");
    finish();
  });
  boost::asio::steady_timer deadline(io);
  if (o.duration > 0) {
    deadline.expires_after(std::chrono::milliseconds(static_cast<std::int64_t>(o.duration * 1000)));
    deadline.async_wait([&](const boost::system::error_code& ec) {
      if (!ec) finish();
    });
  }
  boost::asio::steady_timer flusher(io);
  std::function<void()> flush_loop = [&] {
    flusher.expires_after(std::chrono::seconds(1));
    flusher.async_wait([&](const boost::system::error_code& ec) {
      if (ec) return;
      recorder.flush();
      flush_loop();
    });
  };
  flush_loop();
  log::info("record: " + std::string(to_string(*feed)) + " " + ep.ws_url + " symbols " + o.symbols +
            " -> " + o.out);
  client->start();
  io.run();
  recorder.close();
  auto st = client->stats();
  log::info("record: " + std::to_string(recorder.frames()) + " frames in " +
            std::to_string(recorder.files().size()) + " file(s); connects " +
            std::to_string(st.connects) + ", disconnects " + std::to_string(st.disconnects));
  if (!write_error.empty()) throw RuntimeFailure("record: cannot write: " + write_error);
}

}  // namespace

void add_record_command(CLI::App& app) {
  auto o = std::make_shared<RecordOptions>();
  auto* cmd = app.add_subcommand("record", "Capture raw Gemini websocket frames to replay files");
  cmd->add_option("--feed", o->feed, "ws (current API), v2 (l2) or v1 (per symbol)")
      ->capture_default_str();
  cmd->add_option("--symbols", o->symbols, "Comma-separated symbols")->capture_default_str();
  cmd->add_option("--out", o->out, "Directory for the recording files")->capture_default_str();
  cmd->add_option("--mode", o->mode, "paper|live = production hosts, sandbox = sandbox hosts")
      ->capture_default_str();
  cmd->add_option("--ws-url", o->ws_url, "Websocket base URL (overrides the mode's host)");
  cmd->add_option("--ca-file", o->ca_file, "Extra CA certificate (PEM) to trust");
  cmd->add_option("--rotate-mb", o->rotate_mb, "Start a new file after this many MiB (0 = never)")
      ->capture_default_str();
  cmd->add_flag("--no-hourly", o->no_hourly, "Do not start a new file every UTC hour");
  cmd->add_flag("--gzip", o->gzip, "Write gzip-compressed files");
  cmd->add_option("--duration", o->duration,
                  "Stop after this many seconds (0 = until SIGINT/SIGTERM)");
  cmd->add_option("--log-level", o->log_level, "debug|info|warn|error")->capture_default_str();
  cmd->callback([o] { run_record(*o); });
}

}  // namespace rtcrypto::app
