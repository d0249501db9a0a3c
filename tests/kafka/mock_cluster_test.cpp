// The modern-broker path against librdkafka's mock cluster (test.mock.num.brokers=1):
// idempotent producer, run-id headers, publish -> consume round trip, offset commits, and
// the overflow policies with a broker that is away.
#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <librdkafka/rdkafkacpp.h>

#include <chrono>
#include <random>
#include <thread>

#include "recording_sink.hpp"
#include "rtcrypto/kafka/feed_consumer.hpp"
#include "rtcrypto/kafka/kafka_producer.hpp"
#include "rtcrypto/kafka/publishers.hpp"
#include "test_support.hpp"

namespace rtcrypto::kafka {
namespace {

using namespace std::chrono_literals;

// A mock cluster owned by a bare handle created with test.mock.num.brokers=1.
class MockCluster {
 public:
  MockCluster() {
    char err[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "test.mock.num.brokers", "1", err, sizeof err);
    rd_kafka_conf_set(conf, "log_level", "0", err, sizeof err);
    rk_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    if (!rk_) throw std::runtime_error(err);
    mc_ = rd_kafka_handle_mock_cluster(rk_);
    bootstraps_ = rd_kafka_mock_cluster_bootstraps(mc_);
  }
  ~MockCluster() { rd_kafka_destroy(rk_); }
  const std::string& bootstraps() const { return bootstraps_; }
  void create_topic(const std::string& t, int partitions = 1) {
    rd_kafka_mock_topic_create(mc_, t.c_str(), partitions, 1);
  }

 private:
  rd_kafka_t* rk_;
  rd_kafka_mock_cluster_t* mc_;
  std::string bootstraps_;
};

std::string unique(const std::string& base) {
  std::random_device rd;
  return base + "-" + std::to_string(rd());
}

LevelChange change(const char* price, bool snapshot, TimeNs ts) {
  LevelChange c;
  c.symbol = "BTCUSD";
  c.side = Side::Bid;
  c.price = *Decimal::parse(price);
  c.remaining = *Decimal::parse("0.5");
  c.delta = *Decimal::parse("-0.25");
  c.has_delta = !snapshot;
  c.reason = snapshot ? ChangeReason::Snapshot : ChangeReason::Cancel;
  c.snapshot = snapshot;
  c.ts = ts;
  c.seq = snapshot ? -1 : ts;
  return c;
}

struct Read {
  std::string key, payload, run_id_header;
};

// Reads every message of partition 0 with a plain consumer (for headers and payloads).
// Copies them out: a message keeps its consumer alive, so none may outlive it.
std::vector<Read> read_all(const std::string& brokers, const std::string& topic, std::size_t want) {
  std::string err;
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  conf->set("bootstrap.servers", brokers, err);
  conf->set("group.id", unique("reader"), err);
  if (std::getenv("KDEBUG")) conf->set("debug", std::getenv("KDEBUG"), err);
  std::unique_ptr<RdKafka::KafkaConsumer> c(RdKafka::KafkaConsumer::create(conf.get(), err));
  std::unique_ptr<RdKafka::TopicPartition> tp(
      RdKafka::TopicPartition::create(topic, 0, RdKafka::Topic::OFFSET_BEGINNING));
  std::vector<RdKafka::TopicPartition*> parts{tp.get()};
  c->assign(parts);
  std::vector<Read> out;
  auto deadline = std::chrono::steady_clock::now() + 15s;
  while (out.size() < want && std::chrono::steady_clock::now() < deadline) {
    std::unique_ptr<RdKafka::Message> m(c->consume(200));
    if (m->err() != RdKafka::ERR_NO_ERROR) continue;
    Read r;
    if (m->key()) r.key = *m->key();
    r.payload.assign(static_cast<const char*>(m->payload()), m->len());
    if (RdKafka::Headers* h = m->headers()) {
      RdKafka::Headers::Header run = h->get_last("rtcrypto-run-id");
      if (run.err() == RdKafka::ERR_NO_ERROR)
        r.run_id_header.assign(static_cast<const char*>(run.value()), run.value_size());
    }
    out.push_back(std::move(r));
  }
  c->close();
  return out;
}

TEST(MockCluster, IdempotentProducerWithRunIdHeadersRoundTripsTheFeed) {
  MockCluster mc;
  const std::string topic = unique("gemini-feed");
  mc.create_topic(topic);
  ProducerOptions po;
  po.brokers = mc.bootstraps();
  po.overflow = OverflowPolicy::DropOldest;
  po.headers = {{"rtcrypto-run-id", "run-test-1"}};
  ASSERT_EQ(default_producer_properties().at("enable.idempotence"), "true");
  KafkaProducer producer(po);

  test::RecordingSink direct;
  FeedPublisher pub(producer, topic, &direct);
  pub.on_snapshot_begin("BTCUSD", 100);
  pub.on_level(change("100.5", true, 100));
  pub.on_level(change("100.25", true, 100));
  pub.on_snapshot_end("BTCUSD", 100);
  pub.on_time(100);
  pub.frame_end(100);
  for (int i = 1; i <= 50; ++i) {
    pub.on_level(change("100.1", false, 100 + i));
    pub.on_time(100 + i);
    pub.frame_end(100 + i);
  }
  pub.on_gap("BTCUSD", 2'000'000'000, "new session");
  pub.frame_end(2'000'000'000);
  pub.finish();
  FlushResult fr = producer.flush(10s);
  ASSERT_TRUE(fr.complete);
  ProducerStats st = producer.stats();
  EXPECT_EQ(st.delivered, pub.published());
  EXPECT_EQ(st.failed, 0u);
  EXPECT_EQ(pub.levels_published(), 52u);

  // Headers carry the run id; payloads are the records.
  auto msgs = read_all(mc.bootstraps(), topic, pub.published());
  ASSERT_EQ(msgs.size(), pub.published());
  for (const auto& m : msgs) {
    EXPECT_EQ(m.run_id_header, "run-test-1");
    EXPECT_EQ(m.key, "BTCUSD");
  }
  EXPECT_EQ(msgs[0].payload, R"({"type":"snapshot_begin","symbol":"BTCUSD","ts":100})");

  // The consumer replays exactly what the engine saw, and commits what it delivered.
  test::RecordingSink replayed;
  std::vector<TimeNs> frames;
  ConsumerOptions co;
  co.brokers = mc.bootstraps();
  co.topic = topic;
  co.group = unique("group");
  co.properties = {{"session.timeout.ms", "6000"}, {"heartbeat.interval.ms", "500"}};
  if (std::getenv("KDEBUG")) co.properties["debug"] = std::getenv("KDEBUG");
  {
    FeedConsumer consumer(co, replayed, [&](TimeNs ts) { frames.push_back(ts); });
    auto deadline = std::chrono::steady_clock::now() + 20s;
    while (!consumer.at_end() && std::chrono::steady_clock::now() < deadline) consumer.poll(100ms);
    ASSERT_TRUE(consumer.at_end());
    EXPECT_EQ(consumer.stats().messages, pub.published());
    EXPECT_EQ(consumer.stats().bad, 0u);
    EXPECT_TRUE(consumer.commit());
    EXPECT_EQ(consumer.stats().commits, 1u);
  }
  EXPECT_EQ(replayed.calls, direct.calls);
  EXPECT_EQ(frames.size(), 52u);  // 51 frames + the gap's frame (finish() had nothing new)

  // The same group resumes after the committed offset: nothing is delivered twice.
  test::RecordingSink again;
  FeedConsumer consumer2(co, again, nullptr);
  auto deadline = std::chrono::steady_clock::now() + 20s;
  while (!consumer2.at_end() && std::chrono::steady_clock::now() < deadline) consumer2.poll(100ms);
  EXPECT_TRUE(consumer2.at_end());
  EXPECT_EQ(consumer2.stats().messages, 0u);
}

TEST(MockCluster, SpillKeepsWhatABrokerThatIsAwayCouldNotTakeAndSendsItNextTime) {
  rtcrypto::test::TempDir dir;
  std::string spill = (dir / "kafka.spill").string();
  const std::string topic = unique("liquidity");
  ProducerOptions po;
  po.brokers = "127.0.0.1:1";  // nobody listens there
  po.properties = {{"queue.buffering.max.messages", "5"}};
  po.backlog_messages = 10;
  po.spill_path = spill;
  {
    KafkaProducer p(po);
    for (int i = 0; i < 100; ++i)
      ASSERT_TRUE(p.produce(topic, "BTCUSD", "{\"n\":" + std::to_string(i) + "}"));
    ProducerStats st = p.stats();
    EXPECT_EQ(st.produced, 100u);
    EXPECT_EQ(st.queue_full, 1u);  // the first refusal; after it everything queues behind
    EXPECT_EQ(st.spilled, 85u);
    EXPECT_EQ(st.backlog, 95u);
    FlushResult fr = p.flush(300ms);
    EXPECT_FALSE(fr.complete);
    EXPECT_EQ(fr.undelivered, 100u);
    EXPECT_EQ(fr.kept_on_disk, 100u);
  }
  ASSERT_TRUE(std::filesystem::exists(spill));

  MockCluster mc;
  mc.create_topic(topic);
  po.brokers = mc.bootstraps();
  po.properties.clear();
  {
    KafkaProducer p(po);
    EXPECT_EQ(p.stats().backlog, 100u);
    ASSERT_TRUE(p.flush(10s).complete);
    EXPECT_EQ(p.stats().delivered, 100u);
  }
  EXPECT_FALSE(std::filesystem::exists(spill));
  auto msgs = read_all(mc.bootstraps(), topic, 100);
  ASSERT_EQ(msgs.size(), 100u);
  // The five that were inside librdkafka were taken back first (purged), then the rest:
  // every message is there exactly once.
  std::set<std::string> seen;
  for (auto& m : msgs) seen.insert(m.payload);
  EXPECT_EQ(seen.size(), 100u);
}

TEST(MockCluster, DropOldestCountsWhatItDrops) {
  ProducerOptions po;
  po.brokers = "127.0.0.1:1";
  po.properties = {{"queue.buffering.max.messages", "5"}};
  po.backlog_messages = 10;
  po.overflow = OverflowPolicy::DropOldest;
  KafkaProducer p(po);
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(p.produce("t", "k", "x"));
  ProducerStats st = p.stats();
  EXPECT_EQ(st.dropped, 85u);
  EXPECT_EQ(st.backlog, 10u);
  FlushResult fr = p.flush(200ms);
  EXPECT_FALSE(fr.complete);
  EXPECT_EQ(fr.undelivered, 15u);
  EXPECT_EQ(fr.kept_on_disk, 0u);
}

TEST(MockCluster, BadPropertyIsRejectedByName) {
  ProducerOptions po;
  po.brokers = "127.0.0.1:1";
  po.overflow = OverflowPolicy::DropOldest;
  po.properties = {{"no.such.property", "1"}};
  try {
    KafkaProducer p(po);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("no.such.property"), std::string::npos);
  }
}

}  // namespace
}  // namespace rtcrypto::kafka
