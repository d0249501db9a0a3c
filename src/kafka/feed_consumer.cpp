#include "rtcrypto/kafka/feed_consumer.hpp"

#include <librdkafka/rdkafkacpp.h>

#include <set>
#include <stdexcept>
#include <utility>
#include <vector>

#include "rtcrypto/core/log.hpp"
#include "rtcrypto/core/metrics.hpp"
#include "rtcrypto/kafka/feed_codec.hpp"
#include "rtcrypto/kafka/kafka_logging.hpp"

namespace rtcrypto::kafka {

std::map<std::string, std::string> default_consumer_properties() {
  return {
      {"enable.auto.commit", "false"},
      {"enable.auto.offset.store", "false"},
      {"auto.offset.reset", "earliest"},
      {"enable.partition.eof", "true"},
  };
}

// ---- FeedReplayer ---------------------------------------------------------------------

struct FeedReplayer::Impl {
  MarketEventSink& sink;
  std::function<void(TimeNs)> on_frame_end;
  FeedDecoder decoder;
  FeedRecord rec;
  std::set<std::string, std::less<>> explicit_open;  // between snapshot_begin and _end
  std::string implicit_symbol;                       // open implicit snapshot ("" = none)
  TimeNs implicit_ts = 0;

  void close_implicit(TimeNs ts) {
    if (implicit_symbol.empty()) return;
    sink.on_snapshot_end(implicit_symbol, ts);
    implicit_symbol.clear();
  }
};

FeedReplayer::FeedReplayer(MarketEventSink& sink, std::function<void(TimeNs)> on_frame_end)
    : impl_(new Impl{sink, std::move(on_frame_end), {}, {}, {}, {}, 0}) {}
FeedReplayer::~FeedReplayer() = default;

bool FeedReplayer::apply(std::string_view json, std::string& error) {
  Impl& m = *impl_;
  FeedRecord& r = m.rec;
  if (!m.decoder.decode(json, r)) {
    error = m.decoder.error();
    return false;
  }
  // An implicit snapshot ends at the first record that is not one of its levels.
  if (!m.implicit_symbol.empty() &&
      (r.symbol != m.implicit_symbol || r.type != FeedRecordType::Level || !r.level.snapshot))
    m.close_implicit(m.implicit_ts);
  switch (r.type) {
    case FeedRecordType::SnapshotBegin:
      m.explicit_open.insert(r.symbol);
      m.sink.on_snapshot_begin(r.symbol, r.ts);
      break;
    case FeedRecordType::SnapshotEnd:
      m.explicit_open.erase(r.symbol);
      m.sink.on_snapshot_end(r.symbol, r.ts);
      break;
    case FeedRecordType::Level:
      if (r.level.snapshot && m.implicit_symbol.empty() && !m.explicit_open.count(r.symbol)) {
        m.sink.on_snapshot_begin(r.symbol, r.ts);
        m.implicit_symbol = r.symbol;
      }
      if (!m.implicit_symbol.empty()) m.implicit_ts = r.ts;
      m.sink.on_level(r.level);
      ++levels_;
      break;
    case FeedRecordType::Trade:
      m.sink.on_trade(r.trade);
      break;
    case FeedRecordType::Ticker:
      m.sink.on_ticker(r.ticker);
      break;
    case FeedRecordType::Gap:
      m.explicit_open.erase(r.symbol);
      m.sink.on_gap(r.symbol, r.ts, r.why);
      break;
    case FeedRecordType::Frame:
      if (r.clock >= 0) m.sink.on_time(r.clock);
      if (m.on_frame_end) m.on_frame_end(r.ts);
      break;
  }
  return true;
}

void FeedReplayer::close_open_snapshots(TimeNs ts) {
  impl_->close_implicit(ts);
}

// ---- FeedConsumer ---------------------------------------------------------------------

namespace {
using PartitionKey = std::pair<std::string, std::int32_t>;
}

struct FeedConsumer::Impl : public RdKafka::RebalanceCb {
  Impl(ConsumerOptions o, MarketEventSink& sink, std::function<void(TimeNs)> frame)
      : opts(std::move(o)), replayer(sink, std::move(frame)), events("consumer " + opts.name) {
    metrics::Labels l{{"consumer", opts.name}};
    auto& r = metrics::registry();
    m_messages = &r.counter("rtcrypto_kafka_consumed_total", "gemini-feed records consumed", l);
    m_bad = &r.counter("rtcrypto_kafka_bad_records_total",
                       "gemini-feed records that could not be decoded", l);
    m_commits = &r.counter("rtcrypto_kafka_commits_total", "Offset commits", l);
  }

  void rebalance_cb(RdKafka::KafkaConsumer* c, RdKafka::ErrorCode err,
                    std::vector<RdKafka::TopicPartition*>& parts) override {
    if (err == RdKafka::ERR__ASSIGN_PARTITIONS) {
      for (auto* p : parts) assigned.insert({p->topic(), p->partition()});
      log::info("kafka: assigned " + std::to_string(parts.size()) + " partition(s) of '" +
                opts.topic + "'");
      c->assign(parts);
      return;
    }
    if (before_revoke) before_revoke();
    commit_now(c);
    for (auto* p : parts) {
      PartitionKey k{p->topic(), p->partition()};
      assigned.erase(k);
      at_eof.erase(k);
      next_offset.erase(k);
    }
    c->unassign();
  }

  bool commit_now(RdKafka::KafkaConsumer* c) {
    if (!dirty || next_offset.empty()) return true;
    std::vector<RdKafka::TopicPartition*> tps;
    for (const auto& [k, off] : next_offset)
      tps.push_back(RdKafka::TopicPartition::create(k.first, k.second, off));
    auto err = c->commitSync(tps);
    for (auto* t : tps) delete t;
    if (err != RdKafka::ERR_NO_ERROR) {
      ++st.errors;
      log::warn("kafka: offset commit failed: " + RdKafka::err2str(err) +
                " (retried at the next commit)");
      return false;
    }
    dirty = false;
    ++st.commits;
    m_commits->inc();
    return true;
  }

  ConsumerOptions opts;
  FeedReplayer replayer;
  EventLogger events;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer;
  std::map<PartitionKey, std::int64_t> next_offset;
  std::set<PartitionKey> assigned, at_eof;
  bool dirty = false;
  std::function<void()> before_revoke;
  ConsumerStats st;
  log::RateLimiter bad_log, err_log;
  metrics::Counter *m_messages, *m_bad, *m_commits;
};

FeedConsumer::FeedConsumer(ConsumerOptions options, MarketEventSink& sink,
                           std::function<void(TimeNs)> on_frame_end)
    : impl_(std::make_unique<Impl>(std::move(options), sink, std::move(on_frame_end))) {
  Impl& m = *impl_;
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  set_property(*conf, "bootstrap.servers", m.opts.brokers);
  set_property(*conf, "group.id", m.opts.group);
  set_property(*conf, "client.id", m.opts.name);
  for (const auto& [k, v] : default_consumer_properties()) set_property(*conf, k, v);
  for (const auto& [k, v] : m.opts.properties) set_property(*conf, k, v);
  std::string err;
  if (conf->set("rebalance_cb", static_cast<RdKafka::RebalanceCb*>(&m), err) !=
          RdKafka::Conf::CONF_OK ||
      conf->set("event_cb", static_cast<RdKafka::EventCb*>(&m.events), err) !=
          RdKafka::Conf::CONF_OK)
    throw std::runtime_error("kafka: " + err);
  m.consumer.reset(RdKafka::KafkaConsumer::create(conf.get(), err));
  if (!m.consumer) throw std::runtime_error("kafka: cannot create the consumer: " + err);
  auto e = m.consumer->subscribe({m.opts.topic});
  if (e != RdKafka::ERR_NO_ERROR)
    throw std::runtime_error("kafka: cannot subscribe to '" + m.opts.topic +
                             "': " + RdKafka::err2str(e));
}

FeedConsumer::~FeedConsumer() {
  if (impl_ && impl_->consumer) impl_->consumer->close();
}

std::size_t FeedConsumer::poll(std::chrono::milliseconds timeout) {
  Impl& m = *impl_;
  std::size_t handled = 0;
  int wait = static_cast<int>(timeout.count());
  std::string error;
  for (int i = 0; i < 1000; ++i) {
    std::unique_ptr<RdKafka::Message> msg(m.consumer->consume(i == 0 ? wait : 0));
    switch (msg->err()) {
      case RdKafka::ERR_NO_ERROR: {
        PartitionKey k{msg->topic_name(), msg->partition()};
        m.at_eof.erase(k);
        std::string_view payload(static_cast<const char*>(msg->payload()), msg->len());
        if (m.replayer.apply(payload, error)) {
          ++m.st.messages;
          m.m_messages->inc();
        } else {
          ++m.st.bad;
          m.m_bad->inc();
          std::uint64_t skipped = 0;
          if (m.bad_log.allow(skipped))
            log::warn("kafka: skipped a bad record at " + k.first + "[" + std::to_string(k.second) +
                      "]@" + std::to_string(msg->offset()) + ": " + error);
        }
        m.next_offset[k] = msg->offset() + 1;
        m.dirty = true;
        ++handled;
        break;
      }
      case RdKafka::ERR__PARTITION_EOF:
        m.at_eof.insert({msg->topic_name(), msg->partition()});
        return handled;
      case RdKafka::ERR__TIMED_OUT:
        return handled;
      default: {
        ++m.st.errors;
        std::uint64_t skipped = 0;
        if (m.err_log.allow(skipped)) log::warn("kafka: consumer: " + msg->errstr());
        return handled;
      }
    }
  }
  return handled;
}

bool FeedConsumer::commit() {
  return impl_->commit_now(impl_->consumer.get());
}

void FeedConsumer::set_before_revoke(std::function<void()> hook) {
  impl_->before_revoke = std::move(hook);
}

bool FeedConsumer::at_end() const {
  const Impl& m = *impl_;
  if (m.assigned.empty()) return false;
  for (const auto& k : m.assigned)
    if (!m.at_eof.count(k)) return false;
  return true;
}

const ConsumerStats& FeedConsumer::stats() const {
  impl_->st.levels = impl_->replayer.levels();
  return impl_->st;
}

}  // namespace rtcrypto::kafka
