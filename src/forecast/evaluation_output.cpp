// Text, JSON and SVG renderings of an evaluation report.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

#include "rtcrypto/forecast/evaluation.hpp"

namespace rtcrypto::forecast {
namespace {

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

nlohmann::json errors_json(const ErrorMetrics& e) {
  return {{"n", e.n}, {"mae", e.mae}, {"rmse", e.rmse}};
}

}  // namespace

std::string eval_report_text(const EvalReport& r) {
  std::ostringstream o;
  o << "holdout " << format_ymd_hms(r.holdout_first) << " .. " << format_ymd_hms(r.holdout_last)
    << ": " << r.holdout_rows << " bars; trained on " << r.train_rows << " bars; " << r.fits
    << " fit(s), " << fmt("%.2f", r.fit_seconds) << " s fitting\n";
  o << "interval coverage (" << fmt("%.0f", r.interval_width * 100)
    << " % interval): " << fmt("%.2f", r.interval_coverage * 100) << " % of closes inside\n\n";
  o << "method           log-price MAE   RMSE        return MAE     RMSE        direction acc "
       "[95 % CI]           n\n";
  for (const auto& m : r.methods) {
    char buf[256];
    std::snprintf(buf, sizeof buf, "%-16s %-15.6g %-11.6g %-14.6g %-11.6g ", m.name.c_str(),
                  m.log_price.mae, m.log_price.rmse, m.log_return.mae, m.log_return.rmse);
    o << buf;
    if (m.direction.applicable) {
      std::snprintf(buf, sizeof buf, "%.4f [%.4f, %.4f]   %zu", m.direction.accuracy,
                    m.direction.ci_low, m.direction.ci_high, m.direction.n);
      o << buf;
    } else {
      o << "n/a (predicts no change)";
    }
    o << "\n";
  }
  o << "\nconfusion (predicted x realised direction; realised no-change excluded):\n";
  for (const auto& m : r.methods) {
    if (!m.direction.applicable) continue;
    const auto& d = m.direction;
    o << "  " << m.name << ": up/up " << d.up_up << "  up/down " << d.up_down << "  down/up "
      << d.down_up << "  down/down " << d.down_down << "  (abstained " << d.abstained
      << ", realised flat " << d.realised_flat << ")\n";
  }
  const auto& b = r.backtest;
  o << "\nbacktest (fee " << fmt("%.3f", r.fee * 100) << " % per side, bar closes):\n"
    << "  strategy:     return " << fmt("%+.2f", b.strategy_return * 100) << " %, " << b.trades
    << " trades, fees " << fmt("%.2f", b.strategy_fees * 100) << " % of equity, "
    << "exposure " << fmt("%.1f", b.exposure * 100) << " %, max drawdown "
    << fmt("%.2f", b.strategy_max_drawdown * 100) << " %\n"
    << "  buy and hold: return " << fmt("%+.2f", b.buy_hold_return * 100) << " %, max drawdown "
    << fmt("%.2f", b.buy_hold_max_drawdown * 100) << " %\n";
  return o.str();
}

std::string eval_report_json(const EvalReport& r) {
  nlohmann::json j;
  j["holdout"] = {{"first", format_ymd_hms(r.holdout_first)},
                  {"last", format_ymd_hms(r.holdout_last)},
                  {"rows", r.holdout_rows}};
  j["train_rows"] = r.train_rows;
  j["fits"] = r.fits;
  j["fit_seconds"] = r.fit_seconds;
  j["interval"] = {{"width", r.interval_width}, {"coverage", r.interval_coverage}};
  auto& ms = j["methods"] = nlohmann::json::array();
  for (const auto& m : r.methods) {
    const auto& d = m.direction;
    nlohmann::json dj = {{"applicable", d.applicable},
                         {"n", d.n},
                         {"correct", d.correct},
                         {"accuracy", d.accuracy},
                         {"ci95", {d.ci_low, d.ci_high}},
                         {"confusion",
                          {{"up_up", d.up_up},
                           {"up_down", d.up_down},
                           {"down_up", d.down_up},
                           {"down_down", d.down_down}}},
                         {"abstained", d.abstained},
                         {"realised_flat", d.realised_flat}};
    ms.push_back({{"name", m.name},
                  {"log_price", errors_json(m.log_price)},
                  {"log_return", errors_json(m.log_return)},
                  {"direction", dj}});
  }
  const auto& b = r.backtest;
  j["backtest"] = {{"fee_per_side", r.fee},
                   {"strategy_return", b.strategy_return},
                   {"buy_hold_return", b.buy_hold_return},
                   {"trades", b.trades},
                   {"fees", b.strategy_fees},
                   {"exposure", b.exposure},
                   {"strategy_max_drawdown", b.strategy_max_drawdown},
                   {"buy_hold_max_drawdown", b.buy_hold_max_drawdown}};
  return j.dump(2) + "\n";
}

std::string eval_plot_svg(const EvalReport& r, int width, int height) {
  // Bars are placed by index (segments side by side, gaps closed) and bucketed so the file
  // stays small; each bucket draws its mean of each series.
  const auto& s = r.series;
  const int left = 70, right = 20, top = 30, bottom = 40;
  const int plot_w = width - left - right, plot_h = height - top - bottom;
  const std::size_t buckets = std::max<std::size_t>(1, std::min<std::size_t>(s.size(), plot_w));
  struct Agg {
    double price = 0, yhat = 0, lo = 0, hi = 0;
    std::size_t n = 0;
  };
  std::vector<Agg> agg(buckets);
  double ymin = 1e300, ymax = -1e300;
  for (std::size_t i = 0; i < s.size(); ++i) {
    Agg& a = agg[i * buckets / s.size()];
    a.price += s[i].price, a.yhat += s[i].yhat, a.lo += s[i].lower, a.hi += s[i].upper, ++a.n;
  }
  for (auto& a : agg) {
    if (!a.n) continue;
    a.price /= a.n, a.yhat /= a.n, a.lo /= a.n, a.hi /= a.n;
    for (double v : {a.price, a.yhat, a.lo, a.hi})
      if (std::isfinite(v)) ymin = std::min(ymin, v), ymax = std::max(ymax, v);
  }
  if (!(ymax > ymin)) ymin = 0, ymax = 1;
  auto X = [&](std::size_t b) { return left + (b + 0.5) * plot_w / buckets; };
  auto Y = [&](double v) {
    v = std::clamp(v, ymin, ymax);
    return top + (ymax - v) / (ymax - ymin) * plot_h;
  };
  std::ostringstream o;
  o << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height
    << "\" font-family=\"sans-serif\" font-size=\"11\">\n"
    << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
    << "<text x=\"" << left
    << "\" y=\"18\" font-size=\"13\">Holdout: price (black), forecast "
       "yhat (blue), "
    << fmt("%.0f", r.interval_width * 100)
    << " % interval (shaded); segments side by side</text>\n";
  // Interval band.
  o << "<polygon fill=\"#9ecae1\" fill-opacity=\"0.5\" stroke=\"none\" points=\"";
  for (std::size_t b = 0; b < buckets; ++b)
    if (agg[b].n) o << fmt("%.1f", X(b)) << "," << fmt("%.1f", Y(agg[b].hi)) << " ";
  for (std::size_t b = buckets; b-- > 0;)
    if (agg[b].n) o << fmt("%.1f", X(b)) << "," << fmt("%.1f", Y(agg[b].lo)) << " ";
  o << "\"/>\n";
  for (auto [field, colour] : {std::pair{0, "black"}, std::pair{1, "#2171b5"}}) {
    o << "<polyline fill=\"none\" stroke=\"" << colour << "\" stroke-width=\"1\" points=\"";
    for (std::size_t b = 0; b < buckets; ++b)
      if (agg[b].n)
        o << fmt("%.1f", X(b)) << "," << fmt("%.1f", Y(field == 0 ? agg[b].price : agg[b].yhat))
          << " ";
    o << "\"/>\n";
  }
  // Axes, price ticks and segment starts.
  o << "<rect x=\"" << left << "\" y=\"" << top << "\" width=\"" << plot_w << "\" height=\""
    << plot_h << "\" fill=\"none\" stroke=\"#444\"/>\n";
  for (int i = 0; i <= 4; ++i) {
    const double v = ymin + (ymax - ymin) * i / 4;
    o << "<text x=\"" << left - 5 << "\" y=\"" << fmt("%.1f", Y(v) + 4) << "\" text-anchor=\"end\">"
      << fmt("%.0f", v) << "</text>\n";
  }
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i > 0 && s[i].segment == s[i - 1].segment) continue;
    const double x = left + static_cast<double>(i) * plot_w / s.size();
    o << "<line x1=\"" << fmt("%.1f", x) << "\" x2=\"" << fmt("%.1f", x) << "\" y1=\"" << top
      << "\" y2=\"" << top + plot_h << "\" stroke=\"#bbb\" stroke-dasharray=\"3,3\"/>\n"
      << "<text x=\"" << fmt("%.1f", x + 3) << "\" y=\"" << top + plot_h + 15 << "\">"
      << format_ymd_hms(s[i].ds).substr(0, 10) << "</text>\n";
  }
  o << "</svg>\n";
  return o.str();
}

}  // namespace rtcrypto::forecast
