#pragma once
// Turns raw Gemini websocket frames (any of the three feeds) into the normalized
// MarketEventSink stream. A parser never throws on bad input: malformed, unknown or
// oversized frames are counted in FeedStats and skipped with a rate-limited warning, and a
// frame is validated as a whole before any of its events is emitted, so a bad frame never
// half-updates a book.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rtcrypto/core/events.hpp"
#include "rtcrypto/core/log.hpp"
#include "rtcrypto/core/time.hpp"

namespace rtcrypto {

// Which Gemini feed a frame came from.
enum class FeedKind : std::uint8_t {
  Ws,  // current API, wss://ws.gemini.com (depthUpdate, partial depth, trade, bookTicker)
  V2,  // wss://api.gemini.com/v2/marketdata (l2_updates, trade, heartbeat)
  V1,  // wss://api.gemini.com/v1/marketdata/{symbol} (update/heartbeat, socket_sequence)
};
std::string_view to_string(FeedKind k);
// "ws", "v2", "v1" (any case); nullopt otherwise.
std::optional<FeedKind> parse_feed_kind(std::string_view text);

struct FeedStats {
  std::uint64_t frames = 0;           // every frame handed to parse(), good or bad
  std::uint64_t changes = 0;          // non-snapshot level changes emitted
  std::uint64_t snapshots = 0;        // snapshots emitted (begin/end pairs)
  std::uint64_t snapshot_levels = 0;  // levels emitted inside snapshots
  std::uint64_t trades = 0;
  std::uint64_t tickers = 0;
  std::uint64_t heartbeats = 0;
  std::uint64_t acks = 0;           // request replies with a success status
  std::uint64_t rpc_errors = 0;     // request replies / error objects reporting a failure
  std::uint64_t parse_errors = 0;   // malformed frames (bad JSON, wrong types, bad numbers)
  std::uint64_t unknown_types = 0;  // well-formed frames or events of a type not handled
  std::uint64_t oversized = 0;      // frames above ParserOptions::max_frame_bytes
  std::uint64_t gaps = 0;           // sequence gaps (and dropped deltas) reported via on_gap
  std::uint64_t dropped = 0;        // changes skipped: stale, or waiting for a snapshot

  FeedStats& operator+=(const FeedStats& o);
};

inline constexpr std::size_t kDefaultMaxFrameBytes = std::size_t{4} << 20;  // 4 MiB

struct ParserOptions {
  std::size_t max_frame_bytes = kDefaultMaxFrameBytes;
};

class FeedParser {
 public:
  explicit FeedParser(ParserOptions options) : options_(options) {}
  virtual ~FeedParser() = default;
  FeedParser(const FeedParser&) = delete;
  FeedParser& operator=(const FeedParser&) = delete;

  // Parses one frame received at recv_ts and emits its events; every frame ends with
  // out.on_time(best time known for the frame) unless it was rejected.
  virtual void parse(std::string_view frame, TimeNs recv_ts, MarketEventSink& out) = 0;
  // Forgets all per-symbol state (new connection): the next book frame of each symbol is
  // its snapshot and sequence checks restart.
  virtual void reset() = 0;
  // One symbol was resubscribed: its next book frame is a snapshot again.
  virtual void resync(std::string_view symbol) = 0;
  virtual FeedKind kind() const = 0;

  const FeedStats& stats() const { return stats_; }
  const ParserOptions& options() const { return options_; }

  // Whether the parser lists in new_symbols() every symbol its events name, the first time
  // they name it since reset() (the v2 parser does): a caller that must know every symbol
  // its sink heard of can then give the parser that sink directly.
  bool reports_symbols() const { return reports_symbols_; }
  // Those symbols, in the order their first events went out (views valid until reset());
  // the caller clears the list.
  std::vector<std::string_view>& new_symbols() { return new_symbols_; }

 protected:
  // Counts a frame and checks its size; false (counted as oversized, logged) when too big.
  // Inline: every frame passes here.
  bool admit_frame(std::string_view frame) {
    ++stats_.frames;
    if (frame.size() <= options_.max_frame_bytes) [[likely]]
      return true;
    return reject_oversized(frame);
  }
  // Counts and logs an oversized frame; false.
  bool reject_oversized(std::string_view frame);
  // Counts a malformed frame and logs a rate-limited warning quoting its start.
  void reject(std::string_view why, std::string_view frame);
  // Counts a frame or event of an unknown type (rate-limited warning).
  void unknown(std::string_view type, std::string_view frame);
  // Rate-limited warning without counting.
  void warn(std::string_view message);

  FeedStats stats_;
  ParserOptions options_;
  bool reports_symbols_ = false;
  std::vector<std::string_view> new_symbols_;

 private:
  log::RateLimiter limiter_;
};

// A parser for `kind`. `symbol` is the connection's symbol: required for V1 (its frames do
// not name the symbol; throws std::invalid_argument when empty), used by Ws for partial-depth
// frames that carry no symbol, ignored by V2.
std::unique_ptr<FeedParser> make_parser(FeedKind kind, std::string_view symbol = {},
                                        ParserOptions options = {});

// Epoch time in s, ms, us or ns (told apart by magnitude) as ns; nullopt when negative or 0.
std::optional<TimeNs> epoch_to_ns(std::int64_t value);

// Upper-case copy of a symbol into `out` (reusing its capacity).
void upper_symbol(std::string_view symbol, std::string& out);

}  // namespace rtcrypto
