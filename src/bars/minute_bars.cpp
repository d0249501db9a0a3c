#include "rtcrypto/bars/minute_bars.hpp"

#include <zlib.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <optional>
#include <stdexcept>

namespace rtcrypto {
namespace {

// Column positions found in the header; -1 when the layout has no such column.
struct Columns {
  int time = -1, open = -1, high = -1, low = -1, close = -1, volume = -1, weighted = -1,
      segment = -1;
  std::size_t min_fields = 0;
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '"' ||
                        s.front() == '\'' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '"' ||
                        s.back() == '\'' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// Splits one CSV line on commas into `out` (no embedded commas in any supported layout).
void split_fields(std::string_view line, std::vector<std::string_view>& out) {
  out.clear();
  std::size_t start = 0;
  while (true) {
    std::size_t comma = line.find(',', start);
    if (comma == std::string_view::npos) {
      out.push_back(trim(line.substr(start)));
      return;
    }
    out.push_back(trim(line.substr(start, comma - start)));
    start = comma + 1;
  }
}

std::optional<double> parse_double(std::string_view s) {
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// Epoch number in s / ms / us / ns (by magnitude) or a "YYYY-MM-DD HH:MM:SS" string.
std::optional<TimeNs> parse_time(std::string_view s) {
  std::int64_t iv = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), iv);
  double v;
  if (ec == std::errc() && p == s.data() + s.size()) {
    v = static_cast<double>(iv);
  } else if (auto d = parse_double(s)) {
    v = *d;
    iv = static_cast<std::int64_t>(std::llround(v));
  } else {
    return parse_ymd_hms(s);
  }
  if (!(v > 0)) return std::nullopt;
  if (v < 1e11) return static_cast<TimeNs>(std::llround(v * 1e3)) * kNsPerMs;  // seconds
  if (v < 1e14) return iv * kNsPerMs;                                          // milliseconds
  if (v < 1e17) return iv * kNsPerUs;                                          // microseconds
  return iv;                                                                   // nanoseconds
}

bool is_number(std::string_view s) {
  return !s.empty() && parse_double(s).has_value();
}

// Decides the layout from the first line(s). `header` is the line holding column names (or
// the first data row of a header-less Binance kline file, then `headerless` is set).
Columns sniff(std::string_view header, bool url_line, std::string& layout, bool& headerless) {
  std::vector<std::string_view> f;
  split_fields(header, f);
  Columns c;
  headerless = false;
  if (f.size() >= 6 && is_number(f[0]) && is_number(f[4])) {
    // data.binance.vision klines: open_time,open,high,low,close,volume,close_time,...
    headerless = true;
    layout = "binance";
    c.time = 0, c.open = 1, c.high = 2, c.low = 3, c.close = 4, c.volume = 5;
    c.min_fields = 6;
    return c;
  }
  std::vector<std::string> names;
  for (auto s : f) names.push_back(lower(s));
  for (int i = 0; i < static_cast<int>(names.size()); ++i) {
    const std::string& n = names[i];
    if (c.time < 0 &&
        (n == "timestamp" || n == "unix" || n == "unix timestamp" || n == "open_time" ||
         n == "open_time_ms" || n == "open time" || n == "time" || n == "ts"))
      c.time = i;
    else if (n == "open")
      c.open = i;
    else if (n == "high")
      c.high = i;
    else if (n == "low")
      c.low = i;
    else if (n == "close")
      c.close = i;
    else if (c.volume < 0 && n.rfind("volume", 0) == 0)
      c.volume = i;
    else if (n == "weighted_price")
      c.weighted = i;
    else if (n == "segment_id")
      c.segment = i;
  }
  if (c.time < 0)  // a date column only when no epoch column exists
    for (int i = 0; i < static_cast<int>(names.size()); ++i)
      if (names[i] == "date" || names[i] == "datetime" || names[i] == "ds") c.time = i;
  if (c.time < 0 || c.open < 0 || c.high < 0 || c.low < 0 || c.close < 0)
    throw std::runtime_error("minute bars: unrecognised header '" +
                             std::string(header.substr(0, 120)) +
                             "' (need a time column and open,high,low,close)");
  for (int idx : {c.time, c.open, c.high, c.low, c.close, c.volume, c.weighted, c.segment})
    c.min_fields = std::max<std::size_t>(c.min_fields, idx + 1);
  if (c.weighted >= 0)
    layout = "bitstamp";
  else if (c.segment >= 0)
    layout = "shared";
  else if (url_line || names[c.time] == "unix" || names[c.time] == "unix timestamp")
    layout = "cryptodatadownload";
  else if (names[c.time].rfind("open_time", 0) == 0 || names[c.time] == "open time")
    layout = "binance";
  else
    layout = "plain";
  return c;
}

bool positive_finite(double v) {
  return std::isfinite(v) && v > 0;
}

struct Row {
  MinuteBar bar;
  std::size_t order;  // position in the file, so the first of duplicate minutes wins
};

}  // namespace

std::vector<MinuteBar> parse_minute_bars(std::string_view text, BarsReport* report,
                                         int max_gap_minutes) {
  BarsReport rep;
  if (text.size() >= 3 && static_cast<unsigned char>(text[0]) == 0xEF) text.remove_prefix(3);

  auto next_line = [&text](std::string_view& line) {
    if (text.empty()) return false;
    std::size_t nl = text.find('\n');
    line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return true;
  };

  std::string_view line;
  bool url_line = false;
  // Skip blank lines and the CryptoDataDownload URL line above the header.
  while (next_line(line)) {
    std::string_view t = trim(line);
    if (t.empty()) continue;
    std::string l = lower(t.substr(0, std::min<std::size_t>(t.size(), 40)));
    if (l.rfind("http", 0) == 0 || l.find("cryptodatadownload") != std::string::npos) {
      url_line = true;
      continue;
    }
    break;
  }
  if (trim(line).empty()) throw std::runtime_error("minute bars: no header line");

  bool headerless = false;
  Columns c = sniff(line, url_line, rep.layout, headerless);

  std::vector<Row> rows;
  rows.reserve(text.size() / 48 + 16);
  std::vector<std::string_view> f;
  bool has_segment = c.segment >= 0;
  auto take = [&](std::string_view ln) {
    if (trim(ln).empty()) return;
    ++rep.rows_read;
    split_fields(ln, f);
    if (f.size() < c.min_fields) {
      ++rep.rows_skipped;
      return;
    }
    auto ts = parse_time(f[c.time]);
    auto o = parse_double(f[c.open]), h = parse_double(f[c.high]), l = parse_double(f[c.low]),
         cl = parse_double(f[c.close]);
    if (!ts || !o || !h || !l || !cl || !positive_finite(*o) || !positive_finite(*h) ||
        !positive_finite(*l) || !positive_finite(*cl)) {
      ++rep.rows_skipped;  // NaN rows (Bitstamp), blanks, text where numbers belong
      return;
    }
    MinuteBar b;
    b.ts = floor_to_period(*ts, kNsPerMin);
    b.open = *o, b.high = *h, b.low = *l, b.close = *cl;
    if (c.volume >= 0)
      if (auto v = parse_double(f[c.volume]); v && std::isfinite(*v) && *v >= 0) b.volume = *v;
    if (c.weighted >= 0)
      if (auto w = parse_double(f[c.weighted]); w && positive_finite(*w)) b.weighted_price = *w;
    if (has_segment) {
      auto s = parse_double(f[c.segment]);
      if (!s || !std::isfinite(*s)) {
        ++rep.rows_skipped;
        return;
      }
      b.segment = static_cast<std::int32_t>(*s);
    }
    rows.push_back({b, rows.size()});
  };
  if (headerless) take(line);
  while (next_line(line)) take(line);

  // Most files are already ascending; reversed ones (CryptoDataDownload) are flipped cheaply.
  auto less = [](const Row& a, const Row& b) {
    return a.bar.ts != b.bar.ts ? a.bar.ts < b.bar.ts : a.order < b.order;
  };
  if (!std::is_sorted(rows.begin(), rows.end(), less)) {
    bool descending = true;
    for (std::size_t i = 1; i < rows.size() && descending; ++i)
      descending = rows[i].bar.ts < rows[i - 1].bar.ts;
    if (descending)
      std::reverse(rows.begin(), rows.end());
    else
      std::sort(rows.begin(), rows.end(), less);
  }

  std::vector<MinuteBar> bars;
  bars.reserve(rows.size());
  const TimeNs max_gap = static_cast<TimeNs>(std::max(1, max_gap_minutes)) * kNsPerMin;
  std::int32_t segment = 0;
  for (const Row& r : rows) {
    if (!bars.empty() && r.bar.ts == bars.back().ts) {
      ++rep.duplicates;
      continue;
    }
    MinuteBar b = r.bar;
    if (!bars.empty()) {
      const MinuteBar& prev = bars.back();
      TimeNs dt = b.ts - prev.ts;
      if (dt > kNsPerMin) ++rep.gaps;
      if (has_segment) {
        if (b.segment != prev.segment) ++rep.segments;
      } else if (dt > max_gap) {
        ++segment;
        ++rep.segments;
      }
    } else {
      rep.segments = 1;
    }
    if (!has_segment) b.segment = segment;
    bars.push_back(b);
  }
  if (report) *report = rep;
  return bars;
}

std::vector<MinuteBar> read_minute_bars(const std::filesystem::path& file, BarsReport* report,
                                        int max_gap_minutes) {
  // gzread reads plain files transparently, so one path serves .csv and .csv.gz.
  gzFile gz = gzopen(file.c_str(), "rb");
  if (!gz) throw std::runtime_error("minute bars: cannot open " + file.string());
  gzbuffer(gz, 1 << 17);
  std::string text;
  std::error_code ec;
  auto size = std::filesystem::file_size(file, ec);
  if (!ec) text.reserve(static_cast<std::size_t>(size) * 4);
  char buf[1 << 16];
  while (true) {
    int n = gzread(gz, buf, sizeof buf);
    if (n < 0) {
      int err = 0;
      std::string msg = gzerror(gz, &err);
      gzclose(gz);
      throw std::runtime_error("minute bars: cannot read " + file.string() + ": " + msg);
    }
    if (n == 0) break;
    text.append(buf, static_cast<std::size_t>(n));
  }
  int err = Z_OK;
  gzerror(gz, &err);
  gzclose(gz);
  if (err == Z_BUF_ERROR)
    throw std::runtime_error("minute bars: truncated gzip file " + file.string());
  try {
    return parse_minute_bars(text, report, max_gap_minutes);
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(std::string(e.what()) + " in " + file.string());
  }
}

}  // namespace rtcrypto
