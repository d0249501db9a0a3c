// gemini-feed produce throughput against a real broker, in one run:
//   bench_kafka BROKERS [--passes N] [-X key=value ...]
// - replay: the shared v2 frames (every symbol) through parse -> FeedPublisher -> Engine,
//   N passes, timed until every message is acknowledged (flush);
// - bare:   a plain librdkafka producer sending the very same (topic, key, payload) list with
//   the same properties (RK_MSG_COPY, poll(0) when the queue is full), timed the same way.
// Each side runs twice (alternating) on fresh topics; the better of the two counts.
// bench/kafka_bench.sh starts the local 0.9 broker and passes its settings.
#include <librdkafka/rdkafkacpp.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "rtcrypto/core/log.hpp"
#include "rtcrypto/engine/engine.hpp"
#include "rtcrypto/feed/replay_driver.hpp"
#include "rtcrypto/feed/replay_reader.hpp"
#include "rtcrypto/kafka/kafka_producer.hpp"
#include "rtcrypto/kafka/publishers.hpp"

namespace {

using namespace rtcrypto;
using Clock = std::chrono::steady_clock;

std::filesystem::path shared_data() {
  if (const char* env = std::getenv("RTCRYPTO_SHARED_DATA"); env && *env) return env;
  return RTC_SHARED_DATA_DEFAULT;
}

struct Message {
  std::string key, payload;
};

std::vector<ReplayFrame> load_frames() {
  ReplayReader reader(shared_data() / "gemini/v2-marketdata-frames-with-recv-ts.tsv");
  std::vector<ReplayFrame> frames;
  ReplayFrame f;
  while (reader.next(f)) frames.push_back(f);
  return frames;
}

struct Result {
  std::uint64_t messages = 0;
  double seconds = 0;
  double rate() const { return seconds > 0 ? messages / seconds : 0; }
};

Result run_replay(const std::string& brokers, const std::map<std::string, std::string>& props,
                  const std::vector<ReplayFrame>& frames, int passes, const std::string& topic) {
  kafka::ProducerOptions po;
  po.brokers = brokers;
  po.properties = props;
  po.overflow = kafka::OverflowPolicy::DropOldest;
  po.backlog_messages = 1 << 20;
  po.name = "bench";
  kafka::KafkaProducer producer(po);
  EngineConfig ec;
  ec.window_length = 60 * kNsPerSec;
  Engine engine(ec, nullptr, nullptr);
  kafka::FeedPublisher pub(producer, topic, &engine);
  auto t0 = Clock::now();
  for (int p = 0; p < passes; ++p) {
    ReplayOptions opts;
    opts.on_frame_end = [&](TimeNs ts) {
      pub.frame_end(ts);
      engine.end_of_frame(ts);
    };
    ReplayDriver driver(pub, opts);
    for (const auto& f : frames) driver.process(f);
  }
  pub.finish();
  auto fr = producer.flush(std::chrono::seconds(120));
  double s = std::chrono::duration<double>(Clock::now() - t0).count();
  if (!fr.complete)
    std::fprintf(stderr, "replay: %llu undelivered\n", (unsigned long long)fr.undelivered);
  auto st = producer.stats();
  if (st.dropped) std::fprintf(stderr, "replay: %llu dropped\n", (unsigned long long)st.dropped);
  return {st.delivered, s};
}

Result run_bare(const std::string& brokers, const std::map<std::string, std::string>& props,
                const std::vector<Message>& msgs, const std::string& topic) {
  std::string err;
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  conf->set("bootstrap.servers", brokers, err);
  for (const auto& [k, v] : kafka::default_producer_properties()) conf->set(k, v, err);
  for (const auto& [k, v] : props) conf->set(k, v, err);
  std::unique_ptr<RdKafka::Producer> p(RdKafka::Producer::create(conf.get(), err));
  if (!p) {
    std::fprintf(stderr, "bare: %s\n", err.c_str());
    std::exit(1);
  }
  auto t0 = Clock::now();
  for (const auto& m : msgs) {
    for (;;) {
      auto e = p->produce(topic, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
                          const_cast<char*>(m.payload.data()), m.payload.size(), m.key.data(),
                          m.key.size(), 0, nullptr);
      if (e != RdKafka::ERR__QUEUE_FULL) break;
      p->poll(1);
    }
  }
  p->flush(120000);
  double s = std::chrono::duration<double>(Clock::now() - t0).count();
  return {msgs.size() - static_cast<std::uint64_t>(p->outq_len()), s};
}

}  // namespace

// A MarketEventSink that encodes exactly as FeedPublisher does, via a producer stub.
#include "rtcrypto/kafka/feed_codec.hpp"

namespace {
class Recorder final : public MarketEventSink {
 public:
  std::vector<Message>& out;
  std::string buf;
  explicit Recorder(std::vector<Message>& o) : out(o) {}
  void put(std::string_view sym) { out.push_back({std::string(sym), buf}); }
  void on_snapshot_begin(std::string_view s, TimeNs ts) override {
    buf.clear();
    kafka::encode_marker(buf, kafka::FeedRecordType::SnapshotBegin, s, ts);
    put(s);
  }
  void on_level(const LevelChange& c) override {
    buf.clear();
    kafka::encode_level(buf, c);
    put(c.symbol);
  }
  void on_snapshot_end(std::string_view s, TimeNs ts) override {
    buf.clear();
    kafka::encode_marker(buf, kafka::FeedRecordType::SnapshotEnd, s, ts);
    put(s);
  }
  void on_trade(const TradeEvent& t) override {
    buf.clear();
    kafka::encode_trade(buf, t);
    put(t.symbol);
  }
  void on_gap(std::string_view s, TimeNs ts, std::string_view why) override {
    buf.clear();
    kafka::encode_gap(buf, s, ts, why);
    put(s);
  }
};
}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_kafka BROKERS [--passes N] [-X key=value ...]\n");
    return 2;
  }
  std::string brokers = argv[1];
  int passes = 3;
  std::map<std::string, std::string> props;
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string a = argv[i], v = argv[i + 1];
    if (a == "--passes") {
      passes = std::atoi(v.c_str());
    } else if (a == "-X") {
      auto eq = v.find('=');
      props[v.substr(0, eq)] = v.substr(eq + 1);
    }
  }
  log::set_level(log::Level::Warn);
  auto frames = load_frames();
  // The bare producer's payloads: every event record (frame records aside, a few %).
  std::vector<Message> msgs;
  {
    Recorder rec(msgs);
    for (int p = 0; p < passes; ++p) {
      ReplayDriver driver(rec, {});
      for (const auto& f : frames) driver.process(f);
    }
  }
  std::random_device rd;
  std::string run = std::to_string(rd() % 1000000);
  Result best_replay, best_bare;
  for (int round = 0; round < 2; ++round) {
    Result b = run_bare(brokers, props, msgs, "bench-bare-" + run + "-" + std::to_string(round));
    Result r = run_replay(brokers, props, frames, passes,
                          "bench-replay-" + run + "-" + std::to_string(round));
    std::printf(
        "round %d: bare %llu msgs in %.3f s = %.0f msg/s; replay %llu msgs in %.3f s = %.0f "
        "msg/s\n",
        round, (unsigned long long)b.messages, b.seconds, b.rate(), (unsigned long long)r.messages,
        r.seconds, r.rate());
    if (b.rate() > best_bare.rate()) best_bare = b;
    if (r.rate() > best_replay.rate()) best_replay = r;
  }
  std::printf(
      "gemini-feed produce throughput: replay (parse + engine + publish) %.0f msg/s, bare "
      "librdkafka %.0f "
      "msg/s: %.0f %% of bare\n",
      best_replay.rate(), best_bare.rate(), 100.0 * best_replay.rate() / best_bare.rate());
  return 0;
}
