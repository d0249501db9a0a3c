#include "rtcrypto/app/kafka_wiring.hpp"

#include "rtcrypto/app/commands.hpp"
#include "rtcrypto/app/run_context.hpp"
#include "rtcrypto/core/log.hpp"

namespace rtcrypto::app {

namespace {

std::string spill_path(const RunConfig& cfg) {
  if (!cfg.kafka_spill.empty()) return cfg.kafka_spill;
  if (!cfg.store.empty()) return cfg.store + ".kafka-spill";
  return "rtcrypto.kafka-spill";
}

}  // namespace

void setup_kafka(RunContext& ctx) {
  const RunConfig& cfg = ctx.cfg;
  const bool kafka_source = cfg.source == "kafka";
  if (cfg.kafka.empty()) {
    if (kafka_source) throw UsageError("config key 'kafka': --source kafka needs --kafka BROKERS");
    return;
  }
  kafka::ProducerOptions po;
  po.brokers = cfg.kafka;
  // Consumer-only properties (shared config) would only make librdkafka warn here.
  for (const auto& [k, v] : cfg.kafka_props)
    if (k != "session.timeout.ms" && k != "heartbeat.interval.ms" && k.rfind("group.", 0) != 0 &&
        k != "auto.offset.reset" && k.rfind("enable.auto.", 0) != 0 &&
        k != "max.poll.interval.ms" && k.rfind("fetch.", 0) != 0 && k != "enable.partition.eof" &&
        k != "isolation.level")
      po.properties[k] = v;
  if (!kafka::parse_overflow_policy(cfg.kafka_overflow, po.overflow))
    throw UsageError("config key 'kafka_overflow': must be spill or drop_oldest (got '" +
                     cfg.kafka_overflow + "')");
  if (po.overflow == kafka::OverflowPolicy::Spill) po.spill_path = spill_path(cfg);
  po.headers = {{"rtcrypto-run-id", cfg.run_id}};
  po.name = "rtcrypto";
  auto w = std::make_unique<KafkaWiring>();
  try {
    w->producer = std::make_unique<kafka::KafkaProducer>(std::move(po));
  } catch (const std::runtime_error& e) {
    throw UsageError(std::string("config key 'kafka_props': ") + e.what());
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("config key 'kafka_spill': ") + e.what());
  }
  kafka::TopicNames topics{cfg.kafka_topic_feed, cfg.kafka_topic_liquidity, cfg.kafka_topic_trades};
  if (!kafka_source) {
    w->feed = std::make_unique<kafka::FeedPublisher>(*w->producer, topics.feed, ctx.engine.get());
    ctx.market_sink = w->feed.get();
  }
  if (!cfg.no_trading) {
    auto rp = std::make_unique<kafka::RecordPublisher>(*w->producer, topics, cfg.run_id);
    w->records = rp.get();
    ctx.extra_sinks.push_back(std::move(rp));
  }
  log::info("kafka: producing to " + cfg.kafka + " (" +
            (w->feed ? "'" + topics.feed + "'" : std::string("no feed")) +
            (w->records ? ", '" + topics.liquidity + "', '" + topics.trades + "'" : std::string()) +
            "; queue-full policy " + cfg.kafka_overflow + ")");
  ctx.kafka = std::move(w);
}

void kafka_frame_end(RunContext& ctx, TimeNs ts) {
  if (ctx.kafka && ctx.kafka->feed) ctx.kafka->feed->frame_end(ts);
}

void finish_kafka(RunContext& ctx) {
  if (!ctx.kafka) return;
  KafkaWiring& w = *ctx.kafka;
  if (w.feed) w.feed->finish();
  auto timeout =
      std::chrono::milliseconds(static_cast<std::int64_t>(ctx.cfg.kafka_flush_seconds * 1000));
  kafka::FlushResult fr = w.producer->flush(timeout);
  kafka::ProducerStats st = w.producer->stats();
  std::string line = "kafka: " + std::to_string(st.produced) + " produced, " +
                     std::to_string(st.delivered) + " delivered, " + std::to_string(st.failed) +
                     " failed, " + std::to_string(st.retried) + " retried, " +
                     std::to_string(st.spilled) + " spilled, " + std::to_string(st.dropped) +
                     " dropped";
  if (fr.complete) {
    log::info(line);
  } else {
    log::error(line + "; " + std::to_string(fr.undelivered) + " NOT delivered" +
               (fr.kept_on_disk ? " (" + std::to_string(fr.kept_on_disk) + " kept in " +
                                      w.producer->options().spill_path + " for the next start)"
                                : std::string(" (lost)")));
  }
}

}  // namespace rtcrypto::app
