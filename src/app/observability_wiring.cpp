#include "rtcrypto/app/observability_wiring.hpp"

#include <chrono>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>

#include "rtcrypto/app/commands.hpp"
#include "rtcrypto/app/run_context.hpp"
#include "rtcrypto/core/log.hpp"
#include "rtcrypto/core/metrics.hpp"
#include "rtcrypto/es/elasticsearch_sink.hpp"
#include "rtcrypto/version.hpp"
#include "rtcrypto/web/dashboard.hpp"
#include "rtcrypto/web/systemd_notify.hpp"

namespace rtcrypto::app {

namespace {

std::function<void(std::uint16_t)>& finish_hook() {
  static std::function<void(std::uint16_t)> hook;
  return hook;
}

std::string env_or_empty(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

// The feed label: the websocket protocol for live runs, else the kind of source.
std::string feed_label(const RunConfig& cfg) {
  if (cfg.source.rfind("replay:", 0) == 0) return "replay";
  if (cfg.source == "kafka") return "kafka";
  return cfg.feed;
}

// Raises a counter to an absolute total taken from stats (counters only go up).
void raise_to(metrics::Counter& c, std::uint64_t& seen, std::uint64_t total) {
  if (total > seen) {
    c.inc(total - seen);
    seen = total;
  }
}

}  // namespace

class ObservabilityHub final : public RecordSink {
 public:
  ObservabilityHub(RunContext& ctx, std::unique_ptr<es::ElasticsearchSink> es,
                   std::unique_ptr<web::Dashboard> dash)
      : ctx_(ctx), es_(std::move(es)), dash_(std::move(dash)) {
    auto& r = metrics::registry();
    const metrics::Labels feed{{"feed", feed_label(ctx.cfg)}};
    frames_ = &r.counter("rtcrypto_feed_frames_total", "Feed frames processed", feed);
    changes_ = &r.counter("rtcrypto_feed_changes_total",
                          "Level changes of the traded symbols (snapshots included)", feed);
    parse_errors_ = &r.counter("rtcrypto_feed_parse_errors_total",
                               "Frames that could not be parsed (counted and skipped)", feed);
    gaps_ = &r.counter("rtcrypto_feed_gaps_total", "Sequence gaps (book resynchronised)", feed);
    windows_ = &r.counter("rtcrypto_windows_total", "Liquidity windows closed");
    for (const char* o : {"accepted", "rejected", "unknown", "refused_by_risk"})
      orders_[o] = &r.counter("rtcrypto_orders_total", "Orders by outcome", {{"outcome", o}});
    fills_ = &r.counter("rtcrypto_fills_total", "Fills received");
    kill_switch_ = &r.gauge("rtcrypto_kill_switch", "1 while the risk kill switch is tripped");
    r.gauge("rtcrypto_build_info", "Build information", {{"version", RTCRYPTO_VERSION}}).set(1);
    update_health();
  }

  ~ObservabilityHub() override {
    if (dash_) dash_->stop();  // before es_: the health check reads it
  }

  void write(const Record& r) override {
    if (es_) es_->write(r);
    if (dash_) dash_->publish(r);
    if (r.doc_type == "decision") count_decision(r);
    auto now = std::chrono::steady_clock::now();
    bool new_window = r.is_window() && r.ts != last_window_ts_;
    if (new_window || now - last_update_ >= std::chrono::seconds(1)) {
      if (new_window) last_window_ts_ = r.ts;
      last_update_ = now;
      update_metrics();
      update_health();
      if (new_window) publish_status();
      systemd::watchdog();
    }
  }

  void flush() override {
    if (es_) es_->flush();
  }

  void finish() {
    update_metrics();
    update_health();
    publish_status();
    if (es_) {
      es::ElasticsearchStats st = es_->stats();
      std::string line = "elasticsearch: " + std::to_string(st.written) + " written, " +
                         std::to_string(st.indexed) + " indexed, " +
                         std::to_string(st.item_errors) + " item errors, " +
                         std::to_string(st.retries) + " retries, " + std::to_string(st.spooled) +
                         " spooled, " + std::to_string(st.dropped) + " dropped";
      if (st.item_errors + st.dropped > 0 || st.indexed < st.written)
        log::warn(line + (st.last_error.empty() ? "" : "; last error: " + st.last_error));
      else
        log::info(line);
    }
    if (dash_ && finish_hook()) finish_hook()(dash_->port());
    if (dash_) dash_->stop();
  }

  web::HealthReport health() const {
    web::HealthReport h;
    {
      std::lock_guard l(health_mu_);
      h = health_;
    }
    std::string reason;
    if (h.ok && es_ && !es_->healthy(&reason)) {
      h.ok = false;
      h.reason = "elasticsearch: " + reason;
    }
    return h;
  }

 private:
  void count_decision(const Record& r) {
    std::string outcome = "unknown";
    if (const auto* v = r.get("reason"); v && std::holds_alternative<std::string>(*v))
      outcome = std::get<std::string>(*v);
    auto it = decisions_.find(outcome);
    if (it == decisions_.end())  // reasons are a small fixed set of codes: one lookup each
      it = decisions_
               .emplace(outcome, &metrics::registry().counter("rtcrypto_decisions_total",
                                                              "Decisions by outcome (reason)",
                                                              {{"outcome", outcome}}))
               .first;
    it->second->inc();
  }

  // From the engine's and the source's totals: a few subtractions, no per-change work.
  void update_metrics() {
    const EngineStats& es = ctx_.engine->stats();
    raise_to(*frames_, seen_.frames, ctx_.summary.frames);
    raise_to(*parse_errors_, seen_.parse_errors, ctx_.summary.parse_errors);
    raise_to(*changes_, seen_.changes, es.changes);
    raise_to(*gaps_, seen_.gaps, es.gaps);
    raise_to(*windows_, seen_.windows, es.windows);
    raise_to(*orders_["accepted"], seen_.accepted, es.orders_accepted);
    raise_to(*orders_["rejected"], seen_.rejected, es.orders_rejected);
    raise_to(*orders_["unknown"], seen_.unknown, es.orders_unknown);
    raise_to(*orders_["refused_by_risk"], seen_.refused, es.rejected_by_risk);
    raise_to(*fills_, seen_.fills, es.fills);
    kill_switch_->set(ctx_.engine->risk().killed() ? 1.0 : 0.0);
  }

  // Every traded book whole (read here, on the engine's thread; /healthz reads the copy).
  void update_health() {
    web::HealthReport h{true, "ok"};
    for (const auto& s : ctx_.engine->config().symbols) {
      const OrderBook* b = ctx_.engine->book(s);
      if (!b || !b->whole()) {
        h = {false, "book " + s + " not whole"};
        break;
      }
    }
    if (h.ok && ctx_.engine->risk().killed()) h.reason = "ok (kill switch tripped)";
    std::lock_guard l(health_mu_);
    health_ = std::move(h);
  }

  void publish_status() {
    if (!dash_) return;
    const RunConfig& cfg = ctx_.cfg;
    const EngineStats& es = ctx_.engine->stats();
    std::string connection = feed_label(cfg) == "replay"    ? "replay"
                             : es.changes > status_changes_ ? "receiving"
                                                            : "quiet";
    status_changes_ = es.changes;
    bool whole = true;
    for (const auto& s : ctx_.engine->config().symbols)
      if (const OrderBook* b = ctx_.engine->book(s); !b || !b->whole()) whole = false;
    bool killed = ctx_.engine->risk().killed();
    dash_->publish_status(web::StatusFields{
        {"run_id", cfg.run_id},
        {"mode", cfg.mode},
        {"connection", connection},
        {"book", std::string(whole ? "whole" : "not whole")},
        {"risk", std::string(killed ? "kill_switch" : "ok")},
        {"kill_switch", killed},
        {"band_low", cfg.strategy.band_low},
        {"band_high", cfg.strategy.band_high},
        {"windows", static_cast<std::int64_t>(es.windows)},
        {"orders", static_cast<std::int64_t>(es.orders)},
        {"fills", static_cast<std::int64_t>(es.fills)},
        {"realized_pnl", es.realized_pnl},
    });
  }

  RunContext& ctx_;
  std::unique_ptr<es::ElasticsearchSink> es_;
  std::unique_ptr<web::Dashboard> dash_;
  metrics::Counter *frames_, *changes_, *parse_errors_, *gaps_, *windows_, *fills_;
  std::map<std::string, metrics::Counter*, std::less<>> orders_, decisions_;
  metrics::Gauge* kill_switch_;
  struct Seen {
    std::uint64_t frames = 0, parse_errors = 0, changes = 0, gaps = 0, windows = 0;
    std::uint64_t accepted = 0, rejected = 0, unknown = 0, refused = 0, fills = 0;
  } seen_;
  std::uint64_t status_changes_ = 0;
  TimeNs last_window_ts_ = 0;
  std::chrono::steady_clock::time_point last_update_{};
  mutable std::mutex health_mu_;
  web::HealthReport health_;
};

bool parse_http_address(const std::string& text, std::string& bind, std::uint16_t& port) {
  auto colon = text.rfind(':');
  std::string host = colon == std::string::npos ? "" : text.substr(0, colon);
  std::string p = colon == std::string::npos ? text : text.substr(colon + 1);
  if (p.empty() || p.size() > 5 || p.find_first_not_of("0123456789") != std::string::npos)
    return false;
  unsigned long v = std::stoul(p);
  if (v > 65535) return false;
  bind = host.empty() ? "127.0.0.1" : host;
  port = static_cast<std::uint16_t>(v);
  return true;
}

void set_observability_finish_hook(std::function<void(std::uint16_t)> hook) {
  finish_hook() = std::move(hook);
}

namespace {

ObservabilityHub* find_hub(RunContext& ctx) {
  for (auto& s : ctx.extra_sinks)
    if (auto* h = dynamic_cast<ObservabilityHub*>(s.get())) return h;
  return nullptr;
}

std::unique_ptr<es::ElasticsearchSink> make_es(const RunConfig& cfg) {
  if (cfg.es.empty()) return nullptr;
  es::ElasticsearchOptions o;
  o.url = cfg.es;
  o.run_id = cfg.run_id;
  // Credentials from the environment only (the compose file / unit passes them), never logged.
  o.username = env_or_empty("RTCRYPTO_ES_USER");
  o.password = env_or_empty("RTCRYPTO_ES_PASSWORD");
  o.api_key = env_or_empty("RTCRYPTO_ES_API_KEY");
  o.ca_file = env_or_empty("RTCRYPTO_ES_CA_FILE");
  // The spool sits next to the store, like the Kafka spill file.
  o.spool_dir = (cfg.store.empty() ? std::string("rtcrypto") : cfg.store) + ".es-spool";
  try {
    auto sink = std::make_unique<es::ElasticsearchSink>(std::move(o));
    log::info("elasticsearch: indexing to " + cfg.es + " (spool " +
              (cfg.store.empty() ? std::string("rtcrypto") : cfg.store) + ".es-spool)");
    return sink;
  } catch (const std::exception& e) {
    throw UsageError(std::string("config key 'es': ") + e.what());
  }
}

}  // namespace

void setup_observability(RunContext& ctx) {
  const RunConfig& cfg = ctx.cfg;
  std::unique_ptr<web::Dashboard> dash;
  std::string d_bind;
  if (!cfg.http.empty()) {
    web::DashboardOptions o;
    if (!parse_http_address(cfg.http, o.bind, o.port))
      throw UsageError("config key 'http': expected HOST:PORT, got '" + cfg.http + "'");
    o.version = RTCRYPTO_VERSION;
    o.run_id = cfg.run_id;
    d_bind = o.bind;
    dash = std::make_unique<web::Dashboard>(o);
  }
  web::Dashboard* d = dash.get();
  auto hub = std::make_unique<ObservabilityHub>(ctx, make_es(cfg), std::move(dash));
  if (d) {
    ObservabilityHub* h = hub.get();
    d->set_health_check([h] { return h->health(); });
    try {
      d->start();
    } catch (const std::exception& e) {
      throw UsageError("config key 'http': " + cfg.http + ": " + e.what());
    }
    log::info("dashboard: http://" + d_bind + ":" + std::to_string(d->port()) +
              "/ (/metrics, /healthz)");
  }
  ctx.extra_sinks.push_back(std::move(hub));
  systemd::ready();
}

void finish_observability(RunContext& ctx) {
  systemd::stopping();
  if (ObservabilityHub* h = find_hub(ctx)) h->finish();
}

}  // namespace rtcrypto::app
