#include "rtcrypto/net/market_data_client.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "net_test_util.hpp"
#include "rtcrypto/net/endpoints.hpp"
#include "test_support.hpp"
#include "tls_test_server.hpp"

namespace rtcrypto::net {
namespace {
using testing::run_until;
using testing::WsTestServer;

class MarketDataTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cert_ = testing::make_test_cert();
    std::ofstream(dir_ / "ca.pem") << cert_.cert_pem;
  }
  MarketDataConfig config(FeedProtocol p, const std::string& url) {
    MarketDataConfig c;
    c.protocol = p;
    c.url = url;
    c.symbols = {"BTCUSD", "ethusd"};
    c.ca_file = (dir_ / "ca.pem").string();
    c.backoff_initial = 40 * kNsPerMs;
    c.backoff_max = 2 * kNsPerSec;
    c.connect_timeout = 2 * kNsPerSec;
    return c;
  }
  test::TempDir dir_;
  testing::TestCert cert_;
  asio::io_context io_;
};

TEST_F(MarketDataTest, ReconnectsWithGrowingBackoffWhenTheServerDrops) {
  std::mutex mu;
  std::vector<TimeNs> accepted;
  std::vector<std::string> targets;
  WsTestServer server(cert_, [&](int i, const std::string& target) {
    std::lock_guard l(mu);
    accepted.push_back(wall_now_ns());
    targets.push_back(target);
    return WsTestServer::Script{{"{\"n\":" + std::to_string(i) + "}"}, true};
  });
  std::vector<std::string> frames;
  std::vector<std::uint64_t> sessions;
  int downs = 0;
  MarketDataClient client(
      io_, config(FeedProtocol::Ws, server.url()),
      [&](std::string_view f, TimeNs ts, const FrameSource& src) {
        EXPECT_GT(ts, 0);
        frames.emplace_back(f);
        sessions.push_back(src.session);
      },
      [&](const ConnectionEvent& e) { downs += e.state == ConnectionState::Disconnected; });
  client.start();
  ASSERT_TRUE(run_until(io_, [&] { return frames.size() >= 5; }));
  client.stop();
  run_until(
      io_, [] { return false; }, 50 * kNsPerMs);
  EXPECT_EQ(frames[0], "{\"n\":0}");
  EXPECT_EQ(frames[4], "{\"n\":4}");
  EXPECT_LT(sessions[0], sessions[4]);  // every reconnect is a new session
  EXPECT_GE(downs, 4);
  std::lock_guard l(mu);
  ASSERT_GE(accepted.size(), 5u);
  EXPECT_EQ(targets[0], "/?snapshot=-1");
  // Gaps grow: ~40, 80, 160, 320 ms (+ up to 25 % jitter).
  std::vector<TimeNs> gaps;
  for (std::size_t i = 1; i < 5; ++i) gaps.push_back(accepted[i] - accepted[i - 1]);
  EXPECT_GE(gaps[0], 35 * kNsPerMs);
  EXPECT_GE(gaps[3], 300 * kNsPerMs);
  EXPECT_GT(gaps[3], gaps[0] * 3);
  auto st = client.stats();
  EXPECT_GE(st.connects, 5u);
  EXPECT_GE(st.disconnects, 4u);
}

TEST_F(MarketDataTest, WsSubscribesPingsWhenIdleAndReportsRpcErrors) {
  WsTestServer server(cert_, [&](int, const std::string&) {
    return WsTestServer::Script{
        {R"({"id":1,"status":400,"error":{"code":-1013,"msg":"Invalid stream name"}})"}, false};
  });
  MarketDataConfig c = config(FeedProtocol::Ws, server.url());
  c.ping_interval = 100 * kNsPerMs;
  c.silence_timeout = 5 * kNsPerSec;
  int frames = 0;
  MarketDataClient client(io_, c, [&](std::string_view, TimeNs, const FrameSource&) { ++frames; });
  client.start();
  ASSERT_TRUE(run_until(io_, [&] { return server.received().size() >= 3; }));
  client.stop();
  run_until(
      io_, [] { return false; }, 50 * kNsPerMs);
  auto got = server.received();
  EXPECT_EQ(
      got[0],
      R"({"id":1,"method":"subscribe","params":["btcusd@depth@100ms","btcusd@trade","ethusd@depth@100ms","ethusd@trade"]})");
  EXPECT_EQ(got[1], R"({"id":2,"method":"ping"})");
  EXPECT_EQ(frames, 1);  // the error reply is still handed on (the recorder keeps it)
  EXPECT_EQ(client.stats().rpc_errors, 1u);
  EXPECT_GE(client.stats().pings_sent, 2u);
}

TEST_F(MarketDataTest, SilenceWatchdogReconnects) {
  WsTestServer server(cert_, [&](int, const std::string&) {
    return WsTestServer::Script{{}, false};
  });
  MarketDataConfig c = config(FeedProtocol::V2, server.url());
  c.silence_timeout = 150 * kNsPerMs;
  MarketDataClient client(io_, c, [](std::string_view, TimeNs, const FrameSource&) {});
  client.start();
  ASSERT_TRUE(run_until(io_, [&] { return client.stats().silence_timeouts >= 2; }));
  client.stop();
  run_until(
      io_, [] { return false; }, 50 * kNsPerMs);
  EXPECT_GE(server.connections(), 2);
  EXPECT_EQ(
      server.received().at(0),
      R"({"type":"subscribe","subscriptions":[{"name":"l2","symbols":["BTCUSD","ETHUSD"]}]})");
}

TEST_F(MarketDataTest, ResyncReconnectsOnlyThatSymbolAtOnce) {
  std::mutex mu;
  std::vector<std::string> targets;
  WsTestServer server(cert_, [&](int, const std::string& target) {
    std::lock_guard l(mu);
    targets.push_back(target);
    return WsTestServer::Script{{R"({"type":"heartbeat","socket_sequence":0})"}, false};
  });
  MarketDataConfig c = config(FeedProtocol::V1, server.url());
  c.backoff_initial = 5 * kNsPerSec;  // a resync must not wait for the backoff
  std::map<std::string, int> frames;
  MarketDataClient client(io_, c, [&](std::string_view, TimeNs, const FrameSource& s) {
    ++frames[std::string(s.symbol)];
  });
  client.start();
  ASSERT_TRUE(run_until(io_, [&] { return frames["BTCUSD"] == 1 && frames["ETHUSD"] == 1; }));
  run_until(
      io_, [] { return false; }, 1100 * kNsPerMs);  // resyncs of a young connection back off
  client.request_resync("btcusd", "socket_sequence gap");
  ASSERT_TRUE(run_until(
      io_, [&] { return frames["BTCUSD"] == 2; }, 2 * kNsPerSec));
  client.stop();
  run_until(
      io_, [] { return false; }, 50 * kNsPerMs);
  EXPECT_EQ(frames["ETHUSD"], 1);
  EXPECT_EQ(client.stats().resyncs, 1u);
  std::lock_guard l(mu);
  ASSERT_EQ(targets.size(), 3u);
  EXPECT_EQ(
      std::count(
          targets.begin(), targets.end(),
          "/v1/marketdata/BTCUSD?heartbeat=true&bids=true&offers=true&trades=true&auctions=false"),
      2);
}

TEST(Endpoints, DefaultsPerModeAndOverrides) {
  EXPECT_EQ(resolve_endpoints(TradingMode::Paper, FeedProtocol::Ws).ws_url, "wss://ws.gemini.com");
  EXPECT_EQ(resolve_endpoints(TradingMode::Live, FeedProtocol::V2).ws_url, "wss://api.gemini.com");
  auto sb = resolve_endpoints(TradingMode::Sandbox, FeedProtocol::Ws);
  EXPECT_EQ(sb.ws_url, "wss://ws.sandbox.gemini.com");
  EXPECT_EQ(sb.rest_url, "https://api.sandbox.gemini.com");
  EXPECT_EQ(resolve_endpoints(TradingMode::Sandbox, FeedProtocol::V1).ws_url,
            "wss://api.sandbox.gemini.com");
  auto o = resolve_endpoints(TradingMode::Sandbox, FeedProtocol::Ws, "wss://127.0.0.1:18443",
                             "https://127.0.0.1:18443");
  EXPECT_EQ(o.ws_url, "wss://127.0.0.1:18443");
  EXPECT_EQ(o.rest_url, "https://127.0.0.1:18443");
}

TEST(MarketDataClientConfig, BadUrlAndNoSymbolsAreRefused) {
  asio::io_context io;
  MarketDataConfig c;
  c.url = "https://example.com";
  c.symbols = {"BTCUSD"};
  EXPECT_THROW(MarketDataClient(io, c, nullptr), std::invalid_argument);
  c.url = "wss://example.com";
  c.symbols.clear();
  EXPECT_THROW(MarketDataClient(io, c, nullptr), std::invalid_argument);
}

}  // namespace
}  // namespace rtcrypto::net
