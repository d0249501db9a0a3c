#include "rtcrypto/net/gemini_rest_client.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "net_test_util.hpp"
#include "rtcrypto/net/rate_limiter.hpp"
#include "test_support.hpp"
#include "tls_test_server.hpp"

namespace rtcrypto::net {
namespace {
using testing::b64decode;
using testing::run_until;
using namespace rtcrypto::literals;
using testing::HttpsTestServer;
using testing::TestReply;
using testing::TestRequest;

// A fake private endpoint: checks the signature like Gemini, hands the payload on.
struct FakeGemini {
  std::string secret = "testsecret";
  std::mutex mu;
  std::vector<nlohmann::json> payloads;  // every signed request, in arrival order
  std::function<TestReply(const nlohmann::json&, int count_for_path)> on_private;
  std::map<std::string, int> counts;

  TestReply handle(const TestRequest& r) {
    auto p = r.headers.find("X-GEMINI-PAYLOAD");
    if (p == r.headers.end())
      return {400, R"({"result":"error","reason":"MissingPayloadHeader","message":"x"})"};
    std::string sig = hmac_sha384_hex(SecretString(secret), p->second);
    if (sig != r.headers.at("X-GEMINI-SIGNATURE"))
      return {400,
              R"({"result":"error","reason":"InvalidSignature","message":"InvalidSignature"})"};
    auto j = nlohmann::json::parse(b64decode(p->second));
    int n;
    {
      std::lock_guard l(mu);
      payloads.push_back(j);
      n = ++counts[j["request"].get<std::string>()];
    }
    return on_private(j, n);
  }
  int count(const std::string& path) {
    std::lock_guard l(mu);
    return counts[path];
  }
};

const char* kOrderBody =
    R"({"order_id":"777","id":"777","symbol":"btcusd","exchange":"gemini","avg_execution_price":"100.5","side":"buy","type":"exchange limit","timestamp":"1700000000","timestampms":1700000000123,"is_live":false,"is_cancelled":true,"is_hidden":false,"was_forced":false,"executed_amount":"0.5","remaining_amount":"0.5","client_order_id":"cid-1","options":["immediate-or-cancel"],"price":"101.00","original_amount":"1","reason":"ImmediateOrCancelWouldPost"})";

class RestClientTest : public ::testing::Test {
 protected:
  void SetUp() override { cert_ = testing::make_test_cert(); }
  void start_server() {
    std::ofstream(dir_ / "ca.pem") << cert_.cert_pem;
    server_ = std::make_unique<HttpsTestServer>(cert_, [this](const TestRequest& r) {
      if (r.method == "GET") return public_handler(r);
      return fake_.handle(r);
    });
  }
  RestConfig config() {
    RestConfig c;
    c.base_url = server_->url();
    c.ca_file = (dir_ / "ca.pem").string();
    c.request_timeout = 2 * kNsPerSec;
    c.backoff_initial = 20 * kNsPerMs;
    c.backoff_max = 200 * kNsPerMs;
    c.rate_limit_backoff_min = 20 * kNsPerMs;
    c.order_lookup_delay = 20 * kNsPerMs;
    c.max_attempts = 4;
    c.private_per_second = 1000;
    c.public_per_second = 1000;
    return c;
  }
  ApiCredentials creds(std::string secret = "testsecret") {
    ApiCredentials c;
    c.key = "testkey";
    c.secret = SecretString(std::move(secret));
    return c;
  }
  OrderRequest order() {
    OrderRequest r;
    r.client_order_id = "cid-1";
    r.symbol = "BTCUSD";
    r.amount = "1"_d;
    r.price = "101"_d;
    return r;
  }

  std::function<TestReply(const TestRequest&)> public_handler = [](const TestRequest&) {
    return TestReply{404, R"({"result":"error","reason":"EndpointNotFound","message":"x"})"};
  };
  test::TempDir dir_;
  testing::TestCert cert_;
  FakeGemini fake_;
  std::unique_ptr<HttpsTestServer> server_;
  asio::io_context io_;
};

TEST_F(RestClientTest, PublicSymbolDetailsOverVerifiedTls) {
  public_handler = [](const TestRequest& r) {
    EXPECT_EQ(r.target, "/v1/symbols/details/btcusd");
    return TestReply{
        200,
        R"({"symbol":"BTCUSD","base_currency":"BTC","quote_currency":"USD","tick_size":1e-8,"quote_increment":0.01,"min_order_size":"0.00001","status":"open"})"};
  };
  start_server();
  GeminiRestClient client(io_, config());
  std::optional<SymbolRules> rules;
  client.symbol_details("BTCUSD", [&](const RestStatus& s, SymbolRules r) {
    EXPECT_TRUE(s.ok()) << s.describe();
    rules = r;
  });
  ASSERT_TRUE(run_until(io_, [&] { return rules.has_value(); }));
  EXPECT_EQ(rules->quote_increment, "0.01"_d);
  EXPECT_EQ(rules->tick_size, "0.00000001"_d);
}

TEST_F(RestClientTest, UntrustedCertificateIsATlsError) {
  start_server();
  RestConfig c = config();
  c.ca_file.clear();  // only the system store: the self-signed test cert is not trusted
  GeminiRestClient client(io_, c);
  std::optional<RestStatus> st;
  client.symbol_details("BTCUSD", [&](const RestStatus& s, SymbolRules) { st = s; });
  ASSERT_TRUE(run_until(io_, [&] { return st.has_value(); }));
  EXPECT_EQ(st->error, RestError::Tls) << st->describe();
}

TEST_F(RestClientTest, RetriesServerErrorsWithFreshNonceAndSignature) {
  fake_.on_private = [](const nlohmann::json&, int n) {
    if (n <= 2) return TestReply{500, R"({"result":"error","reason":"System","message":"boom"})"};
    return TestReply{
        200,
        R"([{"type":"exchange","currency":"USD","amount":"100","available":"90","availableForWithdrawal":"90"}])"};
  };
  start_server();
  GeminiRestClient client(io_, config(), creds());
  std::optional<std::vector<Balance>> got;
  RestStatus status;
  client.balances([&](const RestStatus& s, std::vector<Balance> b) {
    status = s;
    got = std::move(b);
  });
  ASSERT_TRUE(run_until(io_, [&] { return got.has_value(); }));
  ASSERT_TRUE(status.ok()) << status.describe();
  EXPECT_EQ(status.attempts, 3);
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ((*got)[0].available, "90"_d);
  ASSERT_EQ(fake_.payloads.size(), 3u);
  for (std::size_t i = 1; i < fake_.payloads.size(); ++i)
    EXPECT_GT(fake_.payloads[i]["nonce"].get<std::int64_t>(),
              fake_.payloads[i - 1]["nonce"].get<std::int64_t>());
  EXPECT_EQ(client.stats().retries, 2u);
}

TEST_F(RestClientTest, RateLimitedBacksOffABoundedNumberOfTimes) {
  fake_.on_private = [](const nlohmann::json&, int) {
    return TestReply{429,
                     R"({"result":"error","reason":"RateLimited","message":"Too Many Requests"})"};
  };
  start_server();
  GeminiRestClient client(io_, config(), creds());
  std::optional<RestStatus> st;
  TimeNs t0 = wall_now_ns();
  client.balances([&](const RestStatus& s, std::vector<Balance>) { st = s; });
  ASSERT_TRUE(run_until(io_, [&] { return st.has_value(); }));
  TimeNs took = wall_now_ns() - t0;
  EXPECT_EQ(st->error, RestError::RateLimited);
  EXPECT_EQ(fake_.count("/v1/balances"), 4);   // max_attempts, not a storm
  EXPECT_GE(took, (20 + 40 + 80) * kNsPerMs);  // exponential pauses between them
  EXPECT_EQ(client.stats().http_429, 4u);
}

TEST_F(RestClientTest, WrongSecretIsInvalidSignatureWithoutRetry) {
  fake_.on_private = [](const nlohmann::json&, int) { return TestReply{200, "[]"}; };
  start_server();
  GeminiRestClient client(io_, config(), creds("not-the-secret"));
  std::optional<RestStatus> st;
  std::optional<OrderOutcome> out;
  client.balances([&](const RestStatus& s, std::vector<Balance>) { st = s; });
  client.new_order(order(), [&](const RestStatus&, OrderOutcome o) { out = o; });
  ASSERT_TRUE(run_until(io_, [&] { return st.has_value() && out.has_value(); }));
  EXPECT_EQ(st->error, RestError::InvalidSignature);
  EXPECT_EQ(st->attempts, 1);
  EXPECT_EQ(out->kind, OutcomeKind::Rejected);
  EXPECT_EQ(out->reason, "InvalidSignature");
  // One request: no retry, and the refused secret signs nothing more (the order fails at once).
  EXPECT_EQ(client.stats().requests, 1u);
  EXPECT_EQ(client.stats().auth_failures, 1u);
}

TEST_F(RestClientTest, TimedOutOrderIsLookedUpNeverResent) {
  fake_.on_private = [](const nlohmann::json& j, int) {
    std::string path = j["request"];
    if (path == "/v1/order/new") {
      TestReply r{200, kOrderBody};
      r.delay = 1500 * kNsPerMs;  // the reply comes too late: the order is on the book though
      return r;
    }
    if (path == "/v1/order/status") {
      EXPECT_EQ(j["client_order_id"], "cid-1");
      return TestReply{200, kOrderBody};
    }
    return TestReply{404, "{}"};
  };
  start_server();
  RestConfig c = config();
  c.request_timeout = 300 * kNsPerMs;
  GeminiRestClient client(io_, c, creds());
  std::optional<OrderOutcome> out;
  client.new_order(order(), [&](const RestStatus&, OrderOutcome o) { out = o; });
  ASSERT_TRUE(run_until(io_, [&] { return out.has_value(); }));
  EXPECT_EQ(out->kind, OutcomeKind::Accepted);
  EXPECT_EQ(out->order.order_id, "777");
  EXPECT_EQ(out->order.executed_amount, "0.5"_d);
  EXPECT_EQ(fake_.count("/v1/order/new"), 1);
  EXPECT_GE(fake_.count("/v1/order/status"), 1);
  EXPECT_EQ(client.stats().order_lookups, 1u);
  EXPECT_EQ(client.stats().timeouts, 1u);
}

TEST_F(RestClientTest, ServerErrorOnOrderThatNeverLandedIsNotPlaced) {
  fake_.on_private = [](const nlohmann::json& j, int) {
    std::string path = j["request"];
    if (path == "/v1/order/new")
      return TestReply{503, R"({"result":"error","reason":"Maintenance","message":"down"})"};
    return TestReply{404,
                     R"({"result":"error","reason":"OrderNotFound","message":"no such order"})"};
  };
  start_server();
  GeminiRestClient client(io_, config(), creds());
  std::optional<OrderOutcome> out;
  client.new_order(order(), [&](const RestStatus&, OrderOutcome o) { out = o; });
  ASSERT_TRUE(run_until(io_, [&] { return out.has_value(); }));
  EXPECT_EQ(out->kind, OutcomeKind::Rejected);
  EXPECT_EQ(out->reason, "NotPlaced");
  EXPECT_EQ(fake_.count("/v1/order/new"), 1);
  EXPECT_EQ(fake_.count("/v1/order/status"), 2);
}

TEST_F(RestClientTest, TypedRejections) {
  fake_.on_private = [](const nlohmann::json& j, int) {
    if (j["request"] == "/v1/order/new")
      return TestReply{406,
                       R"({"result":"error","reason":"InsufficientFunds","message":"not enough"})"};
    return TestReply{403, R"({"result":"error","reason":"MissingRole","message":"need Trader"})"};
  };
  start_server();
  GeminiRestClient client(io_, config(), creds());
  std::optional<OrderOutcome> out;
  std::optional<RestStatus> cancel;
  client.new_order(order(), [&](const RestStatus&, OrderOutcome o) { out = o; });
  client.cancel_session([&](const RestStatus& s, CancelSessionResult) { cancel = s; });
  ASSERT_TRUE(run_until(io_, [&] { return out.has_value() && cancel.has_value(); }));
  EXPECT_EQ(out->kind, OutcomeKind::Rejected);
  EXPECT_EQ(out->reason, "InsufficientFunds");
  EXPECT_EQ(cancel->error, RestError::MissingRole);
  EXPECT_EQ(fake_.count("/v1/order/new"), 1);
}

// Counts the order/new writes the client reports, and which orders they were.
struct WriteProbe {
  int writes = 0;
  int waited = 0;
  std::vector<std::string> cids;
  static void on_write(void* p, const OrderRequest& r, bool waited) {
    auto* self = static_cast<WriteProbe*>(p);
    ++self->writes;
    self->waited += waited ? 1 : 0;
    self->cids.push_back(r.client_order_id);
  }
};

std::string kind_name(OutcomeKind k) {
  return k == OutcomeKind::Accepted   ? "accepted"
         : k == OutcomeKind::Rejected ? "rejected"
                                      : "unknown";
}

// Runs `f` on the io thread (as a frame handler would) and waits for it.
template <class F>
void on_io_thread(asio::io_context& io, F f) {
  bool done = false;
  asio::post(io, [&] {
    f();
    done = true;
  });
  ASSERT_TRUE(run_until(io, [&] { return done; }));
}

const char* kBalancesBody =
    R"([{"type":"exchange","currency":"USD","amount":"100","available":"90","availableForWithdrawal":"90"}])";

// Orders are accepted; every other private call answers the balances.
TestReply accept_orders(const nlohmann::json& j, int) {
  if (j["request"] == "/v1/order/new") return TestReply{200, kOrderBody};
  return TestReply{200, kBalancesBody};
}

// Connects the client's private lane (with a balances call) and waits for it.
bool connect_private_lane(asio::io_context& io, GeminiRestClient& client) {
  bool warm = false;
  client.balances([&](const RestStatus& s, std::vector<Balance>) { warm = s.ok(); });
  return run_until(io, [&] { return warm; });
}

TEST_F(RestClientTest, OrderOnAnIdleConnectedLaneIsBuiltAndWrittenInsideNewOrder) {
  fake_.on_private = accept_orders;
  start_server();
  GeminiRestClient client(io_, config(), creds());
  WriteProbe probe;
  client.set_order_write_probe(&WriteProbe::on_write, &probe);
  ASSERT_TRUE(connect_private_lane(io_, client));

  std::optional<OrderOutcome> out;
  int writes_on_return = -1;
  on_io_thread(io_, [&] {
    client.new_order(order(), [&](const RestStatus&, OrderOutcome o) { out = o; });
    writes_on_return = probe.writes;
  });
  EXPECT_EQ(writes_on_return, 1);  // the bytes were ready before new_order returned
  ASSERT_TRUE(run_until(io_, [&] { return out.has_value(); }));
  EXPECT_EQ(out->kind, OutcomeKind::Accepted);
  EXPECT_EQ(out->order.order_id, "777");
  EXPECT_EQ(probe.waited, 0);
  EXPECT_EQ(fake_.count("/v1/order/new"), 1);
  ASSERT_EQ(fake_.payloads.size(), 2u);
  EXPECT_EQ(fake_.payloads[1]["client_order_id"], "cid-1");
  EXPECT_GT(fake_.payloads[1]["nonce"].get<std::int64_t>(),
            fake_.payloads[0]["nonce"].get<std::int64_t>());
  EXPECT_EQ(client.stats().requests, 2u);
  EXPECT_EQ(server_->connections(), 1);  // the kept-alive connection carried both
}

TEST_F(RestClientTest, CallsAfterAnOrderWrittenInsideNewOrderQueueBehindItInNonceOrder) {
  fake_.on_private = accept_orders;
  start_server();
  GeminiRestClient client(io_, config(), creds());
  WriteProbe probe;
  client.set_order_write_probe(&WriteProbe::on_write, &probe);
  ASSERT_TRUE(connect_private_lane(io_, client));

  int answered = 0;
  std::vector<std::string> outcomes;
  OrderRequest second = order();
  second.client_order_id = "cid-2";
  int writes_on_return = -1;
  on_io_thread(io_, [&] {
    client.new_order(order(), [&](const RestStatus&, OrderOutcome o) {
      outcomes.push_back("1:" + kind_name(o.kind));
      ++answered;
    });
    client.balances([&](const RestStatus& s, std::vector<Balance>) {
      outcomes.push_back(s.ok() ? "balances" : "balances failed");
      ++answered;
    });
    client.new_order(second, [&](const RestStatus&, OrderOutcome o) {
      outcomes.push_back("2:" + kind_name(o.kind));
      ++answered;
    });
    writes_on_return = probe.writes;
  });
  EXPECT_EQ(writes_on_return, 1);  // only the first: the lane was busy for the others
  ASSERT_TRUE(run_until(io_, [&] { return answered == 3; }));
  EXPECT_EQ(outcomes, (std::vector<std::string>{"1:accepted", "balances", "2:accepted"}));
  EXPECT_EQ(probe.cids, (std::vector<std::string>{"cid-1", "cid-2"}));
  EXPECT_EQ(probe.waited, 1);  // the second order queued
  ASSERT_EQ(fake_.payloads.size(), 4u);
  EXPECT_EQ(fake_.payloads[1]["request"], "/v1/order/new");
  EXPECT_EQ(fake_.payloads[2]["request"], "/v1/balances");
  EXPECT_EQ(fake_.payloads[3]["client_order_id"], "cid-2");
  for (std::size_t i = 1; i < fake_.payloads.size(); ++i)
    EXPECT_GT(fake_.payloads[i]["nonce"].get<std::int64_t>(),
              fake_.payloads[i - 1]["nonce"].get<std::int64_t>());
}

TEST_F(RestClientTest, TimedOutOrderWrittenInsideNewOrderIsLookedUpNeverResent) {
  fake_.on_private = [](const nlohmann::json& j, int) {
    std::string path = j["request"];
    if (path == "/v1/order/new") {
      TestReply r{200, kOrderBody};
      r.delay = 1500 * kNsPerMs;  // too late: the order is on the book though
      return r;
    }
    if (path == "/v1/order/status") return TestReply{200, kOrderBody};
    return TestReply{200, kBalancesBody};
  };
  start_server();
  RestConfig c = config();
  c.request_timeout = 300 * kNsPerMs;
  GeminiRestClient client(io_, c, creds());
  WriteProbe probe;
  client.set_order_write_probe(&WriteProbe::on_write, &probe);
  ASSERT_TRUE(connect_private_lane(io_, client));

  std::optional<OrderOutcome> out;
  int writes_on_return = -1;
  on_io_thread(io_, [&] {
    client.new_order(order(), [&](const RestStatus&, OrderOutcome o) { out = o; });
    writes_on_return = probe.writes;
  });
  EXPECT_EQ(writes_on_return, 1);
  ASSERT_TRUE(run_until(io_, [&] { return out.has_value(); }));
  EXPECT_EQ(out->kind, OutcomeKind::Accepted);
  EXPECT_EQ(out->order.order_id, "777");
  EXPECT_EQ(fake_.count("/v1/order/new"), 1);
  EXPECT_GE(fake_.count("/v1/order/status"), 1);
  EXPECT_EQ(probe.writes, 1);
  EXPECT_EQ(client.stats().timeouts, 1u);
  EXPECT_EQ(client.stats().order_lookups, 1u);
}

TEST_F(RestClientTest, OrderOnTheIoThreadBeforeAnyConnectionConnectsFirst) {
  fake_.on_private = [](const nlohmann::json&, int) { return TestReply{200, kOrderBody}; };
  start_server();
  GeminiRestClient client(io_, config(), creds());
  WriteProbe probe;
  client.set_order_write_probe(&WriteProbe::on_write, &probe);
  std::optional<OrderOutcome> out;
  int writes_on_return = -1;
  on_io_thread(io_, [&] {
    client.new_order(order(), [&](const RestStatus&, OrderOutcome o) { out = o; });
    writes_on_return = probe.writes;
  });
  EXPECT_EQ(writes_on_return, 0);  // no connection yet: the lane's coroutine connects
  ASSERT_TRUE(run_until(io_, [&] { return out.has_value(); }));
  EXPECT_EQ(out->kind, OutcomeKind::Accepted);
  EXPECT_EQ(probe.writes, 1);
  EXPECT_EQ(probe.waited, 0);
  EXPECT_EQ(fake_.count("/v1/order/new"), 1);
}

TEST_F(RestClientTest, KeyWithALineBreakIsNeverSent) {
  fake_.on_private = [](const nlohmann::json&, int) { return TestReply{200, kOrderBody}; };
  start_server();
  ApiCredentials c = creds();
  c.key = "testkey\r\nX-Injected: 1";
  GeminiRestClient client(io_, config(), c);
  std::optional<OrderOutcome> out;
  client.new_order(order(), [&](const RestStatus&, OrderOutcome o) { out = o; });
  ASSERT_TRUE(run_until(io_, [&] { return out.has_value(); }));
  EXPECT_EQ(out->kind, OutcomeKind::Rejected);
  EXPECT_NE(out->message.find("line break"), std::string::npos) << out->message;
  EXPECT_EQ(server_->connections(), 0);
}

TEST_F(RestClientTest, PrivateCallWithoutKeyIsRefusedLocally) {
  start_server();
  GeminiRestClient client(io_, config());
  std::optional<RestStatus> st;
  client.heartbeat([&](const RestStatus& s) { st = s; });
  ASSERT_TRUE(run_until(io_, [&] { return st.has_value(); }));
  EXPECT_EQ(st->error, RestError::NoCredentials);
  EXPECT_EQ(server_->connections(), 0);
}

TEST(SlidingRateLimiter, PerMinuteAndPerSecond) {
  SlidingRateLimiter l(5, 2);
  TimeNs t = 1'000 * kNsPerSec;
  EXPECT_EQ(l.delay(t), 0);
  l.record(t);
  l.record(t);
  EXPECT_EQ(l.delay(t), kNsPerSec);  // third within the same second waits
  t += kNsPerSec;
  l.record(t);
  l.record(t);
  t += kNsPerSec;
  l.record(t);
  EXPECT_EQ(l.delay(t), 58 * kNsPerSec);  // five in the minute: the oldest must age out
  t += 58 * kNsPerSec;
  EXPECT_EQ(l.delay(t), 0);
}

}  // namespace
}  // namespace rtcrypto::net
