#include "rtcrypto/feed/feed_parser.hpp"

#include <stdexcept>
#include <string>

#include "rtcrypto/feed/gemini_parsers.hpp"

namespace rtcrypto {

std::string_view to_string(FeedKind k) {
  switch (k) {
    case FeedKind::Ws:
      return "ws";
    case FeedKind::V2:
      return "v2";
    case FeedKind::V1:
      return "v1";
  }
  return "?";
}

std::optional<FeedKind> parse_feed_kind(std::string_view text) {
  std::string t;
  for (char c : text) t.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
  if (t == "ws") return FeedKind::Ws;
  if (t == "v2") return FeedKind::V2;
  if (t == "v1") return FeedKind::V1;
  return std::nullopt;
}

FeedStats& FeedStats::operator+=(const FeedStats& o) {
  frames += o.frames;
  changes += o.changes;
  snapshots += o.snapshots;
  snapshot_levels += o.snapshot_levels;
  trades += o.trades;
  tickers += o.tickers;
  heartbeats += o.heartbeats;
  acks += o.acks;
  rpc_errors += o.rpc_errors;
  parse_errors += o.parse_errors;
  unknown_types += o.unknown_types;
  oversized += o.oversized;
  gaps += o.gaps;
  dropped += o.dropped;
  return *this;
}

namespace {
// The start of a frame for a log line, with control characters made visible.
std::string excerpt(std::string_view frame) {
  constexpr std::size_t kMax = 160;
  std::string out;
  for (char c : frame.substr(0, kMax)) {
    out.push_back(static_cast<unsigned char>(c) < 0x20 ? '?' : c);
  }
  if (frame.size() > kMax) out += "...";
  return out;
}
}  // namespace

bool FeedParser::reject_oversized(std::string_view frame) {
  ++stats_.oversized;
  warn("feed " + std::string(to_string(kind())) + ": skipped oversized frame of " +
       std::to_string(frame.size()) + " bytes (max " + std::to_string(options_.max_frame_bytes) +
       ")");
  return false;
}

void FeedParser::reject(std::string_view why, std::string_view frame) {
  ++stats_.parse_errors;
  warn("feed " + std::string(to_string(kind())) + ": skipped malformed frame (" + std::string(why) +
       "): " + excerpt(frame));
}

void FeedParser::unknown(std::string_view type, std::string_view frame) {
  ++stats_.unknown_types;
  warn("feed " + std::string(to_string(kind())) + ": skipped unknown type '" + excerpt(type) +
       "': " + excerpt(frame));
}

void FeedParser::warn(std::string_view message) {
  std::uint64_t suppressed = 0;
  if (!limiter_.allow(suppressed)) return;
  std::string line(message);
  if (suppressed > 0) line += " (" + std::to_string(suppressed) + " similar messages suppressed)";
  log::warn(line);
}

std::unique_ptr<FeedParser> make_parser(FeedKind kind, std::string_view symbol,
                                        ParserOptions options) {
  switch (kind) {
    case FeedKind::Ws:
      return std::make_unique<GeminiWsParser>(symbol, options);
    case FeedKind::V2:
      return std::make_unique<GeminiV2Parser>(options);
    case FeedKind::V1:
      if (symbol.empty()) throw std::invalid_argument("a v1 feed parser needs the symbol");
      return std::make_unique<GeminiV1Parser>(symbol, options);
  }
  throw std::invalid_argument("unknown feed kind");
}

std::optional<TimeNs> epoch_to_ns(std::int64_t v) {
  if (v <= 0) return std::nullopt;
  if (v >= 100'000'000'000'000'000LL) return v;                    // ns (>= 1e17)
  const std::int64_t unit = v >= 100'000'000'000'000LL ? kNsPerUs  // us (>= 1e14)
                            : v >= 100'000'000'000LL   ? kNsPerMs  // ms (>= 1e11)
                                                       : kNsPerSec;  // s
  // A time past 2262 in its unit (a corrupt field) has no nanosecond value: refused.
  TimeNs ns;
  if (__builtin_mul_overflow(v, unit, &ns)) return std::nullopt;
  return ns;
}

void upper_symbol(std::string_view symbol, std::string& out) {
  out.assign(symbol);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
}

}  // namespace rtcrypto
