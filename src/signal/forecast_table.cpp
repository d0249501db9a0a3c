#include "rtcrypto/signal/forecast_table.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

namespace rtcrypto {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  return s;
}

std::vector<std::string_view> split_csv(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t pos = 0;
  while (true) {
    auto comma = line.find(',', pos);
    out.push_back(
        trim(line.substr(pos, comma == std::string_view::npos ? line.npos : comma - pos)));
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return out;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

[[noreturn]] void fail(std::string_view origin, std::size_t line, const std::string& why) {
  std::ostringstream m;
  m << origin << ":" << line << ": " << why;
  throw ForecastTableError(m.str());
}

std::optional<double> parse_double(std::string_view s) {
  if (s.empty()) return std::nullopt;
  double v = 0;
  auto res = std::from_chars(s.data(), s.data() + s.size(), v);
  if (res.ec != std::errc() || res.ptr != s.data() + s.size() || !std::isfinite(v))
    return std::nullopt;
  return v;
}

}  // namespace

ForecastTable ForecastTable::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ForecastTableError(path + ": cannot open forecast table");
  std::ostringstream ss;
  ss << in.rdbuf();
  return parse(ss.str(), path);
}

ForecastTable ForecastTable::parse(std::string_view text, std::string_view origin) {
  ForecastTable t;
  t.origin_ = std::string(origin);
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // UTF-8 BOM

  int c_ds = -1, c_side = -1, c_yhat = -1, c_lo = -1, c_hi = -1, c_sym = -1;
  std::size_t ncols = 0;
  bool have_header = false;
  std::size_t line_no = 0;
  std::map<std::string, std::vector<Row>, std::less<>> rows;  // "" when not keyed
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == text.npos ? text.npos : nl - pos);
    pos = nl == text.npos ? text.size() : nl + 1;
    ++line_no;
    if (trim(line).empty()) continue;
    auto cols = split_csv(line);
    if (!have_header) {
      for (std::size_t i = 0; i < cols.size(); ++i) {
        std::string name = lower(cols[i]);
        int idx = static_cast<int>(i);
        if (name == "ds")
          c_ds = idx;
        else if (name == "side")
          c_side = idx;
        else if (name == "yhat")
          c_yhat = idx;
        else if (name == "yhat_lower")
          c_lo = idx;
        else if (name == "yhat_upper")
          c_hi = idx;
        else if (name == "symbol")
          c_sym = idx;
      }
      if (c_ds < 0 || c_side < 0)
        fail(origin, line_no,
             "header must name the columns ds and side (got \"" + std::string(trim(line)) + "\")");
      ncols = cols.size();
      t.rich_ = c_yhat >= 0;
      have_header = true;
      continue;
    }
    if (cols.size() != ncols)
      fail(origin, line_no,
           "expected " + std::to_string(ncols) + " columns, found " + std::to_string(cols.size()));
    Row r;
    auto ds = parse_ymd_hms(cols[c_ds]);
    if (!ds)
      fail(origin, line_no,
           "bad ds \"" + std::string(cols[c_ds]) + "\" (want YYYY-MM-DD HH:MM:SS, UTC)");
    if (*ds % kNsPerMin != 0)
      fail(origin, line_no, "ds \"" + std::string(cols[c_ds]) + "\" is not on a whole minute");
    r.ds = *ds;
    std::string side = lower(cols[c_side]);
    if (side == "buy")
      r.side = OrderSide::Buy;
    else if (side == "sell")
      r.side = OrderSide::Sell;
    else
      fail(origin, line_no, "bad side \"" + std::string(cols[c_side]) + "\" (want buy or sell)");
    auto num = [&](int c, std::optional<double>& out, const char* name) {
      if (c < 0) return;
      if (cols[c].empty() || lower(cols[c]) == "nan") return;  // a missing band is not an error
      out = parse_double(cols[c]);
      if (!out)
        fail(origin, line_no, std::string("bad ") + name + " \"" + std::string(cols[c]) + "\"");
    };
    num(c_yhat, r.yhat, "yhat");
    num(c_lo, r.yhat_lower, "yhat_lower");
    num(c_hi, r.yhat_upper, "yhat_upper");
    std::string key = c_sym >= 0 ? normalize_symbol(cols[c_sym]) : std::string();
    rows[key].push_back(r);
  }
  if (!have_header) fail(origin, line_no == 0 ? 1 : line_no, "empty forecast table (no header)");

  for (auto& [key, v] : rows) {
    std::stable_sort(v.begin(), v.end(), [](const Row& a, const Row& b) { return a.ds < b.ds; });
    for (std::size_t i = 1; i < v.size(); ++i) {
      if (v[i].ds == v[i - 1].ds)
        throw ForecastTableError(t.origin_ + ": duplicate ds " + format_ymd_hms(v[i].ds) +
                                 (key.empty() ? std::string() : " for " + key));
    }
    if (!v.empty()) {
      if (t.rows_total_ == 0 || v.front().ds < t.first_) t.first_ = v.front().ds;
      if (t.rows_total_ == 0 || v.back().ds > t.last_) t.last_ = v.back().ds;
    }
    t.rows_total_ += v.size();
  }
  if (c_sym >= 0) {
    t.by_symbol_ = std::move(rows);
  } else if (!rows.empty()) {
    t.rows_ = std::move(rows.begin()->second);
  }
  return t;
}

const std::vector<ForecastTable::Row>* ForecastTable::rows_for(std::string_view symbol) const {
  if (by_symbol_.empty()) return &rows_;
  auto it = by_symbol_.find(symbol);
  return it == by_symbol_.end() ? nullptr : &it->second;
}

const ForecastTable::Row* ForecastTable::row_for_minute(std::string_view symbol,
                                                        TimeNs minute) const {
  const auto* v = rows_for(symbol);
  if (!v) return nullptr;
  auto it = std::lower_bound(v->begin(), v->end(), minute,
                             [](const Row& r, TimeNs m) { return r.ds < m; });
  if (it == v->end() || it->ds != minute) return nullptr;
  return &*it;
}

std::optional<SignalValue> ForecastTable::signal_at(std::string_view symbol, TimeNs t) {
  TimeNs target = floor_to_period(t, kNsPerMin) + kNsPerMin;
  const Row* r = row_for_minute(symbol, target);
  if (!r) {
    ++misses_;
    std::uint64_t suppressed = 0;
    if (warn_limit_.allow(suppressed)) {
      std::string m = "forecast table " + origin_ + " has no row for " + format_ymd_hms(target);
      if (!by_symbol_.empty()) m += " (" + std::string(symbol) + ")";
      if (rows_total_ > 0)
        m += "; it covers " + format_ymd_hms(first_) + " .. " + format_ymd_hms(last_);
      m += ": no signal";
      if (suppressed) m += " (" + std::to_string(suppressed) + " similar suppressed)";
      log::warn(m);
    }
    return std::nullopt;
  }
  SignalValue v;
  v.side = r->side;
  v.target_minute = r->ds;
  v.yhat = r->yhat;
  v.yhat_lower = r->yhat_lower;
  v.yhat_upper = r->yhat_upper;
  v.source = "forecast";
  return v;
}

std::string ForecastTable::describe() const {
  std::string d = "forecast:" + origin_ + " (" + std::to_string(rows_total_) + " rows";
  if (rows_total_) d += ", " + format_ymd_hms(first_) + " .. " + format_ymd_hms(last_);
  return d + ")";
}

}  // namespace rtcrypto
