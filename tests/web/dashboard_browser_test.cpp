// Loads the dashboard in headless Chromium (Debian's `chromium`) against a replay-like
// stream of records and checks, in the DOM it dumps, that every chart received data.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <regex>

#include "rtcrypto/web/dashboard.hpp"
#include "test_support.hpp"

namespace rtcrypto::web {
namespace {

std::string find_chromium() {
  for (const char* p : {"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"})
    if (std::filesystem::exists(p)) return p;
  return {};
}

std::string run(const std::string& cmd) {
  std::string out;
  FILE* f = ::popen(cmd.c_str(), "r");
  if (!f) return out;
  char buf[65536];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  ::pclose(f);
  return out;
}

int points(const std::string& dom, const std::string& id) {
  std::smatch m;
  std::regex re("<canvas id=\"" + id + "\" data-points=\"([0-9]+)\"");
  return std::regex_search(dom, m, re) ? std::stoi(m[1]) : -1;
}

// One trading hour as the engine would emit it: tickers, windows, decisions, orders, scores.
void publish_session(Dashboard& d) {
  const TimeNs t0 = 1602770040000000000;
  double price = 11400;
  Record bal;
  bal.doc_type = "balance";
  bal.ts = t0;
  bal.set("currency", std::string("USD")).set("amount", 1000.0).set("available", 1000.0);
  d.publish(bal);
  double cum = 0;
  for (int m = 0; m < 60; ++m) {
    TimeNs t = t0 + m * kNsPerMin;
    price += (m % 7 < 4 ? 3.5 : -2.0);
    Record tk;
    tk.doc_type = "ticker";
    tk.symbol = "BTCUSD";
    tk.ts = t;
    tk.set("bid", price - 0.5).set("ask", price + 0.5).set("last", price);
    d.publish(tk);
    Record pv;
    pv.doc_type = "price_volume";
    pv.symbol = "BTCUSD";
    pv.ts = t + 59 * kNsPerSec;
    pv.set("value", 0.5 + (m % 5) * 0.4).set("mid", price);
    d.publish(pv);
    Record dec;
    dec.doc_type = "decision";
    dec.symbol = "BTCUSD";
    dec.ts = t + 59 * kNsPerSec;
    dec.set("signal", std::string(m % 3 == 0 ? "sell" : "buy")).set("action", std::string("none"));
    d.publish(dec);
    if (m % 10 == 2 || m % 10 == 7) {
      bool buy = m % 10 == 2;
      Record o;
      o.doc_type = "order";
      o.symbol = "BTCUSD";
      o.ts = t + 59 * kNsPerSec;
      o.set("side", std::string(buy ? "buy" : "sell"))
          .set("price", price)
          .set("original_amount", 0.08)
          .set("executed_amount", 0.08)
          .set("avg_execution_price", price)
          .set("is_cancelled", false);
      d.publish(o);
      if (!buy) {
        cum += 1.25 * m;
        Record s;
        s.doc_type = "score";
        s.symbol = "BTCUSD";
        s.ts = o.ts;
        s.set("profit", 1.25 * m).set("cumulative_profit", cum);
        d.publish(s);
      }
    }
  }
  d.publish_status({{"connection", std::string("up")},
                    {"book", std::string("whole")},
                    {"risk", std::string("ok")},
                    {"kill_switch", false},
                    {"band_low", 0.1},
                    {"band_high", 2.0}});
}

TEST(DashboardBrowser, ChartsReceiveDataInHeadlessChromium) {
  std::string chromium = find_chromium();
  if (chromium.empty()) GTEST_SKIP() << "chromium is not installed (apt-get install chromium)";
  DashboardOptions o;
  o.port = 0;
  o.run_id = "browser-test";
  Dashboard d(o);
  d.start();
  publish_session(d);
  test::TempDir profile;
  std::string cmd = "timeout 90 " + chromium +
                    " --headless --no-sandbox --disable-gpu --disable-background-networking"
                    " --disable-component-update --disable-sync --no-first-run --disable-extensions"
                    " --window-size=1280,1000 --user-data-dir=" +
                    profile.path().string() +
                    " --dump-dom http://127.0.0.1:" + std::to_string(d.port()) + "/ 2>/dev/null";
  std::string dom = run(cmd);
  ASSERT_NE(dom.find("data-ready=\"1\""), std::string::npos) << dom.substr(0, 2000);
  EXPECT_NE(dom.find("data-records=\"199\""), std::string::npos) << dom.substr(0, 600);
  EXPECT_EQ(points(dom, "price"), 60 + 60 + 60 + 12)
      << "mid from tickers and windows, last, markers";
  EXPECT_EQ(points(dom, "ratio"), 60);
  EXPECT_EQ(points(dom, "signal"), 60);
  EXPECT_GT(points(dom, "pnl"), 60);
  EXPECT_NE(dom.find("book whole"), std::string::npos);
  EXPECT_NE(dom.find("<td class=\"sell\">sell</td>"), std::string::npos) << "orders table";
  EXPECT_NE(dom.find("<td>USD</td>"), std::string::npos) << "balances table";
}

}  // namespace
}  // namespace rtcrypto::web
