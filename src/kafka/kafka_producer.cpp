#include "rtcrypto/kafka/kafka_producer.hpp"

#include <librdkafka/rdkafkacpp.h>

#include <algorithm>
#include <stdexcept>
#include <thread>

#include "rtcrypto/core/log.hpp"
#include "rtcrypto/core/metrics.hpp"
#include "rtcrypto/kafka/backlog.hpp"
#include "rtcrypto/kafka/kafka_logging.hpp"

namespace rtcrypto::kafka {

bool parse_overflow_policy(std::string_view text, OverflowPolicy& out) {
  if (text == "spill") {
    out = OverflowPolicy::Spill;
    return true;
  }
  if (text == "drop_oldest") {
    out = OverflowPolicy::DropOldest;
    return true;
  }
  return false;
}

std::map<std::string, std::string> default_producer_properties() {
  return {
      {"acks", "all"},
      {"enable.idempotence", "true"},  // no duplicates on retry (brokers >= 0.11)
      {"linger.ms", "5"},
      {"queue.buffering.max.messages", "500000"},
      {"queue.buffering.max.kbytes", "262144"},
      {"batch.num.messages", "10000"},
  };
}

namespace {

// Errors no retry can fix: the message is set aside and counted. Everything else (timed
// out, purged at shutdown, broker away, leader moving) is kept and sent again.
bool permanent(RdKafka::ErrorCode e) {
  switch (e) {
    case RdKafka::ERR_MSG_SIZE_TOO_LARGE:
    case RdKafka::ERR_INVALID_MSG_SIZE:
    case RdKafka::ERR_INVALID_MSG:
    case RdKafka::ERR_RECORD_LIST_TOO_LARGE:
    case RdKafka::ERR_TOPIC_AUTHORIZATION_FAILED:
    case RdKafka::ERR_CLUSTER_AUTHORIZATION_FAILED:
    case RdKafka::ERR_TOPIC_EXCEPTION:
    case RdKafka::ERR__INVALID_ARG:
    case RdKafka::ERR__FATAL:
      return true;
    default:
      return false;
  }
}

}  // namespace

struct KafkaProducer::Impl : public RdKafka::DeliveryReportCb {
  explicit Impl(const ProducerOptions& o)
      : opts(o),
        backlog(o.backlog_messages,
                o.overflow == OverflowPolicy::Spill ? o.spill_path : std::string()),
        events("producer " + o.name) {
    metrics::Labels l{{"producer", o.name}};
    auto& r = metrics::registry();
    m_produced =
        &r.counter("rtcrypto_kafka_produced_total", "Messages accepted by the Kafka producer", l);
    m_delivered = &r.counter("rtcrypto_kafka_delivered_total", "Messages acknowledged by Kafka", l);
    m_retried = &r.counter("rtcrypto_kafka_retried_total", "Failed deliveries queued again", l);
    m_queue_full =
        &r.counter("rtcrypto_kafka_queue_full_total",
                   "Messages that found librdkafka's queue full (went to the side buffer)", l);
    m_spilled = &r.counter("rtcrypto_kafka_spilled_total", "Messages written to the spill file", l);
    m_dropped =
        &r.counter("rtcrypto_kafka_dropped_total", "Messages dropped by the drop_oldest policy", l);
  }

  void dr_cb(RdKafka::Message& m) override {
    if (m.err() == RdKafka::ERR_NO_ERROR) {
      ++st.delivered;
      m_delivered->inc();
      return;
    }
    QueuedMessage q;
    q.topic = m.topic_name();
    if (const std::string* k = m.key()) q.key = *k;
    q.payload.assign(static_cast<const char*>(m.payload()), m.len());
    if (!permanent(m.err())) {
      // Not delivered (timed out, purged at shutdown, broker away): keep it and retry.
      ++st.retried;
      m_retried->inc();
      if (m.err() != RdKafka::ERR__PURGE_QUEUE && m.err() != RdKafka::ERR__PURGE_INFLIGHT) {
        std::uint64_t skipped = 0;
        if (retry_log.allow(skipped))
          log::warn("kafka: delivery to '" + q.topic + "' failed (" + RdKafka::err2str(m.err()) +
                    "); the message is queued again");
      }
      keep(std::move(q));
      return;
    }
    ++st.failed;
    metrics::registry()
        .counter("rtcrypto_kafka_delivery_failed_total", "Messages Kafka refused for good",
                 {{"producer", opts.name}, {"error", RdKafka::err2str(m.err())}})
        .inc();
    std::uint64_t skipped = 0;
    if (fail_log.allow(skipped))
      log::error("kafka: message to '" + q.topic +
                 "' refused for good: " + RdKafka::err2str(m.err()) +
                 (opts.spill_path.empty() ? "" : " (kept in " + opts.spill_path + ".failed)"));
    if (!opts.spill_path.empty()) {
      std::FILE* f = std::fopen((opts.spill_path + ".failed").c_str(), "ab");
      if (f) {
        std::uint32_t len[3] = {static_cast<std::uint32_t>(q.topic.size()),
                                static_cast<std::uint32_t>(q.key.size()),
                                static_cast<std::uint32_t>(q.payload.size())};
        std::fwrite(len, 4, 3, f);
        std::fwrite(q.topic.data(), 1, q.topic.size(), f);
        std::fwrite(q.key.data(), 1, q.key.size(), f);
        std::fwrite(q.payload.data(), 1, q.payload.size(), f);
        std::fclose(f);
      }
    }
  }

  // Into the backlog, applying the overflow policy. False when the message was lost.
  bool keep(QueuedMessage q) {
    bool spilled = false;
    if (backlog.push(std::move(q), spilled)) {
      if (spilled) {
        ++st.spilled;
        m_spilled->inc();
        std::uint64_t skipped = 0;
        if (spill_log.allow(skipped))
          log::warn("kafka: side buffer full; spilling to " + opts.spill_path + " (" +
                    std::to_string(backlog.disk_count()) + " messages on disk)");
      }
      return true;
    }
    if (opts.overflow == OverflowPolicy::DropOldest) {
      backlog.drop_oldest();
      ++st.dropped;
      m_dropped->inc();
      std::uint64_t skipped = 0;
      if (drop_log.allow(skipped))
        log::warn("kafka: side buffer full; dropping the oldest message (policy drop_oldest, " +
                  std::to_string(st.dropped) + " dropped so far)");
      bool ignored = false;
      return backlog.push(std::move(q), ignored);
    }
    return false;
  }

  RdKafka::ErrorCode send(std::string_view topic, std::string_view key, std::string_view payload) {
    RdKafka::Headers* h = nullptr;
    if (!opts.headers.empty()) {
      h = RdKafka::Headers::create();
      for (const auto& [k, v] : opts.headers) h->add(k, v.data(), v.size());
    }
    auto err = producer->produce(std::string(topic), RdKafka::Topic::PARTITION_UA,
                                 RdKafka::Producer::RK_MSG_COPY, const_cast<char*>(payload.data()),
                                 payload.size(), key.data(), key.size(), 0, h, nullptr);
    if (err != RdKafka::ERR_NO_ERROR) delete h;
    return err;
  }

  void drain() {
    while (!backlog.empty()) {
      QueuedMessage& m = backlog.front();
      auto err = send(m.topic, m.key, m.payload);
      if (err == RdKafka::ERR__QUEUE_FULL) return;
      if (err != RdKafka::ERR_NO_ERROR) {
        if (!permanent(err)) {  // e.g. the topic is in an error state while a broker restarts
          std::uint64_t skipped = 0;
          if (retry_log.allow(skipped))
            log::warn("kafka: cannot produce to '" + m.topic + "' yet (" + RdKafka::err2str(err) +
                      "); kept and retried");
          return;
        }
        ++st.failed;
        log::error("kafka: cannot produce to '" + m.topic + "': " + RdKafka::err2str(err));
      }
      backlog.pop_front();
    }
  }

  void poll() {
    producer->poll(0);
    drain();
  }

  ProducerOptions opts;
  Backlog backlog;
  EventLogger events;
  std::unique_ptr<RdKafka::Producer> producer;
  ProducerStats st;
  std::uint32_t since_poll = 0;
  log::RateLimiter retry_log, fail_log, spill_log, drop_log, full_log;
  metrics::Counter *m_produced, *m_delivered, *m_retried, *m_queue_full, *m_spilled, *m_dropped;
  std::uint64_t gauge_backlog = 0, gauge_in_flight = 0;
};

KafkaProducer::KafkaProducer(ProducerOptions options) : options_(std::move(options)) {
  if (options_.overflow == OverflowPolicy::Spill && options_.spill_path.empty())
    throw std::invalid_argument("kafka: the spill policy needs a spill file");
  impl_ = std::make_unique<Impl>(options_);
  std::string err;
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  auto set = [&](const std::string& k, const std::string& v) {
    if (conf->set(k, v, err) != RdKafka::Conf::CONF_OK)
      throw std::runtime_error("kafka property '" + k + "': " + err);
  };
  set("bootstrap.servers", options_.brokers);
  set("client.id", options_.name);
  for (const auto& [k, v] : default_producer_properties()) set(k, v);
  for (const auto& [k, v] : options_.properties) set(k, v);
  if (conf->set("dr_cb", static_cast<RdKafka::DeliveryReportCb*>(impl_.get()), err) !=
          RdKafka::Conf::CONF_OK ||
      conf->set("event_cb", static_cast<RdKafka::EventCb*>(&impl_->events), err) !=
          RdKafka::Conf::CONF_OK)
    throw std::runtime_error("kafka: " + err);
  impl_->producer.reset(RdKafka::Producer::create(conf.get(), err));
  if (!impl_->producer) throw std::runtime_error("kafka: cannot create the producer: " + err);
  auto& r = metrics::registry();
  metrics::Labels l{{"producer", options_.name}};
  Impl* im = impl_.get();
  impl_->gauge_backlog = r.gauge_callback("rtcrypto_kafka_backlog_messages",
                                          "Messages waiting in the side buffer and spill file", l,
                                          [im] { return static_cast<double>(im->backlog.size()); });
  impl_->gauge_in_flight = r.gauge_callback(
      "rtcrypto_kafka_in_flight_messages", "Messages inside librdkafka (queued or awaiting ack)", l,
      [im] { return static_cast<double>(im->producer->outq_len()); });
}

KafkaProducer::~KafkaProducer() {
  auto& r = metrics::registry();
  r.remove_callback(impl_->gauge_backlog);
  r.remove_callback(impl_->gauge_in_flight);
  // After a timed-out flush() everything left is already on disk (or counted lost).
  if (impl_->backlog.memory_size() > 0 || impl_->producer->outq_len() > 0)
    flush(std::chrono::seconds(2));
}

bool KafkaProducer::produce(std::string_view topic, std::string_view key,
                            std::string_view payload) {
  Impl& m = *impl_;
  ++m.st.produced;
  m.m_produced->inc();
  if (++m.since_poll >= 1024) {
    m.since_poll = 0;
    m.poll();
  }
  if (m.backlog.empty()) {
    auto err = m.send(topic, key, payload);
    if (err == RdKafka::ERR_NO_ERROR) return true;
    if (err != RdKafka::ERR__QUEUE_FULL && permanent(err)) {
      ++m.st.failed;
      std::uint64_t skipped = 0;
      if (m.fail_log.allow(skipped))
        log::error("kafka: cannot produce to '" + std::string(topic) +
                   "': " + RdKafka::err2str(err));
      return false;
    }
    if (err == RdKafka::ERR__QUEUE_FULL) {
      ++m.st.queue_full;
      m.m_queue_full->inc();
    }
    std::uint64_t skipped = 0;
    if (m.full_log.allow(skipped))
      log::warn(std::string("kafka: librdkafka refused a message (") + RdKafka::err2str(err) +
                "; broker slow or away): buffering aside, policy " +
                (options_.overflow == OverflowPolicy::Spill ? "spill" : "drop_oldest"));
  }
  return m.keep(QueuedMessage{std::string(topic), std::string(key), std::string(payload)});
}

void KafkaProducer::poll() {
  impl_->poll();
}

FlushResult KafkaProducer::flush(std::chrono::milliseconds timeout) {
  Impl& m = *impl_;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  FlushResult res;
  for (;;) {
    m.poll();
    if (m.backlog.empty() && m.producer->outq_len() == 0) {
      res.complete = true;
      return res;
    }
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline) break;
    auto step = std::min<std::chrono::milliseconds>(
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now),
        std::chrono::milliseconds(100));
    m.producer->flush(static_cast<int>(std::max<std::int64_t>(1, step.count())));
  }
  res.undelivered = m.backlog.size() + static_cast<std::uint64_t>(m.producer->outq_len());
  if (m.backlog.has_spill()) {
    // Take back what librdkafka still holds and keep it all on disk for the next start.
    m.producer->purge(RdKafka::Producer::PURGE_QUEUE | RdKafka::Producer::PURGE_INFLIGHT);
    for (int i = 0; i < 50 && m.producer->outq_len() > 0; ++i) m.producer->poll(20);
    res.kept_on_disk = m.backlog.persist();
    log::error("kafka: " + std::to_string(res.undelivered) + " messages not delivered within " +
               std::to_string(timeout.count()) + " ms; " + std::to_string(res.kept_on_disk) +
               " kept in " + options_.spill_path + " for the next start");
  } else {
    m.producer->purge(RdKafka::Producer::PURGE_QUEUE | RdKafka::Producer::PURGE_INFLIGHT);
    for (int i = 0; i < 50 && m.producer->outq_len() > 0; ++i) m.producer->poll(20);
    m.backlog.clear();
    log::error("kafka: " + std::to_string(res.undelivered) + " messages not delivered within " +
               std::to_string(timeout.count()) + " ms (policy drop_oldest: they are lost)");
  }
  return res;
}

ProducerStats KafkaProducer::stats() const {
  ProducerStats s = impl_->st;
  s.backlog = impl_->backlog.size();
  s.in_flight = static_cast<std::uint64_t>(impl_->producer->outq_len());
  return s;
}

}  // namespace rtcrypto::kafka
