#pragma once
// `rtcrypto run --kafka BROKERS`: the producer and what publishes through it.
// - a FeedPublisher in front of the engine (every event to gemini-feed), unless the source
//   is Kafka itself;
// - a RecordPublisher among the engine's sinks (windows to liquidity; decisions, orders,
//   scores to trades), unless --no-trading (an ingest daemon publishes the feed only, so
//   that the trading daemons own liquidity/trades and nothing is written twice).
#include <memory>

#include "rtcrypto/core/time.hpp"
#include "rtcrypto/kafka/kafka_producer.hpp"
#include "rtcrypto/kafka/publishers.hpp"

namespace rtcrypto::app {

struct RunContext;

struct KafkaWiring {
  std::unique_ptr<kafka::KafkaProducer> producer;
  std::unique_ptr<kafka::FeedPublisher> feed;  // null for --source kafka
  kafka::RecordPublisher* records = nullptr;   // owned by RunContext::extra_sinks
};

// Builds the wiring from ctx.cfg when brokers are configured (else does nothing); sets
// ctx.market_sink to the feed tap. Call after the engine exists, before the engine's sinks
// are registered. Throws UsageError for a bad property, policy or missing brokers.
void setup_kafka(RunContext& ctx);
// After every source frame (RunContext::end_of_frame calls it).
void kafka_frame_end(RunContext& ctx, TimeNs ts);
// At shutdown, after the engine's last records: publishes the last clock, flushes with
// kafka_flush_seconds, logs what was delivered and what was not (and where it was kept).
void finish_kafka(RunContext& ctx);

}  // namespace rtcrypto::app
