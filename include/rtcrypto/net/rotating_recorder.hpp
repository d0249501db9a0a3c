#pragma once
// Writes received frames through the feed part's RecordingWriter (one JSON object per line:
// recv_ts_ns, feed, symbol, session, frame) into a directory, starting a new file when the
// current one exceeds a size or the UTC hour of the receive time changes. Files are named
// gemini-<feed>-<YYYYmmddTHHMMSSZ>[-<n>].jsonl[.gz] so that a sorted listing is in time order.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "rtcrypto/core/time.hpp"
#include "rtcrypto/feed/feed_parser.hpp"

namespace rtcrypto {
class RecordingWriter;
}

namespace rtcrypto::net {

struct RotationPolicy {
  std::uint64_t max_bytes = 256ull << 20;  // 0 = no size limit
  bool hourly = true;
  bool gzip = false;
};

class RotatingRecorder {
 public:
  RotatingRecorder(std::filesystem::path dir, FeedKind feed, RotationPolicy policy);
  ~RotatingRecorder();
  void write(TimeNs recv_ts, std::string_view symbol, std::string_view session,
             std::string_view frame);
  void flush();
  void close();
  const std::vector<std::filesystem::path>& files() const { return files_; }
  std::uint64_t frames() const { return frames_; }

 private:
  void open_for(TimeNs ts);
  std::filesystem::path dir_;
  FeedKind feed_;
  RotationPolicy policy_;
  std::unique_ptr<RecordingWriter> writer_;
  TimeNs hour_ = -1;
  std::uint64_t frames_ = 0;
  std::vector<std::filesystem::path> files_;
};

}  // namespace rtcrypto::net
