#pragma once
// Process metrics: counters, gauges and histograms with labels, rendered in the Prometheus
// text exposition format (version 0.0.4) by the web part's /metrics.
//
// Usage on a hot path: obtain the handle ONCE (a registry lookup takes a lock), keep the
// reference, then increment it as often as you like (one relaxed atomic op, no lock):
//
//   auto& frames = metrics::registry().counter("rtcrypto_feed_frames_total",
//                                              "Frames received", {{"feed", "v2"}});
//   ...
//   frames.inc();
//
// Handles live as long as the registry (the global one: the whole process). Asking again
// with the same name and labels returns the same handle; the same name with another type
// (or other histogram buckets) throws std::invalid_argument.
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rtcrypto::metrics {

// Label pairs {name, value}; the order given is the order rendered.
using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  void inc(std::uint64_t n = 1) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

class Gauge {
 public:
  void set(double v) noexcept { value_.store(v, std::memory_order_relaxed); }
  void add(double d) noexcept { value_.fetch_add(d, std::memory_order_relaxed); }
  void inc() noexcept { add(1.0); }
  void dec() noexcept { add(-1.0); }
  double value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

class Histogram {
 public:
  // `upper_bounds`: strictly increasing finite bucket bounds; +Inf is implicit.
  explicit Histogram(std::vector<double> upper_bounds);
  void observe(double v) noexcept;
  const std::vector<double>& upper_bounds() const noexcept { return bounds_; }
  // Non-cumulative count of bucket i (i == upper_bounds().size() is the +Inf bucket).
  std::uint64_t bucket_count(std::size_t i) const noexcept {
    return counts_[i].load(std::memory_order_relaxed);
  }
  std::uint64_t count() const noexcept { return count_.load(std::memory_order_relaxed); }
  double sum() const noexcept { return sum_.load(std::memory_order_relaxed); }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;
  std::atomic<std::uint64_t> count_{0};
  std::atomic<double> sum_{0.0};
};

// Bucket helpers: start, start*factor, ... (count bounds); start, start+width, ...
std::vector<double> exponential_buckets(double start, double factor, int count);
std::vector<double> linear_buckets(double start, double width, int count);
// 100 µs .. ~3.3 s in seconds: a good default for REST and I/O latency.
std::vector<double> latency_buckets_seconds();

class Registry {
 public:
  Registry();
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  Counter& counter(std::string_view name, std::string_view help, const Labels& labels = {});
  Gauge& gauge(std::string_view name, std::string_view help, const Labels& labels = {});
  Histogram& histogram(std::string_view name, std::string_view help,
                       std::vector<double> upper_bounds, const Labels& labels = {});

  // A gauge whose value is read at render time (queue depths owned by another object).
  // The returned id removes it again; remove before the captured object dies.
  std::uint64_t gauge_callback(std::string_view name, std::string_view help, const Labels& labels,
                               std::function<double()> read);
  void remove_callback(std::uint64_t id);

  // Prometheus text format, families sorted by name, series in creation order.
  std::string render() const;

 private:
  struct Family;
  Family& family(std::string_view name, std::string_view help, int type);
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<Family>, std::less<>> families_;
  std::uint64_t next_callback_id_ = 1;
};

// The process-wide registry that /metrics renders.
Registry& registry();

// Text helpers (also used by tests): a valid metric / label name, and a rendered sample value.
bool valid_metric_name(std::string_view name);
bool valid_label_name(std::string_view name);
std::string format_value(double v);

}  // namespace rtcrypto::metrics
