#include "rtcrypto/core/metrics.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace rtcrypto::metrics {
namespace {

TEST(Metrics, CounterRendersWithLabelsAndHelp) {
  Registry r;
  auto& c = r.counter("rtc_frames_total", "Frames received", {{"feed", "v2"}});
  c.inc();
  c.inc(4);
  EXPECT_EQ(c.value(), 5u);
  EXPECT_EQ(&c, &r.counter("rtc_frames_total", "Frames received", {{"feed", "v2"}}));
  std::string text = r.render();
  EXPECT_NE(text.find("# HELP rtc_frames_total Frames received\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE rtc_frames_total counter\n"), std::string::npos);
  EXPECT_NE(text.find("rtc_frames_total{feed=\"v2\"} 5\n"), std::string::npos);
}

TEST(Metrics, GaugeSetAddAndNoLabels) {
  Registry r;
  auto& g = r.gauge("rtc_spool_bytes", "Spool size");
  g.set(10);
  g.add(2.5);
  g.dec();
  EXPECT_DOUBLE_EQ(g.value(), 11.5);
  EXPECT_NE(r.render().find("rtc_spool_bytes 11.5\n"), std::string::npos);
}

TEST(Metrics, LabelValuesAreEscaped) {
  Registry r;
  r.counter("rtc_errors_total", "x", {{"reason", "a\"b\\c\nd"}}).inc();
  EXPECT_NE(r.render().find("rtc_errors_total{reason=\"a\\\"b\\\\c\\nd\"} 1\n"), std::string::npos);
}

TEST(Metrics, HistogramIsCumulative) {
  Registry r;
  auto& h = r.histogram("rtc_latency_seconds", "Latency", {0.1, 1.0}, {{"op", "new"}});
  h.observe(0.05);
  h.observe(0.1);  // le is inclusive
  h.observe(0.5);
  h.observe(7.0);
  std::string t = r.render();
  EXPECT_NE(t.find("rtc_latency_seconds_bucket{op=\"new\",le=\"0.1\"} 2\n"), std::string::npos);
  EXPECT_NE(t.find("rtc_latency_seconds_bucket{op=\"new\",le=\"1\"} 3\n"), std::string::npos);
  EXPECT_NE(t.find("rtc_latency_seconds_bucket{op=\"new\",le=\"+Inf\"} 4\n"), std::string::npos);
  EXPECT_NE(t.find("rtc_latency_seconds_count{op=\"new\"} 4\n"), std::string::npos);
  EXPECT_NE(t.find("rtc_latency_seconds_sum{op=\"new\"} 7.65\n"), std::string::npos);
}

TEST(Metrics, RejectsBadNamesAndTypeConflicts) {
  Registry r;
  EXPECT_THROW(r.counter("9bad", "x"), std::invalid_argument);
  EXPECT_THROW(r.counter("ok_total", "x", {{"bad-label", "v"}}), std::invalid_argument);
  r.counter("ok_total", "x");
  EXPECT_THROW(r.gauge("ok_total", "x"), std::invalid_argument);
  r.histogram("h_seconds", "x", {1, 2});
  EXPECT_THROW(r.histogram("h_seconds", "x", {1, 3}, {{"a", "b"}}), std::invalid_argument);
  EXPECT_THROW(r.histogram("h2_seconds", "x", {2, 1}), std::invalid_argument);
}

TEST(Metrics, CallbackGaugeReadsAtRenderAndCanBeRemoved) {
  Registry r;
  double depth = 3;
  auto id =
      r.gauge_callback("rtc_queue_depth", "Queue depth", {{"q", "kafka"}}, [&] { return depth; });
  depth = 42;
  EXPECT_NE(r.render().find("rtc_queue_depth{q=\"kafka\"} 42\n"), std::string::npos);
  r.remove_callback(id);
  EXPECT_EQ(r.render().find("rtc_queue_depth"), std::string::npos);
}

TEST(Metrics, ConcurrentIncrementsAreNotLost) {
  Registry r;
  auto& c = r.counter("rtc_concurrent_total", "x");
  auto& h = r.histogram("rtc_concurrent_seconds", "x", {0.5});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 100000; ++i) {
        c.inc();
        h.observe(1.0);
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(c.value(), 400000u);
  EXPECT_EQ(h.count(), 400000u);
  EXPECT_DOUBLE_EQ(h.sum(), 400000.0);
}

TEST(Metrics, BucketHelpers) {
  EXPECT_EQ(exponential_buckets(1, 2, 3), (std::vector<double>{1, 2, 4}));
  EXPECT_EQ(linear_buckets(0, 5, 3), (std::vector<double>{0, 5, 10}));
  EXPECT_EQ(latency_buckets_seconds().size(), 16u);
}

}  // namespace
}  // namespace rtcrypto::metrics
