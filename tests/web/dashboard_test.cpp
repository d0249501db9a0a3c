#include "rtcrypto/web/dashboard.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "rtcrypto/core/metrics.hpp"
#include "rtcrypto/web/systemd_notify.hpp"
#include "web/web_test_client.hpp"

namespace rtcrypto::web {
namespace {

using test::http_get;

// A small Prometheus text-format (0.0.4) parser: checks the grammar and returns samples.
struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value;
};
struct Exposition {
  std::map<std::string, std::string> types;
  std::vector<Sample> samples;
};

Exposition parse_prometheus(const std::string& text) {
  Exposition out;
  static const std::regex name_re("[a-zA-Z_:][a-zA-Z0-9_:]*");
  static const std::regex label_re("[a-zA-Z_][a-zA-Z0-9_]*");
  std::istringstream in(text);
  std::string line;
  int lineno = 0;
  auto fail = [&](const std::string& why) {
    throw std::runtime_error("line " + std::to_string(lineno) + ": " + why + ": " + line);
  };
  while (std::getline(in, line)) {
    ++lineno;
    if (line.empty()) continue;
    if (line[0] == '#') {
      std::istringstream ls(line);
      std::string hash, kind, name, rest;
      ls >> hash >> kind >> name;
      if (kind == "TYPE") {
        ls >> rest;
        if (!std::regex_match(name, name_re)) fail("bad metric name");
        static const std::set<std::string> kinds{"counter", "gauge", "histogram", "summary",
                                                 "untyped"};
        if (!kinds.count(rest)) fail("bad type");
        if (out.types.count(name)) fail("TYPE given twice");
        out.types[name] = rest;
      }
      continue;
    }
    std::size_t i = 0;
    while (i < line.size() && line[i] != '{' && line[i] != ' ') ++i;
    Sample s;
    s.name = line.substr(0, i);
    if (!std::regex_match(s.name, name_re)) fail("bad sample name");
    if (i < line.size() && line[i] == '{') {
      ++i;
      while (i < line.size() && line[i] != '}') {
        std::size_t eq = line.find('=', i);
        if (eq == std::string::npos) fail("label without =");
        std::string key = line.substr(i, eq - i);
        if (!std::regex_match(key, label_re)) fail("bad label name");
        if (eq + 1 >= line.size() || line[eq + 1] != '"') fail("label value not quoted");
        std::string value;
        std::size_t j = eq + 2;
        for (; j < line.size() && line[j] != '"'; ++j) {
          if (line[j] == '\\') {
            ++j;
            if (j >= line.size()) fail("dangling escape");
            char c = line[j];
            if (c == 'n')
              value += '\n';
            else if (c == '\\' || c == '"')
              value += c;
            else
              fail("bad escape");
          } else {
            value += line[j];
          }
        }
        if (j >= line.size()) fail("unterminated label value");
        s.labels[key] = value;
        i = j + 1;
        if (i < line.size() && line[i] == ',') ++i;
      }
      if (i >= line.size()) fail("unterminated labels");
      ++i;
    }
    if (i >= line.size() || line[i] != ' ') fail("no value");
    std::string value = line.substr(i + 1);
    if (auto sp = value.find(' '); sp != std::string::npos)
      value = value.substr(0, sp);  // timestamp
    if (value == "+Inf")
      s.value = INFINITY;
    else if (value == "-Inf")
      s.value = -INFINITY;
    else if (value == "NaN")
      s.value = NAN;
    else {
      std::size_t used = 0;
      try {
        s.value = std::stod(value, &used);
      } catch (...) {
        fail("bad value");
      }
      if (used != value.size()) fail("bad value");
    }
    std::string family = s.name;
    for (const char* suffix : {"_bucket", "_sum", "_count"}) {
      std::string sf = suffix;
      if (!out.types.count(family) && family.size() > sf.size() &&
          family.compare(family.size() - sf.size(), sf.size(), sf) == 0)
        family = family.substr(0, family.size() - sf.size());
    }
    if (!out.types.count(family)) fail("sample before its TYPE");
    out.samples.push_back(std::move(s));
  }
  return out;
}

DashboardOptions test_options() {
  DashboardOptions o;
  o.port = 0;
  o.version = "9.9.9-test";
  o.run_id = "run-web";
  return o;
}

Record ticker(int i) {
  Record r;
  r.doc_type = "ticker";
  r.symbol = "BTCUSD";
  r.ts = 1602770086000000000 + i * kNsPerSec;
  r.set("bid", 11400.0 + i).set("ask", 11401.0 + i).set("last", 11400.5 + i);
  return r;
}

TEST(PrometheusParser, RejectsBrokenText) {
  EXPECT_THROW(parse_prometheus("x 1\n"), std::runtime_error);  // no TYPE
  EXPECT_THROW(parse_prometheus("# TYPE x counter\nx{a=b} 1\n"), std::runtime_error);
  EXPECT_THROW(parse_prometheus("# TYPE x counter\nx one\n"), std::runtime_error);
  EXPECT_NO_THROW(parse_prometheus("# TYPE x counter\nx{a=\"b\\\"\"} 1 1700000000\n"));
}

TEST(Dashboard, MetricsEndpointParsesAsPrometheusText) {
  auto& reg = metrics::registry();
  reg.counter("rtcrypto_test_frames_total", "Frames", {{"feed", "v2"}}).inc(7);
  reg.counter("rtcrypto_test_frames_total", "Frames", {{"feed", "v1 \"old\"\nline"}}).inc();
  auto& h = reg.histogram("rtcrypto_test_rest_seconds", "REST latency",
                          metrics::latency_buckets_seconds(), {{"endpoint", "order/new"}});
  h.observe(0.002);
  h.observe(0.5);
  h.observe(100);
  reg.gauge("rtcrypto_test_kill_switch", "Kill switch").set(0);
  Dashboard d(test_options());
  d.start();
  auto r = http_get(d.port(), "/metrics");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.headers.find("text/plain; version=0.0.4"), std::string::npos);
  Exposition e;
  ASSERT_NO_THROW(e = parse_prometheus(r.body)) << r.body;
  EXPECT_EQ(e.types["rtcrypto_test_frames_total"], "counter");
  EXPECT_EQ(e.types["rtcrypto_test_rest_seconds"], "histogram");
  EXPECT_EQ(e.types["rtcrypto_build_info"], "gauge");
  bool saw_v2 = false, saw_odd = false, saw_build = false;
  double last_bucket = -1, inf_bucket = -1, count = -1;
  for (const auto& s : e.samples) {
    if (s.name == "rtcrypto_test_frames_total" && s.labels.at("feed") == "v2")
      saw_v2 = s.value == 7;
    if (s.name == "rtcrypto_test_frames_total" && s.labels.at("feed") == "v1 \"old\"\nline")
      saw_odd = true;
    if (s.name == "rtcrypto_build_info" && s.labels.count("version") &&
        s.labels.at("version") == "9.9.9-test")
      saw_build = s.value == 1;
    if (s.name == "rtcrypto_test_rest_seconds_bucket") {
      EXPECT_GE(s.value, last_bucket) << "buckets are cumulative";
      last_bucket = s.value;
      if (s.labels.at("le") == "+Inf") inf_bucket = s.value;
    }
    if (s.name == "rtcrypto_test_rest_seconds_count") count = s.value;
  }
  EXPECT_TRUE(saw_v2);
  EXPECT_TRUE(saw_odd);
  EXPECT_TRUE(saw_build);
  EXPECT_EQ(inf_bucket, 3);
  EXPECT_EQ(count, 3);
}

TEST(Dashboard, HealthzCodes) {
  Dashboard d(test_options());
  d.start();
  auto r = http_get(d.port(), "/healthz");
  EXPECT_EQ(r.status, 503);
  bool whole = true;
  std::string why;
  d.set_health_check([&] { return HealthReport{whole, whole ? "" : why}; });
  EXPECT_EQ(http_get(d.port(), "/healthz").status, 200);
  whole = false;
  why = "book BTCUSD rebuilding after a sequence gap";
  r = http_get(d.port(), "/healthz");
  EXPECT_EQ(r.status, 503);
  EXPECT_NE(r.body.find("sequence gap"), std::string::npos);
  EXPECT_EQ(http_get(d.port(), "/nope").status, 404);
}

TEST(Dashboard, PageIsSelfContained) {
  Dashboard d(test_options());
  d.start();
  auto r = http_get(d.port(), "/");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("<canvas id=\"price\""), std::string::npos);
  EXPECT_NE(r.body.find("EventSource"), std::string::npos);
  EXPECT_EQ(r.body.find("http://"), std::string::npos) << "no external resources";
  EXPECT_EQ(r.body.find("https://"), std::string::npos) << "no external resources";
}

TEST(Dashboard, SseDeliversHistoryThenLiveRecordsAndStatus) {
  Dashboard d(test_options());
  d.start();
  d.publish(ticker(0));
  d.publish(ticker(1));
  test::SseStream s(d.port(), "/events");
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(s.read_until("\"last\":11401.5")) << s.data();
  EXPECT_NE(s.data().find("text/event-stream"), std::string::npos);
  for (int i = 0; i < 50 && d.clients() == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  d.publish(ticker(2));
  d.publish_status(
      {{"connection", std::string("up")}, {"book", std::string("whole")}, {"kill_switch", false}});
  ASSERT_TRUE(s.read_until("event: status")) << s.data();
  ASSERT_TRUE(s.read_until("\"kill_switch\":false}")) << s.data();
  const auto& text = s.data();
  EXPECT_NE(text.find("id: 3\nevent: record\ndata: {\"doc_type\":\"ticker\""), std::string::npos)
      << text;
  EXPECT_NE(text.find("\"run_id\":\"run-web\""), std::string::npos);
  // Each record exactly once, in order.
  auto a = text.find("\"last\":11400.5"), b = text.find("\"last\":11401.5"),
       c = text.find("\"last\":11402.5");
  ASSERT_NE(c, std::string::npos);
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
  EXPECT_EQ(text.find("\"last\":11401.5", b + 1), std::string::npos);

  // A reconnect with ?after= resumes without repeats.
  test::SseStream again(d.port(), "/events?after=2");
  ASSERT_TRUE(again.read_until("event: status"));
  EXPECT_EQ(again.data().find("\"last\":11401.5"), std::string::npos);
  EXPECT_NE(again.data().find("\"last\":11402.5"), std::string::npos);

  auto h = http_get(d.port(), "/history.js");
  EXPECT_NE(h.body.find("window.RTC_HISTORY=["), std::string::npos);
  EXPECT_NE(h.body.find("window.RTC_LAST_ID=4;"), std::string::npos);
}

TEST(Dashboard, PublishNeverWaitsForAStalledClient) {
  Dashboard d(test_options());
  d.start();
  int fd = test::connect_loopback(d.port());
  std::string req = "GET /events HTTP/1.1\r\nHost: x\r\n\r\n";
  ::send(fd, req.data(), req.size(), 0);  // and never read
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < 20000; ++i) d.publish(ticker(i));
  double us =
      std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count() /
      20000;
  EXPECT_LT(us, 100.0);
  ::close(fd);
}

TEST(Dashboard, BadListenAddressIsAClearError) {
  EXPECT_THROW(parse_listen_address("localhost:80"), std::invalid_argument);
  EXPECT_THROW(parse_listen_address("127.0.0.1:99999"), std::invalid_argument);
  EXPECT_EQ(parse_listen_address("127.0.0.1:8080").second, 8080);
  EXPECT_EQ(parse_listen_address("9000").first, "127.0.0.1");
  Dashboard a(test_options());
  a.start();
  auto o = test_options();
  o.port = a.port();
  Dashboard b(o);
  EXPECT_THROW(b.start(), std::runtime_error);
}

TEST(SystemdNotify, NoOpOutsideSystemd) {
  unsetenv("NOTIFY_SOCKET");
  unsetenv("WATCHDOG_USEC");
  EXPECT_FALSE(systemd::ready());
  EXPECT_FALSE(systemd::watchdog_interval().has_value());
}

}  // namespace
}  // namespace rtcrypto::web
