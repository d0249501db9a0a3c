#include "rtcrypto/feed/recording_writer.hpp"

#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "rtcrypto/core/log.hpp"
#include "rtcrypto/core/record.hpp"
#include "rtcrypto/feed/replay_reader.hpp"

namespace rtcrypto {

namespace {
bool ends_with_gz(const std::filesystem::path& p) {
  const std::string s = p.string();
  return s.size() >= 3 && s.compare(s.size() - 3, 3, ".gz") == 0;
}
}  // namespace

RecordingWriter::RecordingWriter(const std::filesystem::path& path, bool append) : path_(path) {
  if (ends_with_gz(path)) {
    // Appending to a .gz adds a new gzip member; readers (zlib, gzip -d) concatenate them.
    gz_ = gzopen(path.c_str(), append ? "ab6" : "wb6");
    if (!gz_) throw std::runtime_error("cannot open recording " + path.string() + " for writing");
    gzbuffer(static_cast<gzFile>(gz_), 256 * 1024);
  } else {
    file_ = std::fopen(path.c_str(), append ? "ab" : "wb");
    if (!file_) {
      throw std::runtime_error("cannot open recording " + path.string() +
                               " for writing: " + std::strerror(errno));
    }
  }
}

RecordingWriter::~RecordingWriter() {
  try {
    close();
  } catch (const std::exception& e) {
    log::error(e.what());
  }
}

void RecordingWriter::format_line(std::string& out, TimeNs recv_ts, FeedKind feed,
                                  std::string_view symbol, std::string_view session,
                                  std::string_view frame) {
  out += "{\"recv_ts_ns\":";
  out += std::to_string(recv_ts);
  out += ",\"feed\":\"";
  out += to_string(feed);
  out += '"';
  if (!symbol.empty()) {
    out += ",\"symbol\":";
    append_json_string(out, symbol);
  }
  out += ",\"session\":";
  append_json_string(out, session);
  out += ",\"frame\":";
  append_json_string(out, frame);
  out += "}\n";
}

void RecordingWriter::write(TimeNs recv_ts, FeedKind feed, std::string_view symbol,
                            std::string_view session, std::string_view frame) {
  line_.clear();
  format_line(line_, recv_ts, feed, symbol, session, frame);
  put(line_);
  ++lines_;
}

void RecordingWriter::write(const ReplayFrame& f) {
  write(f.recv_ts, f.feed, f.symbol, f.session, f.frame);
}

void RecordingWriter::put(std::string_view data) {
  if (gz_) {
    if (data.empty()) return;
    const int n =
        gzwrite(static_cast<gzFile>(gz_), data.data(), static_cast<unsigned>(data.size()));
    if (n <= 0 || static_cast<std::size_t>(n) != data.size()) {
      int errnum = 0;
      throw std::runtime_error("write to recording " + path_.string() +
                               " failed: " + gzerror(static_cast<gzFile>(gz_), &errnum));
    }
  } else if (file_) {
    if (std::fwrite(data.data(), 1, data.size(), file_) != data.size()) {
      throw std::runtime_error("write to recording " + path_.string() +
                               " failed: " + std::strerror(errno));
    }
  } else {
    throw std::runtime_error("recording " + path_.string() + " is closed");
  }
  bytes_ += data.size();
}

void RecordingWriter::flush() {
  if (gz_) {
    if (gzflush(static_cast<gzFile>(gz_), Z_SYNC_FLUSH) != Z_OK) {
      throw std::runtime_error("flush of recording " + path_.string() + " failed");
    }
  } else if (file_ && std::fflush(file_) != 0) {
    throw std::runtime_error("flush of recording " + path_.string() +
                             " failed: " + std::strerror(errno));
  }
}

void RecordingWriter::close() {
  if (gz_) {
    const int rc = gzclose(static_cast<gzFile>(gz_));
    gz_ = nullptr;
    if (rc != Z_OK) throw std::runtime_error("closing recording " + path_.string() + " failed");
  }
  if (file_) {
    const int rc = std::fclose(file_);
    file_ = nullptr;
    if (rc != 0) {
      throw std::runtime_error("closing recording " + path_.string() +
                               " failed: " + std::strerror(errno));
    }
  }
}

}  // namespace rtcrypto
