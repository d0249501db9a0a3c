#pragma once
// Writes raw feed frames in the project's recording format, one JSON object per line:
//   {"recv_ts_ns":<int64>,"feed":"ws|v2|v1","symbol":"BTCUSD","session":"<id>","frame":"<raw>"}
// (`symbol` only when given; required for v1). A path ending in ".gz" is written gzip-
// compressed. ReplayReader reads the result back. Rotation is the caller's business.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "rtcrypto/core/time.hpp"
#include "rtcrypto/feed/feed_parser.hpp"

namespace rtcrypto {

struct ReplayFrame;

class RecordingWriter {
 public:
  // Throws std::runtime_error naming the path when it cannot be opened.
  explicit RecordingWriter(const std::filesystem::path& path, bool append = false);
  ~RecordingWriter();  // closes (errors at that point are only logged)
  RecordingWriter(const RecordingWriter&) = delete;
  RecordingWriter& operator=(const RecordingWriter&) = delete;

  // Throws std::runtime_error on a write error (disk full...).
  void write(TimeNs recv_ts, FeedKind feed, std::string_view symbol, std::string_view session,
             std::string_view frame);
  void write(const ReplayFrame& f);
  void flush();
  void close();

  bool compressed() const { return gz_ != nullptr; }
  std::uint64_t lines() const { return lines_; }
  std::uint64_t bytes() const { return bytes_; }  // uncompressed bytes written
  const std::filesystem::path& path() const { return path_; }

  // One record line (with its newline), as written.
  static void format_line(std::string& out, TimeNs recv_ts, FeedKind feed, std::string_view symbol,
                          std::string_view session, std::string_view frame);

 private:
  void put(std::string_view data);

  std::filesystem::path path_;
  void* gz_ = nullptr;  // gzFile (zlib stays out of this header)
  std::FILE* file_ = nullptr;
  std::string line_;
  std::uint64_t lines_ = 0;
  std::uint64_t bytes_ = 0;
};

}  // namespace rtcrypto
