#include "rtcrypto/kafka/publishers.hpp"

#include "rtcrypto/kafka/feed_codec.hpp"

namespace rtcrypto::kafka {

FeedPublisher::FeedPublisher(KafkaProducer& producer, std::string topic, MarketEventSink* next)
    : producer_(producer), topic_(std::move(topic)), next_(next) {
  buf_.reserve(512);
}

void FeedPublisher::touch(std::string_view symbol) {
  if (last_ < known_.size() && known_[last_] == symbol) {
    in_frame_[last_] = true;
    return;
  }
  for (std::size_t i = 0; i < known_.size(); ++i) {
    if (known_[i] == symbol) {
      last_ = i;
      in_frame_[i] = true;
      return;
    }
  }
  known_.emplace_back(symbol);
  in_frame_.push_back(true);
  sent_clock_.push_back(-1);
  last_ = known_.size() - 1;
}

void FeedPublisher::send(std::string_view symbol) {
  producer_.produce(topic_, symbol, buf_);
  ++published_;
}

void FeedPublisher::on_snapshot_begin(std::string_view symbol, TimeNs ts) {
  touch(symbol);
  buf_.clear();
  encode_marker(buf_, FeedRecordType::SnapshotBegin, symbol, ts);
  send(symbol);
  if (next_) next_->on_snapshot_begin(symbol, ts);
}

void FeedPublisher::on_level(const LevelChange& c) {
  touch(c.symbol);
  buf_.clear();
  encode_level(buf_, c);
  send(c.symbol);
  ++levels_;
  if (next_) next_->on_level(c);
}

void FeedPublisher::on_snapshot_end(std::string_view symbol, TimeNs ts) {
  touch(symbol);
  buf_.clear();
  encode_marker(buf_, FeedRecordType::SnapshotEnd, symbol, ts);
  send(symbol);
  if (next_) next_->on_snapshot_end(symbol, ts);
}

void FeedPublisher::on_trade(const TradeEvent& t) {
  touch(t.symbol);
  buf_.clear();
  encode_trade(buf_, t);
  send(t.symbol);
  if (next_) next_->on_trade(t);
}

void FeedPublisher::on_ticker(const TickerEvent& t) {
  touch(t.symbol);
  buf_.clear();
  encode_ticker(buf_, t);
  send(t.symbol);
  if (next_) next_->on_ticker(t);
}

void FeedPublisher::on_gap(std::string_view symbol, TimeNs ts, std::string_view why) {
  touch(symbol);
  buf_.clear();
  encode_gap(buf_, symbol, ts, why);
  send(symbol);
  if (next_) next_->on_gap(symbol, ts, why);
}

void FeedPublisher::on_time(TimeNs ts) {
  clock_ = ts;
  clock_in_frame_ = true;
  if (next_) next_->on_time(ts);
}

void FeedPublisher::send_frame(std::size_t i, TimeNs ts) {
  buf_.clear();
  TimeNs clock = clock_in_frame_ ? clock_ : -1;
  encode_frame(buf_, known_[i], ts, clock);
  send(known_[i]);
  if (clock >= 0) sent_clock_[i] = clock;
}

void FeedPublisher::frame_end(TimeNs ts) {
  for (std::size_t i = 0; i < known_.size(); ++i) {
    if (in_frame_[i]) {
      send_frame(i, ts);
      in_frame_[i] = false;
    } else if (clock_in_frame_ && clock_ / kNsPerSec != sent_clock_[i] / kNsPerSec) {
      send_frame(i, ts);  // the clock entered a new second: a window may close there
    }
  }
  clock_in_frame_ = false;
}

void FeedPublisher::finish() {
  for (std::size_t i = 0; i < known_.size(); ++i) {
    if (clock_ >= 0 && sent_clock_[i] != clock_) {
      buf_.clear();
      encode_frame(buf_, known_[i], clock_, clock_);
      send(known_[i]);
      sent_clock_[i] = clock_;
    }
  }
  producer_.poll();
}

// ---- records ------------------------------------------------------------------------

RecordPublisher::RecordPublisher(KafkaProducer& producer, TopicNames topics, std::string run_id)
    : producer_(producer), topics_(std::move(topics)), run_id_(std::move(run_id)) {}

void RecordPublisher::write(const Record& r) {
  const std::string* topic = nullptr;
  if (r.is_window())
    topic = &topics_.liquidity;
  else if (r.doc_type == "decision" || r.doc_type == "order" || r.doc_type == "score")
    topic = &topics_.trades;
  if (!topic || topic->empty()) return;
  producer_.produce(*topic, r.symbol, to_contract_json(r, run_id_));
  ++published_;
}

}  // namespace rtcrypto::kafka
