#include "rtcrypto/core/metrics.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>

namespace rtcrypto::metrics {

namespace {
enum Type { kCounter = 0, kGauge = 1, kHistogram = 2 };
const char* type_name(int t) {
  switch (t) {
    case kCounter:
      return "counter";
    case kGauge:
      return "gauge";
    default:
      return "histogram";
  }
}

void append_escaped(std::string& out, std::string_view s, bool quote_too) {
  for (char c : s) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quote_too) {
      out += "\\\"";
    } else {
      out.push_back(c);
    }
  }
}

// {a="x",b="y"} with an optional extra pair (the histogram's le) at the end; "" if empty.
std::string label_text(const Labels& labels, std::string_view extra_name = {},
                       std::string_view extra_value = {}) {
  if (labels.empty() && extra_name.empty()) return {};
  std::string out = "{";
  bool first = true;
  auto add = [&](std::string_view k, std::string_view v) {
    if (!first) out.push_back(',');
    first = false;
    out.append(k);
    out += "=\"";
    append_escaped(out, v, true);
    out.push_back('"');
  };
  for (const auto& [k, v] : labels) add(k, v);
  if (!extra_name.empty()) add(extra_name, extra_value);
  out.push_back('}');
  return out;
}

void check_bounds(const std::vector<double>& b) {
  for (std::size_t i = 0; i < b.size(); ++i) {
    if (!std::isfinite(b[i])) throw std::invalid_argument("histogram bound must be finite");
    if (i > 0 && !(b[i] > b[i - 1]))
      throw std::invalid_argument("histogram bounds must increase strictly");
  }
}
}  // namespace

bool valid_metric_name(std::string_view n) {
  if (n.empty()) return false;
  for (std::size_t i = 0; i < n.size(); ++i) {
    char c = n[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

bool valid_label_name(std::string_view n) {
  if (n.empty() || n.substr(0, 2) == "__") return false;
  for (std::size_t i = 0; i < n.size(); ++i) {
    char c = n[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

std::string format_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, res.ptr);
}

Histogram::Histogram(std::vector<double> upper_bounds) : bounds_(std::move(upper_bounds)) {
  check_bounds(bounds_);
  counts_ = std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size() + 1);
  for (std::size_t i = 0; i <= bounds_.size(); ++i) counts_[i].store(0);
}

void Histogram::observe(double v) noexcept {
  if (std::isnan(v)) return;  // a NaN latency is a bug upstream; never poison the sum
  // First bound >= v: Prometheus buckets are "less than or equal".
  auto it = std::lower_bound(bounds_.begin(), bounds_.end(), v);
  counts_[static_cast<std::size_t>(it - bounds_.begin())].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
}

std::vector<double> exponential_buckets(double start, double factor, int count) {
  if (start <= 0 || factor <= 1 || count < 1)
    throw std::invalid_argument("exponential_buckets: start > 0, factor > 1, count >= 1");
  std::vector<double> out;
  double v = start;
  for (int i = 0; i < count; ++i, v *= factor) out.push_back(v);
  return out;
}

std::vector<double> linear_buckets(double start, double width, int count) {
  if (width <= 0 || count < 1) throw std::invalid_argument("linear_buckets: width > 0, count >= 1");
  std::vector<double> out;
  for (int i = 0; i < count; ++i) out.push_back(start + width * i);
  return out;
}

std::vector<double> latency_buckets_seconds() {
  return exponential_buckets(0.0001, 2.0, 16);
}

struct Registry::Family {
  std::string name;
  std::string help;
  int type = kCounter;
  std::vector<double> bounds;  // histograms only
  struct Series {
    Labels labels;
    std::string label_text;
    std::unique_ptr<Counter> counter;
    std::unique_ptr<Gauge> gauge;
    std::unique_ptr<Histogram> histogram;
    std::uint64_t callback_id = 0;
    std::function<double()> read;
  };
  std::vector<std::unique_ptr<Series>> series;

  Series* find(const std::string& text) {
    for (auto& s : series)
      if (s->label_text == text && s->callback_id == 0) return s.get();
    return nullptr;
  }
};

Registry::Registry() = default;
Registry::~Registry() = default;

Registry::Family& Registry::family(std::string_view name, std::string_view help, int type) {
  if (!valid_metric_name(name))
    throw std::invalid_argument("invalid metric name: " + std::string(name));
  auto it = families_.find(name);
  if (it == families_.end()) {
    auto f = std::make_unique<Family>();
    f->name = std::string(name);
    f->help = std::string(help);
    f->type = type;
    it = families_.emplace(f->name, std::move(f)).first;
  } else if (it->second->type != type) {
    throw std::invalid_argument("metric " + std::string(name) + " already registered as " +
                                type_name(it->second->type));
  }
  return *it->second;
}

namespace {
std::string checked_label_text(const Labels& labels) {
  for (const auto& [k, v] : labels) {
    if (!valid_label_name(k) || k == "le") throw std::invalid_argument("invalid label name: " + k);
  }
  return label_text(labels);
}
}  // namespace

Counter& Registry::counter(std::string_view name, std::string_view help, const Labels& labels) {
  std::string text = checked_label_text(labels);
  std::lock_guard lock(mu_);
  Family& f = family(name, help, kCounter);
  if (auto* s = f.find(text)) return *s->counter;
  auto s = std::make_unique<Family::Series>();
  s->labels = labels;
  s->label_text = std::move(text);
  s->counter = std::make_unique<Counter>();
  Counter& out = *s->counter;
  f.series.push_back(std::move(s));
  return out;
}

Gauge& Registry::gauge(std::string_view name, std::string_view help, const Labels& labels) {
  std::string text = checked_label_text(labels);
  std::lock_guard lock(mu_);
  Family& f = family(name, help, kGauge);
  if (auto* s = f.find(text)) {
    if (s->gauge) return *s->gauge;
  }
  auto s = std::make_unique<Family::Series>();
  s->labels = labels;
  s->label_text = std::move(text);
  s->gauge = std::make_unique<Gauge>();
  Gauge& out = *s->gauge;
  f.series.push_back(std::move(s));
  return out;
}

Histogram& Registry::histogram(std::string_view name, std::string_view help,
                               std::vector<double> upper_bounds, const Labels& labels) {
  std::string text = checked_label_text(labels);
  check_bounds(upper_bounds);
  std::lock_guard lock(mu_);
  Family& f = family(name, help, kHistogram);
  if (f.series.empty()) {
    f.bounds = upper_bounds;
  } else if (f.bounds != upper_bounds) {
    throw std::invalid_argument("histogram " + std::string(name) + " has other buckets");
  }
  if (auto* s = f.find(text)) return *s->histogram;
  auto s = std::make_unique<Family::Series>();
  s->labels = labels;
  s->label_text = std::move(text);
  s->histogram = std::make_unique<Histogram>(std::move(upper_bounds));
  Histogram& out = *s->histogram;
  f.series.push_back(std::move(s));
  return out;
}

std::uint64_t Registry::gauge_callback(std::string_view name, std::string_view help,
                                       const Labels& labels, std::function<double()> read) {
  std::string text = checked_label_text(labels);
  std::lock_guard lock(mu_);
  Family& f = family(name, help, kGauge);
  auto s = std::make_unique<Family::Series>();
  s->labels = labels;
  s->label_text = std::move(text);
  s->callback_id = next_callback_id_++;
  s->read = std::move(read);
  std::uint64_t id = s->callback_id;
  f.series.push_back(std::move(s));
  return id;
}

void Registry::remove_callback(std::uint64_t id) {
  std::lock_guard lock(mu_);
  for (auto& [name, f] : families_) {
    auto& ser = f->series;
    ser.erase(std::remove_if(ser.begin(), ser.end(),
                             [id](const auto& s) { return s->callback_id == id; }),
              ser.end());
  }
}

std::string Registry::render() const {
  std::string out;
  std::lock_guard lock(mu_);
  for (const auto& [name, f] : families_) {
    if (f->series.empty()) continue;
    out += "# HELP " + name + " ";
    append_escaped(out, f->help, false);
    out += "\n# TYPE " + name + " " + type_name(f->type) + "\n";
    for (const auto& s : f->series) {
      if (s->counter) {
        out += name + s->label_text + " " + std::to_string(s->counter->value()) + "\n";
      } else if (s->gauge) {
        out += name + s->label_text + " " + format_value(s->gauge->value()) + "\n";
      } else if (s->read) {
        double v;
        try {
          v = s->read();
        } catch (...) {
          v = std::nan("");
        }
        out += name + s->label_text + " " + format_value(v) + "\n";
      } else if (s->histogram) {
        const Histogram& h = *s->histogram;
        std::uint64_t cumulative = 0;
        const auto& b = h.upper_bounds();
        for (std::size_t i = 0; i <= b.size(); ++i) {
          cumulative += h.bucket_count(i);
          std::string le = i < b.size() ? format_value(b[i]) : "+Inf";
          out += name + "_bucket" + label_text(s->labels, "le", le) + " " +
                 std::to_string(cumulative) + "\n";
        }
        // _count equals the +Inf bucket even while observations race with rendering.
        out += name + "_sum" + s->label_text + " " + format_value(h.sum()) + "\n";
        out += name + "_count" + s->label_text + " " + std::to_string(cumulative) + "\n";
      }
    }
  }
  return out;
}

Registry& registry() {
  static Registry* r = new Registry();  // never destroyed: handles outlive static teardown
  return *r;
}

}  // namespace rtcrypto::metrics
