#include "rtcrypto/app/backtest_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "rtcrypto/core/types.hpp"

namespace rtcrypto::app {
namespace {

std::optional<Decimal> decimal_field(const Record& r, std::string_view key) {
  const FieldValue* v = r.get(key);
  if (!v) return std::nullopt;
  if (const auto* d = std::get_if<Decimal>(v)) return *d;
  return std::nullopt;
}

std::string string_field(const Record& r, std::string_view key) {
  const FieldValue* v = r.get(key);
  if (v)
    if (const auto* s = std::get_if<std::string>(v)) return *s;
  return {};
}

bool bool_field(const Record& r, std::string_view key) {
  const FieldValue* v = r.get(key);
  if (v)
    if (const auto* b = std::get_if<bool>(v)) return *b;
  return false;
}

std::int64_t int_field(const Record& r, std::string_view key) {
  const FieldValue* v = r.get(key);
  if (v)
    if (const auto* i = std::get_if<std::int64_t>(v)) return *i;
  return 0;
}

// Money as shown: exact, cut at 1e-8 (quote currency units).
const Decimal kCent8 = Decimal::from_raw(Decimal::kOne / 100'000'000);
Decimal shown(Decimal d) {
  return d.is_negative() ? -(-d).floor_to(kCent8) : d.floor_to(kCent8);
}

std::optional<double> pct4(double fraction) {
  if (!std::isfinite(fraction)) return std::nullopt;
  double v = std::round(fraction * 100 * 10000) / 10000;
  return v == 0 ? 0.0 : v;  // no "-0.0000"
}

std::string fmt_pct(const std::optional<double>& v) {
  if (!v) return "n/a";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.4f %%", *v);
  return buf;
}

std::string fmt_money(const std::optional<Decimal>& d, const std::string& quote) {
  if (!d) return "n/a";
  return shown(*d).to_string() + (quote.empty() ? "" : " " + quote);
}

std::string fmt_balances(const std::vector<std::pair<std::string, Decimal>>& b) {
  std::string out;
  for (const auto& [cur, amount] : b) {
    if (!out.empty()) out += ", ";
    out += cur + "=" + amount.to_string();
  }
  return out.empty() ? "n/a" : out;
}

std::string fmt_time(TimeNs t) {
  return t ? format_ymd_hms(t) : std::string("n/a");
}

}  // namespace

void BacktestMonitor::write(const Record& r) {
  if (r.doc_type == "decision") {
    const std::string reason = string_field(r, "reason");
    ++by_reason_[reason.empty() ? "(none)" : reason];
    if (bool_field(r, "taken")) {
      ++taken_;
    } else if (reason.rfind("risk_", 0) == 0) {
      ++risk_refused_;
    } else {
      ++no_action_;
    }
    const TimeNs start = int_field(r, "window_start"), end = int_field(r, "window_end");
    if (!first_start_ || start < first_start_) first_start_ = start;
    last_end_ = std::max(last_end_, end);

    auto [it, fresh] = marks_.try_emplace(r.symbol);
    SymbolMarks& m = it->second;
    if (fresh) {
      symbol_order_.push_back(r.symbol);
      m.quote = split_symbol(r.symbol).quote;
    }
    auto bid = decimal_field(r, "best_bid"), ask = decimal_field(r, "best_ask");
    if (bid && ask && bid->is_positive() && ask->is_positive()) {
      Decimal mid = (*bid + *ask).checked_div(Decimal::from_int(2)).value_or(*bid);
      if (!m.first_ask) m.first_ask = *ask;
      m.last_mid = mid;
      const double hold = mid.to_double() / m.first_ask->to_double();
      m.hold_peak = std::max(m.hold_peak, hold);
      if (m.hold_peak > 0)
        m.hold_max_drawdown = std::max(m.hold_max_drawdown, 1 - hold / m.hold_peak);
    }
    if (auto eq = decimal_field(r, "equity")) {
      if (!first_equity_) first_equity_ = *eq;
      const double e = eq->to_double();
      equity_peak_ = std::max(equity_peak_, e);
      if (equity_peak_ > 0) max_drawdown_ = std::max(max_drawdown_, 1 - e / equity_peak_);
    }
  } else if (r.doc_type == "score") {
    auto profit = decimal_field(r, "profit");
    if (!profit) return;  // no known entry: neither won nor lost
    if (profit->is_positive()) {
      ++won_;
    } else if (profit->is_negative()) {
      ++lost_;
    } else {
      ++even_;
    }
  }
}

void BacktestMonitor::finish(BacktestReport& out, const EngineStats& stats,
                             const std::vector<Balance>& final_balances,
                             double taker_fee_bps) const {
  out.period_start = first_start_;
  out.period_end = last_end_;
  out.windows = stats.windows;
  out.decisions = stats.decisions;
  out.decisions_taken = taken_;
  out.decisions_risk_refused = risk_refused_;
  out.decisions_no_action = no_action_;
  out.decisions_by_reason = by_reason_;
  out.orders = stats.orders;
  out.orders_accepted = stats.orders_accepted;
  out.orders_rejected = stats.orders_rejected;
  out.orders_unknown = stats.orders_unknown;
  out.buys = stats.buy_signals_taken;
  out.sells = stats.sell_signals_taken;
  out.fills = stats.fills;
  out.fees = stats.fees;
  out.realized_pnl = stats.realized_pnl;
  out.round_trips = won_ + lost_ + even_;
  out.won = won_;
  out.lost = lost_;
  out.even = even_;
  out.final_balances.clear();
  for (const Balance& b : final_balances) out.final_balances.emplace_back(b.currency, b.amount);
  out.quote = symbol_order_.empty() ? std::string() : marks_.at(symbol_order_.front()).quote;

  // Final equity: the quote currency plus each traded base at its last mid (as the engine
  // marks equity at every decision).
  out.initial_equity = first_equity_;
  std::optional<Decimal> final_eq;
  if (!out.quote.empty()) {
    Decimal total;
    bool known = true;
    for (const Balance& b : final_balances) {
      if (b.currency == out.quote) {
        total += b.amount;
        continue;
      }
      if (b.amount.is_zero()) continue;
      const SymbolMarks* mark = nullptr;
      for (const auto& [sym, m] : marks_) {
        if (m.quote == out.quote && split_symbol(sym).base == b.currency) mark = &m;
      }
      if (!mark) continue;
      if (!mark->last_mid) {
        known = false;
        break;
      }
      total += b.amount * *mark->last_mid;
    }
    if (known) final_eq = total;
  }
  out.final_equity = final_eq;
  double max_dd = max_drawdown_;
  if (final_eq && first_equity_) {
    out.pnl = *final_eq - *first_equity_;
    const double e = final_eq->to_double(), peak = std::max(equity_peak_, e);
    if (peak > 0) max_dd = std::max(max_dd, 1 - e / peak);
    if (first_equity_->is_positive()) out.return_pct = pct4(e / first_equity_->to_double() - 1);
  }
  out.max_drawdown_pct = equity_peak_ > 0 ? pct4(max_dd) : std::nullopt;

  // Buy-and-hold over the same windows: the whole equity into each symbol (equal shares)
  // at its first window's ask, paying the taker fee, marked at its last mid.
  double sum = 0, worst_dd = 0;
  std::size_t n = 0;
  for (const std::string& sym : symbol_order_) {
    const SymbolMarks& m = marks_.at(sym);
    if (!m.first_ask || !m.last_mid) continue;
    sum += m.last_mid->to_double() / m.first_ask->to_double() * (1 - taker_fee_bps / 10000) - 1;
    worst_dd = std::max(worst_dd, m.hold_max_drawdown);
    ++n;
  }
  if (n) {
    out.buy_hold_return_pct = pct4(sum / static_cast<double>(n));
    out.buy_hold_max_drawdown_pct = pct4(worst_dd);
  }
}

std::string backtest_report_text(const BacktestReport& r) {
  std::string out = "rtcrypto backtest report\n";
  auto line = [&out](const std::string& k, const std::string& v) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "  %-24s ", k.c_str());
    out += buf;
    out += v;
    out += '\n';
  };
  auto num = [](std::uint64_t v) { return std::to_string(v); };
  line("source", r.source);
  line("signal", r.signal.empty() ? "none" : r.signal);
  line("symbols", r.symbols);
  if (!r.from.empty() || !r.to.empty())
    line("requested", (r.from.empty() ? "start" : r.from) + " .. " + (r.to.empty() ? "end" : r.to));
  line("period", fmt_time(r.period_start) + " .. " + fmt_time(r.period_end) + " UTC");
  line(r.input_kind, num(r.inputs));
  line("skipped", num(r.skipped));
  line("parse errors", num(r.parse_errors));
  line("windows", num(r.windows));
  line("decisions", num(r.decisions));
  line("  taken", num(r.decisions_taken));
  line("  refused by risk", num(r.decisions_risk_refused));
  line("  no action", num(r.decisions_no_action));
  for (const auto& [reason, n] : r.decisions_by_reason) line("  reason " + reason, num(n));
  line("orders", num(r.orders));
  line("  buys", num(r.buys));
  line("  sells", num(r.sells));
  line("  accepted", num(r.orders_accepted));
  line("  rejected", num(r.orders_rejected));
  line("  unknown", num(r.orders_unknown));
  line("fills", num(r.fills));
  line("fees", fmt_money(r.fees, r.quote));
  line("realized PnL", fmt_money(r.realized_pnl, r.quote));
  line("initial balances", fmt_balances(r.initial_balances));
  line("final balances", fmt_balances(r.final_balances));
  line("initial equity", fmt_money(r.initial_equity, r.quote));
  line("final equity", fmt_money(r.final_equity, r.quote));
  line("PnL", fmt_money(r.pnl, r.quote));
  line("return", fmt_pct(r.return_pct));
  line("buy and hold return", fmt_pct(r.buy_hold_return_pct));
  line("max drawdown", fmt_pct(r.max_drawdown_pct));
  line("buy and hold drawdown", fmt_pct(r.buy_hold_max_drawdown_pct));
  line("round trips", num(r.round_trips));
  line("  won", num(r.won));
  line("  lost", num(r.lost));
  line("  even", num(r.even));
  line("interrupted", r.interrupted ? "yes (partial report)" : "no");
  return out;
}

std::string backtest_report_json(const BacktestReport& r) {
  using json = nlohmann::ordered_json;
  auto money = [](const std::optional<Decimal>& d) -> json {
    return d ? json(shown(*d).to_string()) : json(nullptr);
  };
  auto pct = [](const std::optional<double>& v) -> json { return v ? json(*v) : json(nullptr); };
  auto balances = [](const std::vector<std::pair<std::string, Decimal>>& b) {
    json o = json::object();
    for (const auto& [cur, amount] : b) o[cur] = amount.to_string();
    return o;
  };
  json j;
  j["source"] = r.source;
  j["signal"] = r.signal.empty() ? json(nullptr) : json(r.signal);
  j["symbols"] = r.symbols;
  j["quote"] = r.quote;
  j["from"] = r.from.empty() ? json(nullptr) : json(r.from);
  j["to"] = r.to.empty() ? json(nullptr) : json(r.to);
  j["period_start"] = r.period_start ? json(format_ymd_hms(r.period_start)) : json(nullptr);
  j["period_end"] = r.period_end ? json(format_ymd_hms(r.period_end)) : json(nullptr);
  j["input_kind"] = r.input_kind;
  j["inputs"] = r.inputs;
  j["skipped"] = r.skipped;
  j["parse_errors"] = r.parse_errors;
  j["windows"] = r.windows;
  json d;
  d["total"] = r.decisions;
  d["taken"] = r.decisions_taken;
  d["risk_refused"] = r.decisions_risk_refused;
  d["no_action"] = r.decisions_no_action;
  json by = json::object();
  for (const auto& [reason, n] : r.decisions_by_reason) by[reason] = n;
  d["by_reason"] = by;
  j["decisions"] = d;
  json o;
  o["total"] = r.orders;
  o["buys"] = r.buys;
  o["sells"] = r.sells;
  o["accepted"] = r.orders_accepted;
  o["rejected"] = r.orders_rejected;
  o["unknown"] = r.orders_unknown;
  j["orders"] = o;
  j["fills"] = r.fills;
  j["fees"] = money(r.fees);
  j["realized_pnl"] = money(r.realized_pnl);
  j["initial_balances"] = balances(r.initial_balances);
  j["final_balances"] = balances(r.final_balances);
  j["initial_equity"] = money(r.initial_equity);
  j["final_equity"] = money(r.final_equity);
  j["pnl"] = money(r.pnl);
  j["return_pct"] = pct(r.return_pct);
  j["buy_hold_return_pct"] = pct(r.buy_hold_return_pct);
  j["max_drawdown_pct"] = pct(r.max_drawdown_pct);
  j["buy_hold_max_drawdown_pct"] = pct(r.buy_hold_max_drawdown_pct);
  json rt;
  rt["total"] = r.round_trips;
  rt["won"] = r.won;
  rt["lost"] = r.lost;
  rt["even"] = r.even;
  j["round_trips"] = rt;
  j["interrupted"] = r.interrupted;
  return j.dump(2) + "\n";
}

}  // namespace rtcrypto::app
