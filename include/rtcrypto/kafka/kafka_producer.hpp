#pragma once
// A librdkafka producer that never blocks its caller.
//
// produce() copies the message into librdkafka (RD_KAFKA_MSG_F_COPY) and returns at once.
// When librdkafka's local queue is full the message goes to a bounded side buffer (the
// Backlog) that poll() drains back into librdkafka as room appears, in order. When the
// side buffer is full too, the overflow policy decides:
//   - Spill (default): further messages go to a spill file on disk, replayed in order
//     (also on the next start: a spill file left behind is loaded and sent first);
//   - DropOldest: the oldest buffered message is dropped (counted and logged).
// Failed deliveries (e.g. message.timeout.ms passed while the broker was away) re-enter the
// backlog and are retried; permanent failures (message too large, ...) are counted, logged
// and, with a spill file, appended to "<spill>.failed".
//
// Call poll() from a timer (it is poll(0): serves delivery reports, drains the backlog);
// produce() also polls every few thousand messages. flush(timeout) at shutdown.
// Metrics (core/metrics.hpp, label producer=<name>): rtcrypto_kafka_produced_total,
// rtcrypto_kafka_delivered_total, rtcrypto_kafka_delivery_failed_total{error},
// rtcrypto_kafka_retried_total, rtcrypto_kafka_queue_full_total, rtcrypto_kafka_spilled_total,
// rtcrypto_kafka_dropped_total, gauges rtcrypto_kafka_backlog_messages and
// rtcrypto_kafka_in_flight_messages.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rtcrypto::kafka {

enum class OverflowPolicy : std::uint8_t { Spill, DropOldest };
// "spill" | "drop_oldest"; false for anything else.
bool parse_overflow_policy(std::string_view text, OverflowPolicy& out);

struct ProducerOptions {
  std::string brokers;                            // bootstrap.servers
  std::map<std::string, std::string> properties;  // any librdkafka property (wins over defaults)
  OverflowPolicy overflow = OverflowPolicy::Spill;
  std::size_t backlog_messages = 200000;  // side buffer size (messages)
  std::string spill_path;                 // required for Spill
  // Headers added to every message (e.g. {"rtcrypto-run-id", run id}). Brokers older than
  // 0.11 drop them silently.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string name = "rtcrypto";  // client.id and metrics label
};

// Defaults applied before ProducerOptions::properties: acks=all, idempotence on, a short
// linger, lz4-free (every broker version reads the messages).
std::map<std::string, std::string> default_producer_properties();

struct ProducerStats {
  std::uint64_t produced = 0;    // accepted by produce()
  std::uint64_t delivered = 0;   // delivery report: success
  std::uint64_t failed = 0;      // delivery report: permanent failure
  std::uint64_t retried = 0;     // delivery report: failure, re-queued
  std::uint64_t queue_full = 0;  // librdkafka queue full: went to the backlog
  std::uint64_t spilled = 0;     // written to the spill file
  std::uint64_t dropped = 0;     // dropped by DropOldest
  std::uint64_t backlog = 0;     // waiting in the side buffer + spill file now
  std::uint64_t in_flight = 0;   // inside librdkafka now (queued or awaiting ack)
};

struct FlushResult {
  bool complete = false;           // everything delivered
  std::uint64_t undelivered = 0;   // still in flight or in the backlog at the deadline
  std::uint64_t kept_on_disk = 0;  // of those, saved in the spill file for the next start
};

class KafkaProducer {
 public:
  // Throws std::runtime_error naming the property when librdkafka rejects the config.
  explicit KafkaProducer(ProducerOptions options);
  ~KafkaProducer();  // flushes for up to 2 s, spills what remains (Spill policy)
  KafkaProducer(const KafkaProducer&) = delete;
  KafkaProducer& operator=(const KafkaProducer&) = delete;

  // Never blocks. False only when the message was dropped (DropOldest drops the oldest one
  // instead, so this returns true) or could not be kept at all.
  bool produce(std::string_view topic, std::string_view key, std::string_view payload);
  // poll(0): delivery reports, backlog drain. Cheap; call often.
  void poll();
  // Waits until everything is delivered or `timeout` passes; with Spill, what is left is
  // written to the spill file (kept for the next start). Logs what was not delivered.
  FlushResult flush(std::chrono::milliseconds timeout);

  ProducerStats stats() const;
  const ProducerOptions& options() const { return options_; }

 private:
  struct Impl;
  ProducerOptions options_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rtcrypto::kafka
