#include "rtcrypto/lstm_core/warm_up.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace rtcrypto::lstm {
namespace {

// Oldest first, one bar per minute (the first of duplicates kept).
void sort_minutes(std::vector<MinuteBar>& v) {
  for (auto& b : v) b.ts = floor_to_period(b.ts, kNsPerMin);
  std::stable_sort(v.begin(), v.end(),
                   [](const MinuteBar& a, const MinuteBar& b) { return a.ts < b.ts; });
  v.erase(std::unique(v.begin(), v.end(),
                      [](const MinuteBar& a, const MinuteBar& b) { return a.ts == b.ts; }),
          v.end());
}

std::string gap_note(TimeNs saved_end, TimeNs next, const char* what) {
  return "saved bars end at " + format_ymd_hms(saved_end) + " UTC, " +
         std::to_string((next - saved_end) / kNsPerMin - 1) + " minute(s) missing before " + what +
         ": a gap is not bridged";
}

}  // namespace

WarmUpPlan plan_warm_up(std::vector<MinuteBar> stored, std::vector<MinuteBar> candles, TimeNs now,
                        std::size_t max_bars) {
  WarmUpPlan p;
  const TimeNs open = floor_to_period(now, kNsPerMin);
  sort_minutes(candles);
  sort_minutes(stored);
  auto first_open = [open](std::vector<MinuteBar>& v) {
    return std::lower_bound(v.begin(), v.end(), open,
                            [](const MinuteBar& b, TimeNs t) { return b.ts < t; });
  };
  auto c_end = first_open(candles);
  p.partial_candles = static_cast<std::size_t>(candles.end() - c_end);
  candles.erase(c_end, candles.end());
  auto s_end = first_open(stored);
  p.stored_unused = static_cast<std::size_t>(stored.end() - s_end);
  stored.erase(s_end, stored.end());

  // The saved bars' newest contiguous run: older bars can never be part of a window with it.
  std::size_t start = stored.empty() ? 0 : stored.size() - 1;
  while (start > 0 && stored[start].ts - stored[start - 1].ts == kNsPerMin) --start;
  p.stored_unused += start;
  std::vector<MinuteBar> run(stored.begin() + static_cast<std::ptrdiff_t>(start), stored.end());

  std::vector<MinuteBar> take;
  if (!candles.empty()) {
    const TimeNs first = candles.front().ts;
    for (const auto& b : run)
      if (b.ts < first) take.push_back(b);
    p.stored_unused += run.size() - take.size();  // minutes the candles also have
    if (!take.empty() && take.back().ts != first - kNsPerMin) {
      p.note = gap_note(take.back().ts, first, "the first candle");
      p.stored_unused += take.size();
      take.clear();
    }
  } else if (!run.empty()) {
    if (run.back().ts == open - kNsPerMin) {
      take = std::move(run);
    } else {
      p.note = gap_note(run.back().ts, open, "now");
      p.stored_unused += run.size();
    }
  }
  p.from_store = take.size();
  p.from_candles = candles.size();
  p.bars = std::move(take);
  p.bars.insert(p.bars.end(), candles.begin(), candles.end());
  if (max_bars > 0 && p.bars.size() > max_bars) {
    std::size_t drop = p.bars.size() - max_bars;
    const std::size_t from_store_dropped = std::min(drop, p.from_store);
    p.from_store -= from_store_dropped;
    p.from_candles -= drop - from_store_dropped;
    p.bars.erase(p.bars.begin(), p.bars.begin() + static_cast<std::ptrdiff_t>(drop));
  }
  return p;
}

std::string encode_bars(const std::vector<MinuteBar>& bars) {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& b : bars)
    arr.push_back(nlohmann::json::array(
        {static_cast<std::int64_t>(b.ts), b.open, b.high, b.low, b.close, b.volume}));
  return nlohmann::json{{"v", 1}, {"bars", std::move(arr)}}.dump();
}

std::vector<MinuteBar> decode_bars(std::string_view text) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw std::runtime_error(std::string("saved bars are not JSON: ") + e.what());
  }
  if (!j.is_object() || j.value("v", 0) != 1 || !j.contains("bars") || !j["bars"].is_array())
    throw std::runtime_error("saved bars: expected {\"v\":1,\"bars\":[...]}");
  std::vector<MinuteBar> out;
  out.reserve(j["bars"].size());
  for (const auto& e : j["bars"]) {
    if (!e.is_array() || e.size() != 6 || !e[0].is_number_integer())
      throw std::runtime_error("saved bars: expected [minute_ns,open,high,low,close,volume]");
    for (std::size_t i = 1; i < 6; ++i)
      if (!e[i].is_number()) throw std::runtime_error("saved bars: a price is not a number");
    MinuteBar b;
    b.ts = e[0].get<std::int64_t>();
    b.open = e[1].get<double>();
    b.high = e[2].get<double>();
    b.low = e[3].get<double>();
    b.close = e[4].get<double>();
    b.volume = e[5].get<double>();
    out.push_back(b);
  }
  return out;
}

}  // namespace rtcrypto::lstm
