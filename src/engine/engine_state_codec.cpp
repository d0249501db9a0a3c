#include "rtcrypto/engine/engine_state_codec.hpp"

#include <charconv>
#include <stdexcept>

namespace rtcrypto {
namespace {

constexpr std::string_view kMagic = "rtcrypto-engine-state 1";

std::string opt_text(const std::optional<Decimal>& d) {
  return d ? d->to_string() : "-";
}

[[noreturn]] void bad(std::size_t line, const std::string& why) {
  throw std::invalid_argument("engine state line " + std::to_string(line) + ": " + why);
}

std::int64_t to_i64(std::string_view s, std::size_t line) {
  std::int64_t v = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size())
    bad(line, "bad integer \"" + std::string(s) + "\"");
  return v;
}

Decimal to_dec(std::string_view s, std::size_t line) {
  auto d = Decimal::parse(s);
  if (!d) bad(line, "bad decimal \"" + std::string(s) + "\"");
  return *d;
}

std::optional<Decimal> to_opt_dec(std::string_view s, std::size_t line) {
  if (s == "-") return std::nullopt;
  return to_dec(s, line);
}

// "key=value" -> value, or an error naming the key.
std::string_view value_of(std::string_view item, std::string_view key, std::size_t line) {
  if (item.size() <= key.size() || item.substr(0, key.size()) != key || item[key.size()] != '=')
    bad(line, "expected " + std::string(key) + "=...");
  return item.substr(key.size() + 1);
}

std::vector<std::string_view> words(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    std::size_t j = i;
    while (j < s.size() && s[j] != ' ') ++j;
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

}  // namespace

std::string encode_engine_state(const EngineState& s) {
  std::string out(kMagic);
  out += "\nnext_order_seq " + std::to_string(s.next_order_seq) + "\n";
  for (const auto& [sym, p] : s.positions) {
    out += "position " + sym + " last_buy=" + opt_text(p.last_buy_price) +
           " amount=" + p.entry_amount.to_string() + " fees=" + p.entry_fees.to_string() + "\n";
  }
  out += "risk.killed " + std::string(s.risk.killed ? "1" : "0") + "\n";
  std::string reason = s.risk.kill_reason;
  for (char& c : reason)
    if (c == '\n' || c == '\r') c = ' ';
  out += "risk.kill_reason " + reason + "\n";
  out += "risk.killed_at " + std::to_string(s.risk.killed_at) + "\n";
  out += "risk.peak_equity " + opt_text(s.risk.peak_equity) + "\n";
  out += "risk.day_start_equity " + opt_text(s.risk.day_start_equity) + "\n";
  out += "risk.day " + std::to_string(s.risk.day) + "\n";
  out += "risk.recent_orders";
  for (TimeNs t : s.risk.recent_orders) out += " " + std::to_string(t);
  out += "\n";
  return out;
}

EngineState decode_engine_state(std::string_view text) {
  EngineState s;
  std::size_t pos = 0, line_no = 0;
  bool magic = false;
  while (pos < text.size()) {
    auto nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == text.npos ? text.npos : nl - pos);
    pos = nl == text.npos ? text.size() : nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    if (!magic) {
      if (line != kMagic)
        bad(line_no, "not an engine state (want \"" + std::string(kMagic) + "\")");
      magic = true;
      continue;
    }
    auto sp = line.find(' ');
    std::string_view key = line.substr(0, sp);
    std::string_view rest = sp == line.npos ? std::string_view{} : line.substr(sp + 1);
    if (key == "next_order_seq") {
      s.next_order_seq = static_cast<std::uint64_t>(to_i64(rest, line_no));
    } else if (key == "position") {
      auto w = words(rest);
      if (w.size() != 4) bad(line_no, "position wants SYMBOL last_buy= amount= fees=");
      EnginePosition p;
      p.last_buy_price = to_opt_dec(value_of(w[1], "last_buy", line_no), line_no);
      p.entry_amount = to_dec(value_of(w[2], "amount", line_no), line_no);
      p.entry_fees = to_dec(value_of(w[3], "fees", line_no), line_no);
      s.positions[std::string(w[0])] = p;
    } else if (key == "risk.killed") {
      if (rest != "0" && rest != "1") bad(line_no, "risk.killed wants 0 or 1");
      s.risk.killed = rest == "1";
    } else if (key == "risk.kill_reason") {
      s.risk.kill_reason = std::string(rest);
    } else if (key == "risk.killed_at") {
      s.risk.killed_at = to_i64(rest, line_no);
    } else if (key == "risk.peak_equity") {
      s.risk.peak_equity = to_opt_dec(rest, line_no);
    } else if (key == "risk.day_start_equity") {
      s.risk.day_start_equity = to_opt_dec(rest, line_no);
    } else if (key == "risk.day") {
      s.risk.day = to_i64(rest, line_no);
    } else if (key == "risk.recent_orders") {
      for (auto w : words(rest)) s.risk.recent_orders.push_back(to_i64(w, line_no));
    } else {
      bad(line_no, "unknown key \"" + std::string(key) + "\"");
    }
  }
  if (!magic) bad(1, "empty engine state");
  return s;
}

}  // namespace rtcrypto
