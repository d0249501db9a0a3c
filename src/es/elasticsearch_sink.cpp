#include "rtcrypto/es/elasticsearch_sink.hpp"

#include <openssl/evp.h>

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "rtcrypto/core/log.hpp"
#include "rtcrypto/core/metrics.hpp"
#include "rtcrypto/es/disk_spool.hpp"
#include "rtcrypto/es/http_client.hpp"

namespace rtcrypto::es {

using Clock = std::chrono::steady_clock;

std::string document_id(std::string_view run_id, std::string_view doc_type, std::string_view symbol,
                        std::int64_t ts, std::uint64_t sequence) {
  std::string key;
  key.reserve(run_id.size() + doc_type.size() + symbol.size() + 48);
  key.append(run_id).push_back('\x1f');
  key.append(doc_type).push_back('\x1f');
  key.append(symbol).push_back('\x1f');
  key.append(std::to_string(ts)).push_back('\x1f');
  key.append(std::to_string(sequence));
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(key.data(), key.size(), digest, &len, EVP_sha256(), nullptr);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < 20 && i < len; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 15];
  }
  return out;
}

std::string index_name(std::string_view index, bool daily, std::int64_t ts) {
  if (!daily) return std::string(index);
  std::string day = format_iso8601_ms(ts).substr(0, 10);  // YYYY-MM-DD
  for (auto& c : day)
    if (c == '-') c = '.';
  return std::string(index) + "-" + day;
}

namespace {
// What the shipper needs from a backlog: the disk spool, or memory when no dir is given.
class Backlog {
 public:
  virtual ~Backlog() = default;
  virtual bool append(std::string_view entry) = 0;
  virtual void sync() = 0;
  virtual std::vector<std::string> peek(std::size_t n, std::size_t bytes, SpoolPosition& end) = 0;
  virtual void commit(SpoolPosition end, std::size_t entries) = 0;
  virtual bool empty() const = 0;
  virtual std::uint64_t bytes() const = 0;
};

class DiskBacklog final : public Backlog {
 public:
  DiskBacklog(const std::filesystem::path& dir, std::uint64_t max, std::uint64_t seg)
      : spool_(dir, max, seg) {}
  bool append(std::string_view e) override { return spool_.append(e); }
  void sync() override { spool_.sync(); }
  std::vector<std::string> peek(std::size_t n, std::size_t b, SpoolPosition& end) override {
    return spool_.peek(n, b, end);
  }
  void commit(SpoolPosition end, std::size_t entries) override { spool_.commit(end, entries); }
  bool empty() const override { return spool_.empty(); }
  std::uint64_t bytes() const override { return spool_.pending_bytes(); }
  const DiskSpool& spool() const { return spool_; }

 private:
  DiskSpool spool_;
};

class MemoryBacklog final : public Backlog {
 public:
  explicit MemoryBacklog(std::uint64_t max) : max_(max) {}
  bool append(std::string_view e) override {
    if (bytes_ + e.size() > max_) return false;
    items_.emplace_back(e);
    bytes_ += e.size();
    return true;
  }
  void sync() override {}
  std::vector<std::string> peek(std::size_t n, std::size_t b, SpoolPosition& end) override {
    std::vector<std::string> out;
    std::size_t used = 0;
    for (std::size_t i = 0; i < items_.size() && out.size() < n && used < b; ++i) {
      out.push_back(items_[i]);
      used += items_[i].size();
    }
    end.offset = out.size();
    return out;
  }
  void commit(SpoolPosition end, std::size_t) override {
    for (std::uint64_t i = 0; i < end.offset && !items_.empty(); ++i) {
      bytes_ -= items_.front().size();
      items_.pop_front();
    }
  }
  bool empty() const override { return items_.empty(); }
  std::uint64_t bytes() const override { return bytes_; }

 private:
  std::uint64_t max_;
  std::uint64_t bytes_ = 0;
  std::deque<std::string> items_;
};
}  // namespace

struct ElasticsearchSink::Shipper {
  ElasticsearchOptions opt;
  std::string template_body;
  HttpClientOptions http_opt;
  Url url;

  mutable std::mutex mu;
  std::condition_variable cv;       // wakes the shipper
  std::condition_variable idle_cv;  // wakes flush()
  std::deque<std::string> queue;
  bool stopping = false;
  std::uint64_t flush_requested = 0, flush_done = 0;
  std::unordered_map<std::string, std::pair<std::int64_t, std::uint64_t>> sequence;

  // Stats: counters written by the shipper (and write()), read by stats().
  std::atomic<std::uint64_t> written{0}, indexed{0}, item_errors{0}, retries{0}, dropped{0},
      spooled{0}, spool_bytes{0};
  std::atomic<int> state{0};  // 0 unknown, 1 reachable, -1 unreachable
  std::string last_error;     // under mu

  std::unique_ptr<Backlog> backlog;
  std::unique_ptr<HttpClient> client;
  bool template_installed = false;
  std::thread thread;
  log::RateLimiter log_limit{5, 10 * kNsPerSec};

  metrics::Counter& m_indexed;
  metrics::Counter& m_failed;
  metrics::Counter& m_dropped;
  metrics::Counter& m_spooled;
  metrics::Counter& m_retries;
  metrics::Gauge& m_spool_bytes;
  metrics::Gauge& m_queue;
  metrics::Gauge& m_up;
  metrics::Histogram& m_bulk_seconds;

  explicit Shipper(ElasticsearchOptions o)
      : opt(std::move(o)),
        m_indexed(docs_counter("indexed")),
        m_failed(docs_counter("failed")),
        m_dropped(docs_counter("dropped")),
        m_spooled(docs_counter("spooled")),
        m_retries(metrics::registry().counter(
            "rtcrypto_es_retries_total", "Elasticsearch bulk retries (item 429, request 429/503)")),
        m_spool_bytes(metrics::registry().gauge("rtcrypto_es_spool_bytes",
                                                "Unsent Elasticsearch documents on disk (bytes)")),
        m_queue(metrics::registry().gauge("rtcrypto_es_queue_depth",
                                          "Documents waiting in memory for Elasticsearch")),
        m_up(metrics::registry().gauge("rtcrypto_es_up", "1 when Elasticsearch answered last")),
        m_bulk_seconds(metrics::registry().histogram("rtcrypto_es_bulk_seconds",
                                                     "Elasticsearch _bulk request latency",
                                                     metrics::latency_buckets_seconds())) {}

  static metrics::Counter& docs_counter(const char* outcome) {
    return metrics::registry().counter("rtcrypto_es_documents_total",
                                       "Documents by outcome in the Elasticsearch sink",
                                       {{"outcome", outcome}});
  }

  void set_error(std::string e) {
    std::uint64_t suppressed = 0;
    if (log_limit.allow(suppressed)) {
      std::string line = "elasticsearch: " + e;
      if (suppressed) line += " (" + std::to_string(suppressed) + " similar suppressed)";
      log::warn(line);
    }
    std::lock_guard l(mu);
    last_error = std::move(e);
  }

  void set_state(int s) {
    state.store(s);
    m_up.set(s > 0 ? 1 : 0);
  }

  // Interruptible sleep: returns early only when stopping.
  void sleep_for(std::chrono::milliseconds d) {
    std::unique_lock l(mu);
    cv.wait_for(l, d, [&] { return stopping; });
  }

  std::chrono::milliseconds backoff(int attempt) const {
    auto d = opt.backoff_initial * (1LL << std::min(attempt, 20));
    return std::min<std::chrono::milliseconds>(d, opt.backoff_max);
  }

  bool ensure_template() {
    if (template_installed) return true;
    HttpResponse r = client->request("PUT", "/_index_template/" + opt.template_name, template_body);
    set_state(1);
    if (r.status == 429 || r.status >= 500) {
      set_error("index template: HTTP " + std::to_string(r.status));
      return false;
    }
    if (r.status / 100 != 2)
      set_error("index template rejected: HTTP " + std::to_string(r.status) + " " +
                r.body.substr(0, 300));
    template_installed = true;  // a rejected template is reported, documents still go
    return true;
  }

  // Sends `entries` with retries of 429/503. Returns the positions not delivered (in order):
  // empty when everything was indexed or permanently failed.
  std::vector<std::size_t> deliver(const std::vector<std::string>& entries, int attempts) {
    std::vector<std::size_t> pending(entries.size());
    for (std::size_t i = 0; i < entries.size(); ++i) pending[i] = i;
    for (int attempt = 0; attempt < attempts && !pending.empty(); ++attempt) {
      if (attempt > 0) {
        if (stop_requested()) break;
        sleep_for(backoff(attempt - 1));
      }
      std::string body;
      for (auto i : pending) body += entries[i];
      HttpResponse r;
      try {
        if (!ensure_template()) {
          retries += 1;
          m_retries.inc();
          continue;
        }
        auto t0 = Clock::now();
        r = client->request("POST", "/_bulk", std::move(body), "application/x-ndjson");
        m_bulk_seconds.observe(std::chrono::duration<double>(Clock::now() - t0).count());
      } catch (const HttpUnreachable& e) {
        set_state(-1);
        set_error(std::string("unreachable: ") + e.what());
        return pending;
      }
      set_state(1);
      if (r.status == 429 || r.status == 503) {
        retries += 1;
        m_retries.inc();
        set_error("bulk: HTTP " + std::to_string(r.status) + ", retrying");
        continue;
      }
      if (r.status == 401 || r.status == 403 || r.status >= 500) {
        set_error("bulk: HTTP " + std::to_string(r.status) + " " + r.body.substr(0, 200));
        return pending;  // keep them: credentials or the cluster will be fixed
      }
      if (r.status != 200) {  // the request itself is malformed: retrying cannot help
        item_errors += pending.size();
        m_failed.inc(pending.size());
        set_error("bulk rejected: HTTP " + std::to_string(r.status) + " " + r.body.substr(0, 300));
        return {};
      }
      auto j = nlohmann::json::parse(r.body, nullptr, false);
      if (j.is_discarded() || !j.contains("items") || !j["items"].is_array() ||
          j["items"].size() != pending.size()) {
        set_error("bulk: unreadable response");
        return pending;
      }
      std::vector<std::size_t> again;
      const auto& items = j["items"];
      for (std::size_t k = 0; k < pending.size(); ++k) {
        const auto& item = items[k];
        const nlohmann::json* op =
            item.is_object() && !item.empty() ? &item.begin().value() : nullptr;
        int status = op && op->contains("status") && (*op)["status"].is_number_integer()
                         ? (*op)["status"].get<int>()
                         : 0;
        if (status / 100 == 2) {
          indexed += 1;
          m_indexed.inc();
        } else if (status == 429) {
          again.push_back(pending[k]);
        } else {
          item_errors += 1;
          m_failed.inc();
          metrics::registry()
              .counter("rtcrypto_es_item_errors_total", "Permanent Elasticsearch item errors",
                       {{"status", std::to_string(status)}})
              .inc();
          std::string why;
          if (op && op->contains("error")) {
            const auto& err = (*op)["error"];
            if (err.is_object())
              why = err.value("type", "") + ": " + err.value("reason", "");
            else
              why = err.dump();
          }
          std::string id = op && op->contains("_id") && (*op)["_id"].is_string()
                               ? (*op)["_id"].get<std::string>()
                               : "?";
          set_error("item " + id + " failed with " + std::to_string(status) + " " +
                    why.substr(0, 300));
        }
      }
      if (!again.empty()) {
        retries += again.size();
        m_retries.inc(again.size());
      }
      pending = std::move(again);
    }
    return pending;
  }

  bool stop_requested() {
    std::lock_guard l(mu);
    return stopping;
  }

  void to_backlog(const std::string& entry) {
    if (backlog->append(entry)) {
      spooled += 1;
      m_spooled.inc();
    } else {
      dropped += 1;
      m_dropped.inc();
      set_error("spool full: document dropped");
    }
  }

  void update_gauges() {
    spool_bytes.store(backlog->bytes());
    m_spool_bytes.set(static_cast<double>(backlog->bytes()));
  }

  void run() {
    std::vector<std::string> batch;
    std::size_t batch_bytes = 0;
    Clock::time_point batch_started{};
    Clock::time_point next_probe = Clock::now();
    int probe_failures = 0;
    for (;;) {
      std::deque<std::string> incoming;
      bool stop = false;
      std::uint64_t flush_gen = 0;
      {
        std::unique_lock l(mu);
        auto deadline = Clock::now() + std::chrono::seconds(1);
        if (!batch.empty()) deadline = std::min(deadline, batch_started + opt.batch_max_age);
        if (!backlog->empty()) deadline = std::min(deadline, next_probe);
        cv.wait_until(l, deadline,
                      [&] { return stopping || !queue.empty() || flush_requested != flush_done; });
        incoming.swap(queue);
        stop = stopping;
        flush_gen = flush_requested;
      }
      m_queue.set(0);
      bool backlogged = !backlog->empty();
      for (auto& e : incoming) {
        if (backlogged) {
          to_backlog(e);
        } else {
          if (batch.empty()) batch_started = Clock::now();
          batch_bytes += e.size();
          batch.push_back(std::move(e));
        }
      }
      if (backlogged && !incoming.empty()) backlog->sync();

      bool urgent = stop || flush_gen != flush_done;
      while (!batch.empty() &&
             (urgent || batch.size() >= opt.batch_max_docs || batch_bytes >= opt.batch_max_bytes ||
              Clock::now() - batch_started >= opt.batch_max_age)) {
        std::size_t n = std::min(batch.size(), opt.batch_max_docs);
        std::vector<std::string> part(std::make_move_iterator(batch.begin()),
                                      std::make_move_iterator(batch.begin() + n));
        batch.erase(batch.begin(), batch.begin() + n);
        auto left = deliver(part, stop ? 1 : opt.max_attempts);
        if (!left.empty()) {
          // Not deliverable now: the rest, and everything after it, waits in the backlog.
          for (auto i : left) to_backlog(part[i]);
          for (auto& e : batch) to_backlog(e);
          backlog->sync();
          batch.clear();
          next_probe = Clock::now() + backoff(probe_failures++);
        }
        batch_bytes = 0;
        for (auto& e : batch) batch_bytes += e.size();
        batch_started = Clock::now();
      }

      // Drain the backlog, oldest first, one batch per turn so new documents keep moving.
      if (!backlog->empty() && Clock::now() >= next_probe && !stop) {
        SpoolPosition end;
        auto entries = backlog->peek(opt.batch_max_docs, opt.batch_max_bytes, end);
        if (!entries.empty()) {
          auto left = deliver(entries, 1);
          if (left.empty()) {
            backlog->commit(end, entries.size());
            probe_failures = 0;
            next_probe = Clock::now();
          } else {
            next_probe = Clock::now() + backoff(probe_failures++);
          }
        }
      }
      update_gauges();
      if (flush_gen != flush_done && batch.empty()) {
        std::lock_guard l(mu);
        if (queue.empty()) {
          flush_done = flush_gen;
          idle_cv.notify_all();
        }
      }
      if (stop) {
        std::lock_guard l(mu);
        if (queue.empty() && batch.empty()) {
          flush_done = flush_requested;
          idle_cv.notify_all();
          break;
        }
      }
    }
    backlog->sync();
  }
};

ElasticsearchSink::ElasticsearchSink(ElasticsearchOptions options) {
  if (options.index.empty()) throw std::invalid_argument("--es-index must not be empty");
  for (char c : options.index)
    if (std::isupper(static_cast<unsigned char>(c)) || c == ' ' || c == '/' || c == '*' || c == ',')
      throw std::invalid_argument("--es-index must be lower case without spaces, / , or *");
  if (!options.api_key.empty() && !options.username.empty())
    throw std::invalid_argument("--es-api-key and --es-user are exclusive");
  if (options.batch_max_docs == 0) throw std::invalid_argument("es batch size must be > 0");
  Url url;
  try {
    url = parse_url(options.url);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(std::string("--es: ") + e.what());
  }
  auto s = std::make_unique<Shipper>(std::move(options));
  s->url = url;
  s->template_body = index_template_json(s->opt.index, s->opt.template_file);
  s->http_opt.connect_timeout = s->opt.connect_timeout;
  s->http_opt.request_timeout = s->opt.request_timeout;
  s->http_opt.ca_file = s->opt.ca_file;
  if (!s->opt.api_key.empty())
    s->http_opt.authorization = api_key_authorization(s->opt.api_key);
  else if (!s->opt.username.empty())
    s->http_opt.authorization = basic_authorization(s->opt.username, s->opt.password);
  s->client = std::make_unique<HttpClient>(url, s->http_opt);
  if (s->opt.spool_dir.empty())
    s->backlog = std::make_unique<MemoryBacklog>(s->opt.spool_max_bytes);
  else
    s->backlog = std::make_unique<DiskBacklog>(s->opt.spool_dir, s->opt.spool_max_bytes,
                                               s->opt.spool_segment_bytes);
  s->update_gauges();
  shipper_ = std::move(s);
  shipper_->thread = std::thread([p = shipper_.get()] { p->run(); });
}

ElasticsearchSink::~ElasticsearchSink() {
  {
    std::lock_guard l(shipper_->mu);
    shipper_->stopping = true;
  }
  shipper_->cv.notify_all();
  if (shipper_->thread.joinable()) shipper_->thread.join();
}

void ElasticsearchSink::write(const Record& record) {
  auto& s = *shipper_;
  std::string doc = to_document_json(record, s.opt.run_id);
  std::string index = index_name(s.opt.index, s.opt.daily_index, record.ts);
  std::string key = record.doc_type;
  key.push_back('\x1f');
  key += record.symbol;
  bool accepted = false;
  std::size_t depth = 0;
  {
    std::lock_guard l(s.mu);
    if (s.queue.size() < s.opt.queue_capacity) {
      auto& [last_ts, count] = s.sequence[key];
      std::uint64_t seq = (last_ts == record.ts && count > 0) ? count : 0;
      last_ts = record.ts;
      count = seq + 1;
      std::string id = document_id(s.opt.run_id, record.doc_type, record.symbol, record.ts, seq);
      std::string entry;
      entry.reserve(doc.size() + index.size() + id.size() + 40);
      entry += R"({"index":{"_index":)";
      append_json_string(entry, index);
      entry += R"(,"_id":")";
      entry += id;
      entry += "\"}}\n";
      entry += doc;
      entry += '\n';
      s.queue.push_back(std::move(entry));
      depth = s.queue.size();
      accepted = true;
    }
  }
  if (accepted) {
    s.written += 1;
    s.m_queue.set(static_cast<double>(depth));
    if (depth == 1 || depth >= s.opt.batch_max_docs) s.cv.notify_one();
  } else {
    s.dropped += 1;
    s.m_dropped.inc();
  }
}

void ElasticsearchSink::flush() {
  auto& s = *shipper_;
  std::unique_lock l(s.mu);
  std::uint64_t gen = ++s.flush_requested;
  s.cv.notify_all();
  s.idle_cv.wait_for(l, s.opt.flush_timeout, [&] { return s.flush_done >= gen || s.stopping; });
}

ElasticsearchStats ElasticsearchSink::stats() const {
  auto& s = *shipper_;
  ElasticsearchStats out;
  out.written = s.written.load();
  out.indexed = s.indexed.load();
  out.item_errors = s.item_errors.load();
  out.retries = s.retries.load();
  out.dropped = s.dropped.load();
  out.spooled = s.spooled.load();
  out.spool_bytes = s.spool_bytes.load();
  out.reachable = s.state.load() > 0;
  std::lock_guard l(s.mu);
  out.queued = s.queue.size();
  out.last_error = s.last_error;
  return out;
}

bool ElasticsearchSink::healthy(std::string* reason) const {
  auto st = stats();
  auto fail = [&](std::string why) {
    if (reason) *reason = std::move(why);
    return false;
  };
  if (shipper_->state.load() < 0) return fail("elasticsearch unreachable: " + st.last_error);
  if (st.dropped > 0)
    return fail("elasticsearch sink dropped " + std::to_string(st.dropped) + " documents");
  if (st.spool_bytes > shipper_->opt.spool_max_bytes / 10 * 8)
    return fail("elasticsearch spool above 80% of its bound");
  return true;
}

}  // namespace rtcrypto::es
