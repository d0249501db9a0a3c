#include "rtcrypto/es/elasticsearch_sink.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "es/es_test_server.hpp"
#include "rtcrypto/es/http_client.hpp"
#include "test_support.hpp"

namespace rtcrypto::es {
namespace {

using namespace std::chrono_literals;
using test::FakeElasticsearch;

constexpr TimeNs kT0 = 1602770086000000000;  // 2020-10-15

Record ticker(int i) {
  Record r;
  r.doc_type = "ticker";
  r.symbol = "BTCUSD";
  r.ts = kT0 + static_cast<TimeNs>(i) * kNsPerSec;
  r.set("bid", Decimal::parse("11412.68").value())
      .set("ask", 11413.5 + i)
      .set("last", std::int64_t{i});
  return r;
}

ElasticsearchOptions options_for(const FakeElasticsearch& es, const std::string& run = "run-1") {
  ElasticsearchOptions o;
  o.url = es.url();
  o.run_id = run;
  o.batch_max_docs = 100;
  o.batch_max_age = 20ms;
  o.backoff_initial = 10ms;
  o.backoff_max = 100ms;
  o.connect_timeout = 500ms;
  o.request_timeout = 2000ms;
  o.flush_timeout = 5000ms;
  return o;
}

template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds limit = 10s) {
  auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return pred();
}

std::set<std::string> expected_ids(const std::string& run, int n) {
  std::set<std::string> out;
  for (int i = 0; i < n; ++i)
    out.insert(document_id(run, "ticker", "BTCUSD", kT0 + i * kNsPerSec, 0));
  return out;
}

// _count over HTTP, the way a user would check.
std::uint64_t http_count(const FakeElasticsearch& es, const std::string& index) {
  HttpClient c(parse_url(es.url()), {});
  auto refresh = c.request("POST", "/" + index + "/_refresh");
  EXPECT_EQ(refresh.status, 200);
  auto r = c.request("GET", "/" + index + "/_count");
  EXPECT_EQ(r.status, 200) << r.body;
  return nlohmann::json::parse(r.body).at("count").get<std::uint64_t>();
}

TEST(DocumentId, DeterministicAndDistinct) {
  auto a = document_id("r", "ticker", "BTCUSD", 1, 0);
  EXPECT_EQ(a, document_id("r", "ticker", "BTCUSD", 1, 0));
  EXPECT_EQ(a.size(), 40u);
  EXPECT_NE(a, document_id("r", "ticker", "BTCUSD", 1, 1));
  EXPECT_NE(a, document_id("r2", "ticker", "BTCUSD", 1, 0));
  EXPECT_NE(a, document_id("r", "order", "BTCUSD", 1, 0));
}

TEST(IndexName, FixedOrDaily) {
  EXPECT_EQ(index_name("gemini", false, kT0), "gemini");
  EXPECT_EQ(index_name("gemini", true, kT0), "gemini-2020.10.15");
}

TEST(IndexTemplate, BuiltinMatchesConfigFile) {
  std::filesystem::path file = std::filesystem::path(__FILE__).parent_path() /
                               "../../config/elasticsearch/gemini-template.json";
  ASSERT_TRUE(std::filesystem::exists(file)) << file;
  auto from_file = nlohmann::json::parse(index_template_json("gemini", file));
  auto builtin = nlohmann::json::parse(index_template_json("gemini"));
  EXPECT_EQ(from_file, builtin);
  auto props = builtin["template"]["mappings"]["properties"];
  EXPECT_EQ(props["timestamp"]["type"], "date");
  for (auto k : {"doc_type", "side", "symbol", "run_id"})
    EXPECT_EQ(props[k]["type"], "keyword") << k;
  for (auto k : {"price", "amount", "profit", "value", "bid", "ask"})
    EXPECT_EQ(props[k]["type"], "double") << k;
  // Decimal fields named per currency or symbol (reconcile documents) may arrive first as an
  // integral 0: they must still map as double, or later fractions would be cut off.
  std::map<std::string, std::string> by_name;
  for (const auto& t : builtin["template"]["mappings"]["dynamic_templates"])
    for (const auto& [name, body] : t.items())
      if (body.contains("match")) by_name[body["match"]] = body["mapping"]["type"];
  EXPECT_EQ(by_name["balance_*"], "double");
  EXPECT_EQ(by_name["*position_*"], "double");
  EXPECT_EQ(builtin["index_patterns"], nlohmann::json({"gemini", "gemini-*"}));
  EXPECT_EQ(nlohmann::json::parse(index_template_json("prod"))["index_patterns"],
            nlohmann::json({"prod", "prod-*"}));
}

TEST(ElasticsearchSink, RejectsBadOptions) {
  ElasticsearchOptions o;
  o.url = "ftp://x";
  EXPECT_THROW(ElasticsearchSink s(o), std::invalid_argument);
  o.url = "http://u:p@host:9200";
  EXPECT_THROW(ElasticsearchSink s(o), std::invalid_argument);
  o.url = "http://127.0.0.1:9";
  o.index = "Gemini";
  EXPECT_THROW(ElasticsearchSink s(o), std::invalid_argument);
}

TEST(ElasticsearchSink, HappyPathIndexesEveryDocumentWithTemplate) {
  FakeElasticsearch es;
  {
    ElasticsearchSink sink(options_for(es));
    for (int i = 0; i < 250; ++i) sink.write(ticker(i));
    sink.flush();
    auto st = sink.stats();
    EXPECT_EQ(st.written, 250u);
    EXPECT_EQ(st.indexed, 250u);
    EXPECT_EQ(st.item_errors, 0u);
    EXPECT_TRUE(sink.healthy());
  }
  EXPECT_EQ(http_count(es, "gemini"), 250u);
  EXPECT_EQ(es.ids("gemini"), expected_ids("run-1", 250));
  EXPECT_GE(es.bulk_requests(), 3u);  // batches of at most 100
  auto tpl = nlohmann::json::parse(es.index_template("rtcrypto-gemini"));
  EXPECT_EQ(tpl["index_patterns"], nlohmann::json({"gemini", "gemini-*"}));
  auto doc = es.source("gemini", document_id("run-1", "ticker", "BTCUSD", kT0 + 7 * kNsPerSec, 0));
  EXPECT_EQ(doc["doc_type"], "ticker");
  EXPECT_EQ(doc["timestamp"], "2020-10-15T13:54:53.000Z");
  EXPECT_EQ(doc["run_id"], "run-1");
  EXPECT_TRUE(doc["bid"].is_number());
  EXPECT_DOUBLE_EQ(doc["ask"].get<double>(), 11420.5);
}

TEST(ElasticsearchSink, SameTimestampGetsSequenceAndReplayNeverDoubles) {
  FakeElasticsearch es;
  for (int pass = 0; pass < 2; ++pass) {
    ElasticsearchSink sink(options_for(es));
    for (int i = 0; i < 3; ++i) sink.write(ticker(0));  // three documents, same key and ts
    for (int i = 1; i < 20; ++i) sink.write(ticker(i));
    sink.flush();
  }
  EXPECT_EQ(http_count(es, "gemini"), 22u);
  EXPECT_TRUE(es.ids().count(document_id("run-1", "ticker", "BTCUSD", kT0, 2)));
}

TEST(ElasticsearchSink, DailyIndexPattern) {
  FakeElasticsearch es;
  auto o = options_for(es);
  o.daily_index = true;
  {
    ElasticsearchSink sink(o);
    sink.write(ticker(0));
    sink.write(ticker(86400));
    sink.flush();
  }
  EXPECT_EQ(es.count("gemini-2020.10.15"), 1u);
  EXPECT_EQ(es.count("gemini-2020.10.16"), 1u);
  EXPECT_EQ(http_count(es, "gemini-*"), 2u);
}

TEST(ElasticsearchSink, Item429IsRetried) {
  FakeElasticsearch es;
  es.fail_next_items(429, 30);
  ElasticsearchSink sink(options_for(es));
  for (int i = 0; i < 100; ++i) sink.write(ticker(i));
  sink.flush();
  ASSERT_TRUE(eventually([&] { return es.count() == 100; }));
  auto st = sink.stats();
  EXPECT_GE(st.retries, 30u);
  EXPECT_EQ(st.item_errors, 0u);
  EXPECT_EQ(st.indexed, 100u);
  EXPECT_EQ(es.ids(), expected_ids("run-1", 100));
  EXPECT_EQ(es.item_attempts(), 130u);  // only the rejected items were sent again
}

TEST(ElasticsearchSink, WholeRequest429And503AreRetried) {
  FakeElasticsearch es;
  es.fail_next_requests(503, 1);
  es.fail_next_requests(429, 1);
  ElasticsearchSink sink(options_for(es));
  for (int i = 0; i < 50; ++i) sink.write(ticker(i));
  sink.flush();
  ASSERT_TRUE(eventually([&] { return es.count() == 50; }));
  EXPECT_GE(sink.stats().retries, 2u);
}

TEST(ElasticsearchSink, Item400IsReportedAndCountedNotRetried) {
  FakeElasticsearch es;
  std::string bad = document_id("run-1", "ticker", "BTCUSD", kT0 + 5 * kNsPerSec, 0);
  es.fail_id(bad, 400);
  ElasticsearchSink sink(options_for(es));
  for (int i = 0; i < 10; ++i) sink.write(ticker(i));
  sink.flush();
  auto st = sink.stats();
  EXPECT_EQ(st.item_errors, 1u);
  EXPECT_EQ(st.indexed, 9u);
  EXPECT_NE(st.last_error.find(bad), std::string::npos) << st.last_error;
  EXPECT_NE(st.last_error.find("400"), std::string::npos);
  EXPECT_EQ(es.count(), 9u);
  EXPECT_EQ(es.item_attempts(), 10u);
}

TEST(ElasticsearchSink, DownThenSpoolThenRecoveryExactlyOnceInOrder) {
  FakeElasticsearch es;
  test::TempDir dir;
  auto o = options_for(es);
  o.spool_dir = dir / "spool";
  o.spool_segment_bytes = 16 * 1024;  // several segments
  ElasticsearchSink sink(o);
  for (int i = 0; i < 40; ++i) sink.write(ticker(i));
  sink.flush();
  ASSERT_EQ(es.count(), 40u);

  es.set_down(true);
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 40; i < 400; ++i) sink.write(ticker(i));
  auto write_us =
      std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_LT(write_us / 360, 200.0) << "write() must not wait for the network";
  sink.flush();
  auto st = sink.stats();
  EXPECT_FALSE(sink.healthy());
  EXPECT_GT(st.spool_bytes, 0u);
  EXPECT_GE(st.spooled, 360u);
  EXPECT_EQ(st.dropped, 0u);

  es.set_down(false);
  for (int i = 400; i < 450; ++i) sink.write(ticker(i));  // newer ones wait behind the spool
  ASSERT_TRUE(eventually([&] { return es.count() == 450; })) << es.count();
  sink.flush();
  EXPECT_EQ(http_count(es, "gemini"), 450u);
  EXPECT_EQ(es.ids(), expected_ids("run-1", 450));
  auto order = es.arrival_order();
  ASSERT_EQ(order.size(), 450u);
  for (int i = 0; i < 450; ++i)
    ASSERT_EQ(order[i], document_id("run-1", "ticker", "BTCUSD", kT0 + i * kNsPerSec, 0)) << i;
  ASSERT_TRUE(eventually([&] { return sink.stats().spool_bytes == 0; }));
  EXPECT_TRUE(sink.healthy());
}

TEST(ElasticsearchSink, SpoolSurvivesRestartWhileDown) {
  FakeElasticsearch es;
  test::TempDir dir;
  auto o = options_for(es);
  o.spool_dir = dir / "spool";
  es.set_down(true);
  {
    ElasticsearchSink sink(o);
    for (int i = 0; i < 120; ++i) sink.write(ticker(i));
  }  // "crash" with ES down: everything is on disk
  es.set_down(false);
  {
    ElasticsearchSink sink(o);
    ASSERT_TRUE(eventually([&] { return es.count() == 120; }));
  }
  EXPECT_EQ(es.ids(), expected_ids("run-1", 120));
}

TEST(ElasticsearchSink, SpoolBoundDropsAndCounts) {
  FakeElasticsearch es;
  test::TempDir dir;
  auto o = options_for(es);
  o.spool_dir = dir / "spool";
  o.spool_max_bytes = 8 * 1024;
  es.set_down(true);
  ElasticsearchSink sink(o);
  for (int i = 0; i < 200; ++i) sink.write(ticker(i));
  sink.flush();
  auto st = sink.stats();
  EXPECT_GT(st.dropped, 0u);
  EXPECT_LE(st.spool_bytes, 8u * 1024);
  std::string why;
  EXPECT_FALSE(sink.healthy(&why));
  EXPECT_FALSE(why.empty());
}

TEST(ElasticsearchSink, SendsBasicAuthAndApiKey) {
  FakeElasticsearch es;
  es.require_authorization(basic_authorization("elastic", "s3cret"));
  auto o = options_for(es);
  o.username = "elastic";
  o.password = "s3cret";
  {
    ElasticsearchSink sink(o);
    sink.write(ticker(1));
    sink.flush();
    EXPECT_EQ(es.count(), 1u);
  }
  es.require_authorization("ApiKey abc==");
  o.username.clear();
  o.password.clear();
  o.api_key = "abc==";
  ElasticsearchSink sink(o);
  sink.write(ticker(2));
  sink.flush();
  EXPECT_EQ(es.count(), 2u);
}

TEST(HttpClient, Base64AndUrl) {
  EXPECT_EQ(base64_encode("elastic:changeme"), "ZWxhc3RpYzpjaGFuZ2VtZQ==");
  EXPECT_EQ(base64_encode("ab"), "YWI=");
  auto u = parse_url("https://es.example:9243/prefix/");
  EXPECT_TRUE(u.tls());
  EXPECT_EQ(u.port, 9243);
  EXPECT_EQ(u.path, "/prefix");
  EXPECT_EQ(parse_url("http://localhost").port, 80);
  EXPECT_THROW(parse_url("http://h:99999"), std::invalid_argument);
}

TEST(HttpClient, UnreachableThrows) {
  std::uint16_t port;
  {
    FakeElasticsearch es;
    port = es.port();
  }
  HttpClient c(parse_url("http://127.0.0.1:" + std::to_string(port)), {});
  EXPECT_THROW(c.request("GET", "/"), HttpUnreachable);
}

}  // namespace
}  // namespace rtcrypto::es
