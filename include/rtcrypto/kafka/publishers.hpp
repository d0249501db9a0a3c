#pragma once
// What the daemon publishes to Kafka:
// - FeedPublisher: a MarketEventSink in front of the engine. Every normalized event goes
//   to the `gemini-feed` topic (key = symbol; feed_codec.hpp) and then on to `next` (the
//   engine, or nothing in a pure ingest process). Call frame_end() after every source frame:
//   it writes one "frame" record per symbol that had events in the frame, and one for every
//   other symbol when the event clock (on_time) enters a new second, so that a consumer
//   closes windows at the same moments the producer did (windows are whole seconds). Call
//   finish() when the source ends: the last clock reading goes out for every symbol.
// - RecordPublisher: a RecordSink; window records (ask, bid, price_volume) to `liquidity`
//   as to_contract_json, decision / order / score documents to `trades`, key = symbol.
#include <string>
#include <vector>

#include "rtcrypto/core/events.hpp"
#include "rtcrypto/core/record.hpp"
#include "rtcrypto/kafka/kafka_producer.hpp"

namespace rtcrypto::kafka {

struct TopicNames {
  std::string feed = "gemini-feed";
  std::string liquidity = "liquidity";
  std::string trades = "trades";
};

class FeedPublisher final : public MarketEventSink {
 public:
  // `next` may be null (ingest only).
  FeedPublisher(KafkaProducer& producer, std::string topic, MarketEventSink* next);

  void on_snapshot_begin(std::string_view symbol, TimeNs ts) override;
  void on_level(const LevelChange& change) override;
  void on_snapshot_end(std::string_view symbol, TimeNs ts) override;
  void on_trade(const TradeEvent& trade) override;
  void on_ticker(const TickerEvent& ticker) override;
  void on_gap(std::string_view symbol, TimeNs ts, std::string_view why) override;
  void on_time(TimeNs ts) override;

  // After each source frame, with the frame's receive time.
  void frame_end(TimeNs ts);
  // The source ended: publishes the last clock for every symbol (then polls the producer).
  void finish();

  std::uint64_t published() const { return published_; }
  std::uint64_t levels_published() const { return levels_; }

 private:
  void touch(std::string_view symbol);
  void send(std::string_view symbol);
  void send_frame(std::size_t i, TimeNs ts);

  KafkaProducer& producer_;
  std::string topic_;
  MarketEventSink* next_;
  std::string buf_;
  std::vector<std::string> known_;  // every symbol seen, in order
  std::vector<bool> in_frame_;      // parallel to known_: had events in this frame
  std::vector<TimeNs> sent_clock_;  // parallel to known_: clock in its last frame record
  std::size_t last_ = 0;            // index of the last symbol touched (runs of one symbol)
  TimeNs clock_ = -1;               // latest on_time() reading
  bool clock_in_frame_ = false;     // on_time() was called during this frame
  std::uint64_t published_ = 0, levels_ = 0;
};

class RecordPublisher final : public RecordSink {
 public:
  RecordPublisher(KafkaProducer& producer, TopicNames topics, std::string run_id);
  void write(const Record& record) override;
  void flush() override { producer_.poll(); }  // never blocks; the daemon flushes at exit

  std::uint64_t published() const { return published_; }

 private:
  KafkaProducer& producer_;
  TopicNames topics_;
  std::string run_id_;
  std::uint64_t published_ = 0;
};

}  // namespace rtcrypto::kafka
