// `rtcrypto run` with --http and --es on a replay of the shared frames: /metrics agrees with
// the run's summary, /healthz answers, and the fake Elasticsearch receives every stored
// document exactly once (also when the same run is replayed again).
#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <sstream>
#include <string>

#include "es/es_test_server.hpp"
#include "rtcrypto/app/commands.hpp"
#include "rtcrypto/app/observability_wiring.hpp"
#include "rtcrypto/app/run_command.hpp"
#include "rtcrypto/core/metrics.hpp"
#include "test_support.hpp"
#include "web/web_test_client.hpp"

namespace rtcrypto::app {
namespace {

// Prometheus text -> {"name{labels}" -> value}; comment lines skipped.
std::map<std::string, double> parse_metrics(const std::string& text) {
  std::map<std::string, double> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto sp = line.rfind(' ');
    if (sp == std::string::npos) continue;
    out[line.substr(0, sp)] = std::stod(line.substr(sp + 1));
  }
  return out;
}

double value(const std::map<std::string, double>& m, const std::string& series) {
  auto it = m.find(series);
  return it == m.end() ? 0.0 : it->second;
}

// Sum over every series of a family (all label values).
double family_sum(const std::map<std::string, double>& m, const std::string& name) {
  double s = 0;
  for (const auto& [k, v] : m)
    if (k == name || k.rfind(name + "{", 0) == 0) s += v;
  return s;
}

RunConfig replay_config(const std::filesystem::path& frames, const test::TempDir& dir) {
  RunConfig cfg;
  cfg.source = "replay:" + frames.string();
  cfg.store = (dir / "run.db").string();
  cfg.run_id = "obs-test";
  cfg.window_seconds = 10;  // more windows (and documents) from the short recording
  return cfg;
}

struct Served {
  std::uint16_t port = 0;
  test::SimpleResponse metrics, healthz, page;
};

TEST(ObservabilityRun, MetricsMatchTheSummaryAndHealthzAnswers) {
  RTC_SHARED_FILE_OR_SKIP(frames, "gemini/v2-marketdata-frames-with-recv-ts.tsv");
  test::TempDir dir;
  RunConfig cfg = replay_config(frames, dir);
  cfg.http = "127.0.0.1:0";
  Served served;
  set_observability_finish_hook([&](std::uint16_t port) {
    served.port = port;
    served.metrics = test::http_get(port, "/metrics");
    served.healthz = test::http_get(port, "/healthz");
    served.page = test::http_get(port, "/");
  });
  auto before = parse_metrics(metrics::registry().render());
  RunSummary sum = run_daemon(cfg);
  set_observability_finish_hook(nullptr);

  ASSERT_NE(served.port, 0);
  ASSERT_EQ(served.metrics.status, 200);
  auto after = parse_metrics(served.metrics.body);
  auto delta = [&](const std::string& series) {
    return value(after, series) - value(before, series);
  };
  auto fdelta = [&](const std::string& name) {
    return family_sum(after, name) - family_sum(before, name);
  };
  ASSERT_GT(sum.frames, 100u);
  ASSERT_GT(sum.windows, 3u);
  EXPECT_EQ(delta("rtcrypto_feed_frames_total{feed=\"replay\"}"), double(sum.frames));
  EXPECT_EQ(delta("rtcrypto_feed_changes_total{feed=\"replay\"}"), double(sum.changes));
  EXPECT_EQ(delta("rtcrypto_feed_parse_errors_total{feed=\"replay\"}"), double(sum.parse_errors));
  EXPECT_EQ(delta("rtcrypto_feed_gaps_total{feed=\"replay\"}"), double(sum.gaps));
  EXPECT_EQ(delta("rtcrypto_windows_total"), double(sum.windows));
  EXPECT_EQ(fdelta("rtcrypto_decisions_total"), double(sum.decisions));
  EXPECT_EQ(delta("rtcrypto_decisions_total{outcome=\"no_signal\"}"), double(sum.decisions))
      << "no --signal: every decision is no_signal";
  EXPECT_EQ(delta("rtcrypto_orders_total{outcome=\"rejected\"}"), double(sum.orders_rejected));
  EXPECT_EQ(delta("rtcrypto_orders_total{outcome=\"refused_by_risk\"}"),
            double(sum.rejected_by_risk));
  EXPECT_EQ(delta("rtcrypto_fills_total"), double(sum.fills));
  EXPECT_EQ(value(after, "rtcrypto_kill_switch"), 0.0);
  EXPECT_NE(served.metrics.body.find("rtcrypto_build_info{version="), std::string::npos);

  // The replay ends with a whole BTCUSD book and no sink in trouble.
  EXPECT_EQ(served.healthz.status, 200) << served.healthz.body;
  EXPECT_NE(served.healthz.body.find("ok"), std::string::npos) << served.healthz.body;
  EXPECT_EQ(served.page.status, 200);

  // Stopped at the end of the run: the port no longer answers.
  EXPECT_EQ(test::http_get(served.port, "/healthz").status, 0);
}

TEST(ObservabilityRun, ElasticsearchReceivesEveryDocumentOnce) {
  RTC_SHARED_FILE_OR_SKIP(frames, "gemini/v2-marketdata-frames-with-recv-ts.tsv");
  test::TempDir dir;
  test::FakeElasticsearch fake;
  RunConfig cfg = replay_config(frames, dir);
  cfg.es = fake.url();
  RunSummary sum = run_daemon(cfg);
  ASSERT_GT(sum.documents, 10u);
  EXPECT_EQ(fake.count("gemini*"), sum.documents);
  EXPECT_EQ(fake.ids("gemini*").size(), sum.documents) << "every document id distinct";
  EXPECT_FALSE(fake.index_template("rtcrypto-gemini").empty()) << "template installed at start";
  EXPECT_TRUE(std::filesystem::exists(dir / "run.db.es-spool")) << "spool next to the store";

  // The same run replayed again: the same ids, nothing doubled.
  RunSummary again = run_daemon(cfg);
  EXPECT_EQ(again.documents, sum.documents);
  EXPECT_EQ(fake.count("gemini*"), sum.documents);
}

TEST(ObservabilityRun, BadHttpAddressIsAUsageError) {
  std::string bind;
  std::uint16_t port = 1;
  EXPECT_TRUE(parse_http_address("127.0.0.1:8080", bind, port));
  EXPECT_EQ(bind, "127.0.0.1");
  EXPECT_EQ(port, 8080);
  EXPECT_TRUE(parse_http_address(":0", bind, port));
  EXPECT_EQ(bind, "127.0.0.1");
  EXPECT_EQ(port, 0);
  EXPECT_FALSE(parse_http_address("127.0.0.1:http", bind, port));
  EXPECT_FALSE(parse_http_address("127.0.0.1:70000", bind, port));

  test::TempDir dir;
  RunConfig cfg;
  cfg.source = "replay:" + (dir / "none.ndjson").string();
  cfg.store = "";
  cfg.http = "localhost:port";
  EXPECT_THROW(run_daemon(cfg), UsageError);
}

}  // namespace
}  // namespace rtcrypto::app
