// The sim over real loopback TLS: a Beast client that trusts only the sim's CA.
#include "rtcrypto/sim/sim_server.hpp"

#include <utility>  // before Asio (Boost 1.74)

#include <gtest/gtest.h>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <chrono>
#include <nlohmann/json.hpp>

#include "rtcrypto/sim/signature.hpp"
#include "test_support.hpp"

namespace rtcrypto::sim {
namespace {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;
using tcp = net::ip::tcp;
using nlohmann::json;
using Ws = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;

SimConfig test_config() {
  SimConfig c;
  c.seed = 7;
  c.speed = 60;
  c.history_minutes = 30;
  c.accounts.push_back(parse_account_spec("testkey:testsecret:USD=100000,BTC=10"));
  c.faults.rest_timeout_close_ms = 300;
  return c;
}

struct Client {
  explicit Client(const SimServer& sim) : ctx(ssl::context::tls_client) {
    ctx.add_certificate_authority(net::buffer(sim.ca_pem()));
    ctx.set_verify_mode(ssl::verify_peer);
    port = sim.port();
  }
  std::unique_ptr<Ws> websocket(const std::string& target) {
    auto ws = std::make_unique<Ws>(ioc, ctx);
    ws->next_layer().set_verify_callback(ssl::host_name_verification("127.0.0.1"));
    beast::get_lowest_layer(*ws).expires_after(std::chrono::seconds(5));
    beast::get_lowest_layer(*ws).connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
    ws->next_layer().handshake(ssl::stream_base::client);
    beast::get_lowest_layer(*ws).expires_never();
    websocket::stream_base::timeout t{};
    t.handshake_timeout = std::chrono::seconds(5);
    t.idle_timeout = std::chrono::seconds(5);  // bounds every read
    t.keep_alive_pings = false;
    ws->set_option(t);
    ws->handshake("127.0.0.1:" + std::to_string(port), target);
    return ws;
  }
  // One HTTPS request on a fresh connection; status -1 when no answer came.
  std::pair<int, std::string> request(
      http::verb verb, const std::string& target,
      const std::vector<std::pair<std::string, std::string>>& headers = {}, int timeout_ms = 3000) {
    beast::ssl_stream<beast::tcp_stream> s(ioc, ctx);
    s.set_verify_callback(ssl::host_name_verification("127.0.0.1"));
    beast::get_lowest_layer(s).expires_after(std::chrono::milliseconds(timeout_ms));
    beast::get_lowest_layer(s).connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
    s.handshake(ssl::stream_base::client);
    http::request<http::string_body> req{verb, target, 11};
    req.set(http::field::host, "127.0.0.1");
    for (const auto& [k, v] : headers) req.set(k, v);
    req.prepare_payload();
    http::write(s, req);
    beast::flat_buffer buf;
    http::response<http::string_body> res;
    beast::error_code ec;
    http::read(s, buf, res, ec);
    if (ec) return {-1, ec.message()};
    return {res.result_int(), res.body()};
  }
  std::pair<int, std::string> post(const std::string& path, json payload, std::int64_t nonce,
                                   int timeout_ms = 3000) {
    payload["request"] = path;
    payload["nonce"] = nonce;
    const std::string b64 = base64_encode(payload.dump());
    return request(http::verb::post, path,
                   {{"Content-Type", "text/plain"},
                    {"X-GEMINI-APIKEY", "testkey"},
                    {"X-GEMINI-PAYLOAD", b64},
                    {"X-GEMINI-SIGNATURE", hmac_sha384_hex("testsecret", b64)}},
                   timeout_ms);
  }
  net::io_context ioc;
  ssl::context ctx;
  std::uint16_t port = 0;
};

std::string read_text(Ws& ws) {
  beast::flat_buffer buf;
  ws.read(buf);
  return beast::buffers_to_string(buf.data());
}

TEST(SimServer, DepthSnapshotAndDiffsRebuildTheTrueBook) {
  SimServer sim(test_config());
  sim.start();
  Client client(sim);
  auto ws = client.websocket("/?snapshot=-1");
  ws->write(net::buffer(std::string(
      R"({"id":1,"method":"subscribe","params":["btcusd@depth@100ms","btcusd@trade"]})")));

  OrderBook book("BTCUSD");
  std::uint64_t last_u = 0;
  int snapshots = 0, diffs = 0, trades = 0, acks = 0, gaps = 0;
  auto apply = [&](const json& j) {
    for (const auto& [key, side] : {std::pair{"b", Side::Bid}, std::pair{"a", Side::Ask}}) {
      for (const auto& l : j[key]) {
        book.set_level(side, decimal_or_throw(l[0].get<std::string>()),
                       decimal_or_throw(l[1].get<std::string>()));
      }
    }
  };
  auto consume = [&](const std::string& text) {
    const json j = json::parse(text);
    if (j.contains("id")) {
      EXPECT_EQ(j, json::parse(R"({"id":1,"status":200})"));
      ++acks;
    } else if (j.value("e", "") == "depthUpdate") {
      EXPECT_EQ(j["s"], "btcusd");
      if (snapshots == 0) {
        EXPECT_EQ(j["U"], j["u"]);
        book.clear();
        ++snapshots;
      } else {
        if (j["U"].get<std::uint64_t>() != last_u) ++gaps;  // next U == previous u
        ++diffs;
      }
      apply(j);
      last_u = j["u"].get<std::uint64_t>();
    } else if (j.contains("t") && j.contains("m")) {
      ++trades;
    }
  };
  const auto t0 = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - t0 < std::chrono::milliseconds(1500)) {
    consume(read_text(*ws));
  }
  sim.set_flow_paused(true);
  const BookSnapshot truth = sim.true_book("BTCUSD");
  const auto t1 = std::chrono::steady_clock::now();
  while (last_u < truth.last_update_id &&
         std::chrono::steady_clock::now() - t1 < std::chrono::seconds(3)) {
    consume(read_text(*ws));
  }
  EXPECT_EQ(snapshots, 1);
  EXPECT_EQ(acks, 1);
  EXPECT_GT(diffs, 5);
  EXPECT_GT(trades, 0);
  EXPECT_EQ(gaps, 0);
  ASSERT_EQ(last_u, truth.last_update_id);
  ASSERT_GT(truth.book.depth(Side::Bid), 5u);
  for (Side side : {Side::Bid, Side::Ask}) {
    ASSERT_EQ(book.depth(side), truth.book.depth(side));
    for (std::size_t i = 0; i < book.depth(side); ++i) {
      EXPECT_EQ(book.level(side, i).price, truth.book.level(side, i).price);
      EXPECT_EQ(book.level(side, i).quantity, truth.book.level(side, i).quantity);
    }
  }
  EXPECT_FALSE(book.crossed());
  ws->close(websocket::close_code::normal);
  sim.stop();
}

TEST(SimServer, V1FeedCountsSocketSequenceAndSkipsAreGaps) {
  SimServer sim(test_config());
  sim.start();
  Client client(sim);
  auto ws = client.websocket("/v1/marketdata/BTCUSD?heartbeat=true");
  json first = json::parse(read_text(*ws));
  EXPECT_EQ(first["type"], "update");
  EXPECT_EQ(first["socket_sequence"], 0);
  ASSERT_FALSE(first["events"].empty());
  EXPECT_EQ(first["events"][0]["reason"], "initial");
  std::uint64_t seq = 0;
  for (int i = 0; i < 20; ++i) {
    json j = json::parse(read_text(*ws));
    EXPECT_EQ(j["socket_sequence"].get<std::uint64_t>(), ++seq);
  }
  ASSERT_TRUE(sim.inject("skip_sequence"));
  bool gap = false;
  for (int i = 0; i < 50 && !gap; ++i) {
    json j = json::parse(read_text(*ws));
    gap = j["socket_sequence"].get<std::uint64_t>() != ++seq;
  }
  EXPECT_TRUE(gap);
  sim.stop();
}

TEST(SimServer, RestOverTlsAndATimedOutOrderIsOneOrder) {
  SimServer sim(test_config());
  sim.start();
  Client client(sim);
  auto [status, body] = client.request(http::verb::get, "/v1/symbols/details/btcusd");
  EXPECT_EQ(status, 200);
  EXPECT_EQ(json::parse(body)["quote_increment"], 0.01);
  auto [cs, candles] = client.request(http::verb::get, "/v2/candles/btcusd/1m");
  ASSERT_EQ(cs, 200);
  const json c = json::parse(candles);
  ASSERT_GE(c.size(), 30u);
  EXPECT_GT(c[0][0].get<std::int64_t>(), c[1][0].get<std::int64_t>());  // newest first

  ASSERT_TRUE(sim.inject("order_new_timeout"));
  const json order = {{"client_order_id", "intent-1"},
                      {"symbol", "btcusd"},
                      {"amount", "0.01"},
                      {"price", "1000.00"},
                      {"side", "buy"},
                      {"type", "exchange limit"}};
  auto [ts, tbody] = client.post("/v1/order/new", order, 1000, 1500);
  EXPECT_EQ(ts, -1) << tbody;  // never answered
  auto [ss, sbody] = client.post("/v1/order/status", {{"client_order_id", "intent-1"}}, 1001);
  ASSERT_EQ(ss, 200) << sbody;
  EXPECT_EQ(json::parse(sbody)["is_live"], true);
  auto [bs, bbody] = client.post("/v1/balances", json::object(), 1001);
  EXPECT_EQ(bs, 400);
  EXPECT_EQ(json::parse(bbody)["reason"], "InvalidNonce");
  auto [st, stats] = client.request(http::verb::get, "/sim/stats");
  ASSERT_EQ(st, 200);
  const json s = json::parse(stats);
  EXPECT_EQ(s["orders_by_client_order_id"]["intent-1"], 1);
  EXPECT_EQ(s["rest_timeouts_injected"], 1);
  ASSERT_TRUE(sim.inject("http_429"));
  EXPECT_EQ(client.request(http::verb::get, "/v1/pubticker/btcusd").first, 429);
  EXPECT_EQ(client.request(http::verb::get, "/v1/pubticker/btcusd").first, 200);
  sim.stop();
}

TEST(SimServer, RefusesNonLoopbackAndWritesTheCa) {
  rtcrypto::test::TempDir dir;
  SimConfig c = test_config();
  c.listen_host = "0.0.0.0";
  EXPECT_THROW(SimServer(c).start(), std::invalid_argument);
  c.listen_host = "127.0.0.1";
  c.cert_dir = dir / "simcert";
  SimServer sim(c);
  sim.start();
  EXPECT_GT(sim.port(), 0);
  EXPECT_TRUE(std::filesystem::exists(dir / "simcert" / "ca.pem"));
  sim.stop();
}

}  // namespace
}  // namespace rtcrypto::sim
