#include "rtcrypto/net/rotating_recorder.hpp"

#include <ctime>

#include "rtcrypto/feed/recording_writer.hpp"

namespace rtcrypto::net {

RotatingRecorder::RotatingRecorder(std::filesystem::path dir, FeedKind feed, RotationPolicy policy)
    : dir_(std::move(dir)), feed_(feed), policy_(policy) {
  std::filesystem::create_directories(dir_);
}

RotatingRecorder::~RotatingRecorder() {
  close();
}

void RotatingRecorder::open_for(TimeNs ts) {
  if (writer_) writer_->close();
  std::time_t secs = static_cast<std::time_t>(ts / kNsPerSec);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
  std::string base = "gemini-" + std::string(to_string(feed_)) + "-" + stamp;
  std::string ext = policy_.gzip ? ".jsonl.gz" : ".jsonl";
  std::filesystem::path p = dir_ / (base + ext);
  for (int n = 1; std::filesystem::exists(p); ++n)
    p = dir_ / (base + "-" + std::to_string(n) + ext);
  writer_ = std::make_unique<RecordingWriter>(p);
  files_.push_back(p);
  hour_ = floor_to_period(ts, 3600 * kNsPerSec);
}

void RotatingRecorder::write(TimeNs recv_ts, std::string_view symbol, std::string_view session,
                             std::string_view frame) {
  bool rotate = !writer_ ||
                (policy_.hourly && floor_to_period(recv_ts, 3600 * kNsPerSec) != hour_) ||
                (policy_.max_bytes > 0 && writer_->bytes() >= policy_.max_bytes);
  if (rotate) open_for(recv_ts);
  writer_->write(recv_ts, feed_, symbol, session, frame);
  ++frames_;
}

void RotatingRecorder::flush() {
  if (writer_) writer_->flush();
}

void RotatingRecorder::close() {
  if (writer_) writer_->close();
  writer_.reset();
}

}  // namespace rtcrypto::net
