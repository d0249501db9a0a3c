#pragma once
// Gemini websocket market-data client (Beast websocket over TLS) on the daemon's Asio
// io_context. Protocols: `ws` (the current API: `?snapshot=-1`, `{symbol}@depth@100ms` and
// `{symbol}@trade`, JSON-RPC acks/errors, `ping` method), `v2` (`l2` subscription) and
// `v1` (one connection per symbol). It hands every text frame with its receive time to a
// callback — the daemon feeds its parser and recorder from there — and keeps the
// connections alive: silence watchdog, reconnect with exponential backoff and jitter,
// and request_resync() to drop a symbol's connection for a fresh snapshot after a gap or a
// crossed book. Connection state changes are logged, counted and reported.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rtcrypto/core/time.hpp"
#include "rtcrypto/feed/feed_parser.hpp"

namespace boost::asio {
class io_context;
}

namespace rtcrypto::net {

// The feed part's FeedKind (Ws, V2, V1): the same value selects the parser for the frames.
using FeedProtocol = FeedKind;
inline std::optional<FeedProtocol> parse_feed_protocol(std::string_view text) {
  return parse_feed_kind(text);  // "ws", "v2", "v1"
}

struct MarketDataConfig {
  FeedProtocol protocol = FeedProtocol::Ws;
  // Base URL: wss://ws.gemini.com (ws) or wss://api.gemini.com (v1/v2); a path here is
  // used as a prefix before the protocol's own path.
  std::string url;
  std::vector<std::string> symbols;  // "BTCUSD", …
  std::string ca_file;
  TimeNs silence_timeout = 15 * kNsPerSec;  // no frame for this long → reconnect
  TimeNs ping_interval = 5 * kNsPerSec;     // ws: `ping` method when idle this long
  TimeNs connect_timeout = 10 * kNsPerSec;
  TimeNs backoff_initial = 250 * kNsPerMs;
  TimeNs backoff_max = 30 * kNsPerSec;
  double backoff_jitter = 0.25;                    // up to +25 % random
  TimeNs stable_after = 30 * kNsPerSec;            // a connection up this long resets the backoff
  std::size_t max_frame_bytes = 64 * 1024 * 1024;  // snapshot=-1 frames can be large
};

// Where a frame came from.
struct FrameSource {
  std::size_t connection = 0;  // index of the connection (v1: one per symbol)
  std::string_view symbol;     // v1: the connection's symbol; empty for ws/v2
  std::uint64_t session = 0;   // increases with every (re)connect of any connection
  FeedProtocol protocol = FeedProtocol::Ws;
};

enum class ConnectionState : std::uint8_t { Connecting, Connected, Subscribed, Disconnected };
std::string_view to_string(ConnectionState s);

struct ConnectionEvent {
  std::size_t connection = 0;
  ConnectionState state = ConnectionState::Connecting;
  std::vector<std::string> symbols;  // the symbols carried by this connection
  std::string reason;                // why it went down, or the URL when connecting
  std::uint64_t session = 0;
  TimeNs ts = 0;
};

struct MarketDataStats {
  std::uint64_t frames = 0;
  std::uint64_t bytes = 0;
  std::uint64_t connects = 0;  // successful handshakes
  std::uint64_t connect_failures = 0;
  std::uint64_t disconnects = 0;
  std::uint64_t silence_timeouts = 0;
  std::uint64_t resyncs = 0;     // request_resync() calls acted upon
  std::uint64_t rpc_errors = 0;  // ws: replies with status != 200
  std::uint64_t pings_sent = 0;
};

class MarketDataClient {
 public:
  using FrameCallback =
      std::function<void(std::string_view frame, TimeNs recv_ts, const FrameSource&)>;
  using StateCallback = std::function<void(const ConnectionEvent&)>;

  MarketDataClient(boost::asio::io_context& io, MarketDataConfig config, FrameCallback on_frame,
                   StateCallback on_state = {});
  ~MarketDataClient();
  MarketDataClient(const MarketDataClient&) = delete;
  MarketDataClient& operator=(const MarketDataClient&) = delete;

  void start();
  void stop();
  // Drops the connection carrying `symbol` and reconnects at once for a fresh snapshot
  // (a sequence gap or a crossed book was seen). Repeated calls within a second count as
  // one; a connection that resyncs over and over falls back to the backoff.
  void request_resync(std::string_view symbol, std::string_view why);
  MarketDataStats stats() const;
  // The URL path the client uses for a connection (for logs and tests).
  std::vector<std::string> connection_targets() const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace rtcrypto::net
