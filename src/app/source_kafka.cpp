#include <chrono>

#include "rtcrypto/app/commands.hpp"
#include "rtcrypto/app/kafka_wiring.hpp"
#include "rtcrypto/app/run_context.hpp"
#include "rtcrypto/core/log.hpp"
#include "rtcrypto/kafka/feed_consumer.hpp"

namespace rtcrypto::app {

namespace {

void flush_sinks(RunContext& ctx) {
  if (ctx.store) ctx.store->flush();
  if (ctx.jsonl) ctx.jsonl->flush();
  for (auto& s : ctx.extra_sinks) s->flush();
}

}  // namespace

// Consumes gemini-feed in the configured group into the engine. Offsets are committed
// once a second and at the end, each time after the sinks have stored what the records
// produced (so a crash re-reads, never skips; the book itself is rebuilt from the next
// snapshot after a restart).
void run_kafka_source(RunContext& ctx) {
  const RunConfig& cfg = ctx.cfg;
  if (cfg.kafka.empty())
    throw UsageError("config key 'kafka': --source kafka needs --kafka BROKERS");
  kafka::ConsumerOptions co;
  co.brokers = cfg.kafka;
  co.group = cfg.kafka_group;
  co.topic = cfg.kafka_topic_feed;
  // Producer-only properties would only make librdkafka warn.
  for (const auto& [k, v] : cfg.kafka_props)
    if (k != "enable.idempotence" && k != "acks" && k.rfind("queue.buffering", 0) != 0 &&
        k != "linger.ms" && k != "batch.num.messages" && k != "compression.codec" &&
        k != "compression.type" && k != "message.timeout.ms")
      co.properties[k] = v;
  std::unique_ptr<kafka::FeedConsumer> consumer;
  try {
    consumer = std::make_unique<kafka::FeedConsumer>(co, *ctx.engine,
                                                     [&ctx](TimeNs ts) { ctx.end_of_frame(ts); });
  } catch (const std::runtime_error& e) {
    throw UsageError(std::string("config key 'kafka_props': ") + e.what());
  }
  consumer->set_before_revoke([&ctx] { flush_sinks(ctx); });
  log::info("kafka: consuming '" + co.topic + "' from " + cfg.kafka + " in group '" + co.group +
            "'");

  auto last_commit = std::chrono::steady_clock::now();
  while (!ctx.should_stop()) {
    consumer->poll(std::chrono::milliseconds(100));
    if (ctx.kafka) ctx.kafka->producer->poll();
    auto now = std::chrono::steady_clock::now();
    if (now - last_commit >= std::chrono::seconds(1)) {
      flush_sinks(ctx);
      consumer->commit();
      last_commit = now;
    }
    if (cfg.kafka_until_eof && consumer->at_end()) {
      log::info("kafka: reached the end of '" + co.topic + "'");
      break;
    }
  }
  // Close the open windows so that their records are stored before the final commit.
  ctx.engine->flush(ctx.engine->now());
  flush_sinks(ctx);
  consumer->commit();
  const kafka::ConsumerStats& st = consumer->stats();
  ctx.summary.parse_errors += st.bad;
  log::info("kafka: consumed " + std::to_string(st.messages) + " records (" +
            std::to_string(st.levels) + " level changes, " + std::to_string(st.bad) + " bad), " +
            std::to_string(st.commits) + " commits");
}

}  // namespace rtcrypto::app
