#include "rtcrypto/feed/replay_reader.hpp"

#include <simdjson.h>
#include <zlib.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "rtcrypto/core/log.hpp"

namespace rtcrypto {

std::optional<TimeNs> parse_seconds_ns(std::string_view t) {
  if (t.empty()) return std::nullopt;
  const std::size_t dot = t.find('.');
  std::string_view whole = t.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view{} : t.substr(dot + 1);
  if (whole.empty()) return std::nullopt;
  std::int64_t secs = 0;
  auto [p, ec] = std::from_chars(whole.data(), whole.data() + whole.size(), secs);
  if (ec != std::errc{} || p != whole.data() + whole.size() || secs < 0) return std::nullopt;
  if (secs > 9'000'000'000LL) return std::nullopt;  // beyond int64 ns
  std::int64_t ns = 0;
  for (std::size_t i = 0; i < frac.size(); ++i) {
    const char c = frac[i];
    if (c < '0' || c > '9') return std::nullopt;
    if (i < 9) {
      ns = ns * 10 + (c - '0');
    } else if (c != '0') {
      return std::nullopt;  // finer than a nanosecond
    }
  }
  for (std::size_t i = frac.size(); i < 9; ++i) ns *= 10;
  return secs * kNsPerSec + ns;
}

namespace {

constexpr std::size_t kChunk = 256 * 1024;

bool is_blank(std::string_view s) {
  for (char c : s) {
    if (c != ' ' && c != '\t' && c != '\r') return false;
  }
  return true;
}

}  // namespace

struct ReplayReader::Impl {
  std::filesystem::path path;
  ReplayReaderOptions options;
  gzFile gz = nullptr;
  bool compressed = false;
  ReplayLayout layout = ReplayLayout::Auto;
  ReplayReaderStats stats;
  log::RateLimiter limiter{5, 10 * kNsPerSec};

  std::vector<char> chunk = std::vector<char>(kChunk);
  std::size_t pos = 0, len = 0;
  bool eof = false;
  std::string line;
  simdjson::dom::parser json;

  void warn(std::uint64_t line_no, std::string_view what) {
    std::uint64_t suppressed = 0;
    if (!limiter.allow(suppressed)) return;
    std::string msg =
        "replay " + path.string() + ":" + std::to_string(line_no) + ": " + std::string(what);
    if (suppressed) msg += " (" + std::to_string(suppressed) + " similar messages suppressed)";
    log::warn(msg);
  }

  bool fill() {
    if (eof) return false;
    const int n = gzread(gz, chunk.data(), static_cast<unsigned>(chunk.size()));
    if (n < 0) {
      int errnum = 0;
      const char* msg = gzerror(gz, &errnum);
      ++stats.read_errors;
      warn(stats.lines + 1, std::string("read error: ") + (msg ? msg : "unknown"));
      eof = true;
      return false;
    }
    if (n == 0) {
      // zlib reports a cut gzip stream at the end rather than as a read error.
      int errnum = 0;
      const char* msg = gzerror(gz, &errnum);
      if (errnum != Z_OK && errnum != Z_STREAM_END) {
        ++stats.read_errors;
        warn(stats.lines + 1, std::string("read error: ") + (msg ? msg : "unknown"));
      }
      eof = true;
      return false;
    }
    pos = 0;
    len = static_cast<std::size_t>(n);
    return true;
  }

  // The next line without its newline. `complete` is false for a last line without '\n'
  // or one cut by a read error. Oversized lines are skipped here.
  bool read_line(bool& complete) {
    line.clear();
    bool oversized = false;
    for (;;) {
      if (pos == len && !fill()) {
        if (line.empty() && !oversized) return false;
        ++stats.lines;
        complete = false;
        if (oversized) {
          ++stats.oversized_lines;
          warn(stats.lines, "skipped oversized last line");
          line.clear();
          return false;
        }
        return true;
      }
      const char* start = chunk.data() + pos;
      const void* nl = std::memchr(start, '\n', len - pos);
      const std::size_t take =
          nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - start) : len - pos;
      if (!oversized) {
        if (line.size() + take > options.max_line_bytes) {
          oversized = true;
          line.clear();
          line.shrink_to_fit();
        } else {
          line.append(start, take);
        }
      }
      pos += take;
      if (nl) {
        ++pos;
        ++stats.lines;
        if (oversized) {
          ++stats.oversized_lines;
          warn(stats.lines,
               "skipped line longer than " + std::to_string(options.max_line_bytes) + " bytes");
          oversized = false;
          line.clear();
          continue;
        }
        complete = true;
        return true;
      }
    }
  }

  // TSV: recv_ts<TAB>session<TAB>frame.
  bool parse_tsv(std::string_view l, bool complete, ReplayFrame& out) {
    const std::size_t t1 = l.find('\t');
    const std::size_t t2 = t1 == std::string_view::npos ? t1 : l.find('\t', t1 + 1);
    if (t2 == std::string_view::npos)
      return bad(complete, "expected recv_ts<TAB>session<TAB>frame");
    auto ts = parse_seconds_ns(l.substr(0, t1));
    if (!ts) {
      if (stats.lines == 1) {  // a header line
        ++stats.header_lines;
        return false;
      }
      return bad(complete, "bad recv_ts");
    }
    std::string_view frame = l.substr(t2 + 1);
    while (!frame.empty() && (frame.back() == '\r' || frame.back() == ' ')) frame.remove_suffix(1);
    if (!complete && (frame.empty() || frame.back() != '}')) {
      return bad(false, "incomplete frame");
    }
    out.recv_ts = *ts;
    out.session.assign(l.substr(t1 + 1, t2 - t1 - 1));
    out.feed = options.tsv_feed;
    out.symbol.clear();
    out.frame.assign(frame);
    return true;
  }

  // JSONL: the recording format.
  bool parse_jsonl(bool complete, ReplayFrame& out) {
    const std::size_t n = line.size();
    line.reserve(n + simdjson::SIMDJSON_PADDING);
    simdjson::dom::element root;
    if (json.parse(line.data(), n, false).get(root) != simdjson::SUCCESS) {
      return bad(complete, "not a JSON object");
    }
    simdjson::dom::object o;
    std::int64_t ts = 0;
    std::string_view feed, session, frame, symbol;
    if (root.get(o) != simdjson::SUCCESS) return bad(complete, "not a JSON object");
    if (o["recv_ts_ns"].get(ts) != simdjson::SUCCESS || ts < 0) {
      return bad(complete, "missing or bad recv_ts_ns");
    }
    if (o["feed"].get(feed) != simdjson::SUCCESS) return bad(complete, "missing feed");
    auto kind = parse_feed_kind(feed);
    if (!kind) return bad(complete, "unknown feed '" + std::string(feed) + "'");
    if (o["frame"].get(frame) != simdjson::SUCCESS) return bad(complete, "missing frame string");
    if (o["session"].get(session) != simdjson::SUCCESS) session = {};
    if (o["symbol"].get(symbol) != simdjson::SUCCESS) symbol = {};
    if (*kind == FeedKind::V1 && symbol.empty()) return bad(complete, "v1 frame without symbol");
    out.recv_ts = ts;
    out.session.assign(session);
    out.feed = *kind;
    upper_symbol(symbol, out.symbol);
    out.frame.assign(frame);
    return true;
  }

  bool bad(bool complete, std::string_view why) {
    if (complete) {
      ++stats.bad_lines;
      warn(stats.lines, "skipped bad line: " + std::string(why));
    } else {
      ++stats.truncated_lines;
      warn(stats.lines, "skipped truncated last line: " + std::string(why));
    }
    return false;
  }
};

ReplayReader::ReplayReader(const std::filesystem::path& path, ReplayReaderOptions options)
    : impl_(std::make_unique<Impl>()) {
  Impl& m = *impl_;
  m.path = path;
  m.options = options;
  m.layout = options.layout;
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw std::runtime_error("replay file " + path.string() + " is a directory");
  }
  if (std::FILE* f = std::fopen(path.c_str(), "rb")) {
    unsigned char magic[2] = {0, 0};
    m.compressed = std::fread(magic, 1, 2, f) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
    std::fclose(f);
  } else {
    throw std::runtime_error("cannot open replay file " + path.string() + ": " +
                             std::strerror(errno));
  }
  // gzread reads plain files transparently; the magic bytes only tell which this is.
  m.gz = gzopen(path.c_str(), "rb");
  if (!m.gz) throw std::runtime_error("cannot open replay file " + path.string());
  gzbuffer(m.gz, 256 * 1024);
}

ReplayReader::~ReplayReader() {
  if (impl_ && impl_->gz) gzclose(impl_->gz);
}

bool ReplayReader::next(ReplayFrame& out) {
  Impl& m = *impl_;
  bool complete = true;
  while (m.read_line(complete)) {
    if (is_blank(m.line)) {
      ++m.stats.blank_lines;
      continue;
    }
    if (m.layout == ReplayLayout::Auto) {
      m.layout = m.line.front() == '{' ? ReplayLayout::Jsonl : ReplayLayout::Tsv;
    }
    const bool ok = m.layout == ReplayLayout::Jsonl ? m.parse_jsonl(complete, out)
                                                    : m.parse_tsv(m.line, complete, out);
    if (ok) {
      out.line = m.stats.lines;
      ++m.stats.frames;
      return true;
    }
  }
  return false;
}

bool ReplayReader::compressed() const {
  return impl_->compressed;
}
ReplayLayout ReplayReader::layout() const {
  return impl_->layout;
}
const ReplayReaderStats& ReplayReader::stats() const {
  return impl_->stats;
}
const std::filesystem::path& ReplayReader::path() const {
  return impl_->path;
}

}  // namespace rtcrypto
