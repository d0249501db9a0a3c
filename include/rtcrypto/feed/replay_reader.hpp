#pragma once
// Reads recorded feed frames from a file, plain or gzip (told apart by the magic bytes), in
// either layout:
//  - TSV: `recv_ts<TAB>session<TAB>frame` with an optional header line; recv_ts in (float)
//    seconds; every frame is of one feed (v2 by default), as in ../shared/data/gemini;
//  - JSONL (the project's recording format, see recording_writer.hpp): one object per line,
//    {"recv_ts_ns":<int64>,"feed":"ws|v2|v1","symbol":"BTCUSD","session":"<id>","frame":"<raw>"}.
// Bad lines and a truncated last line are counted and skipped with a warning, never thrown.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "rtcrypto/core/time.hpp"
#include "rtcrypto/feed/feed_parser.hpp"

namespace rtcrypto {

enum class ReplayLayout : std::uint8_t { Auto, Tsv, Jsonl };

struct ReplayReaderOptions {
  ReplayLayout layout = ReplayLayout::Auto;  // Auto: a first line starting with '{' is JSONL
  FeedKind tsv_feed = FeedKind::V2;          // feed of TSV frames (the TSV has no feed column)
  // Lines longer than this are skipped (counted) without being held in memory. Frames above
  // the parser's own limit (4 MiB by default) pass through here and are counted there.
  std::size_t max_line_bytes = std::size_t{64} << 20;
};

struct ReplayFrame {
  TimeNs recv_ts = 0;
  std::string session;
  FeedKind feed = FeedKind::V2;
  std::string symbol;      // upper case; required for v1, optional otherwise
  std::string frame;       // the raw websocket frame
  std::uint64_t line = 0;  // 1-based line number in the file
};

struct ReplayReaderStats {
  std::uint64_t lines = 0;   // lines read (complete or not)
  std::uint64_t frames = 0;  // frames returned by next()
  std::uint64_t header_lines = 0;
  std::uint64_t blank_lines = 0;
  std::uint64_t bad_lines = 0;        // unparseable lines, skipped
  std::uint64_t truncated_lines = 0;  // an incomplete last line (or a cut gzip stream)
  std::uint64_t oversized_lines = 0;
  std::uint64_t read_errors = 0;  // I/O or decompression errors (reading stops)
};

class ReplayReader {
 public:
  // Throws std::runtime_error naming the path when the file cannot be opened.
  explicit ReplayReader(const std::filesystem::path& path, ReplayReaderOptions options = {});
  ~ReplayReader();
  ReplayReader(const ReplayReader&) = delete;
  ReplayReader& operator=(const ReplayReader&) = delete;

  // The next good frame; false at the end of the file (or after a read error).
  bool next(ReplayFrame& out);

  bool compressed() const;
  ReplayLayout layout() const;  // Auto until the first line has been read
  const ReplayReaderStats& stats() const;
  const std::filesystem::path& path() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Exact "1617645247.991257" -> 1617645247991257000 (no double rounding); nullopt on garbage,
// a negative value or more than 9 fractional digits that are not zeros.
std::optional<TimeNs> parse_seconds_ns(std::string_view text);

}  // namespace rtcrypto
