#pragma once
// The Gemini-compatible exchange on loopback: TLS (self-signed CA made at start), REST (public
// and signed private endpoints), websocket market data (the current API at `/`, v1
// `/v1/marketdata/{symbol}`, v2 `/v2/marketdata`), a matching engine, seeded synthetic flow and
// fault injection, all on one Asio io_context running on the server's own thread.
//
//   SimServer sim(config);   // config.port = 0 picks a free port
//   sim.start();
//   ... wss://127.0.0.1:<sim.port()>/?snapshot=-1, https://127.0.0.1:<sim.port()>/v1/... ...
//   BookSnapshot truth = sim.true_book("BTCUSD");
//   sim.stop();
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "rtcrypto/book/order_book.hpp"
#include "rtcrypto/sim/matching_engine.hpp"
#include "rtcrypto/sim/sim_config.hpp"

namespace rtcrypto::sim {

struct BookSnapshot {
  OrderBook book;
  std::uint64_t last_update_id = 0;  // the `u` a client must have applied to hold this book
  TimeNs market_time = 0;
};

// One entry of the sim's journal: what it did and when (tests compare these times with what
// the client did). Kinds:
//   "rest"         every REST request (path, api_key, status; 0 = never answered);
//                  client_order_id from a private payload; note "429", "503", "timeout",
//                  "delayed" for injected faults
//   "ws_snapshot"  a depth snapshot sent (symbol, u, session)
//   "ws_skip"      a depth frame withheld from a socket (symbol, u, session)
//   "ws_gap_seen"  the first frame after a withheld one: from here the client can tell
//   "ws_cross"     a depth frame with a crossing bid (symbol, u, session)
struct SimEvent {
  TimeNs wall = 0;    // wall clock when it happened
  TimeNs market = 0;  // the sim's market time then (the `E` of frames sent at that moment)
  std::string kind;
  std::string symbol;
  std::uint64_t session = 0;  // websocket session number (1, 2, ... in accept order)
  std::uint64_t u = 0;
  std::string path;
  std::string api_key;
  std::string client_order_id;
  int status = 0;
  std::string note;
};

class SimServer {
 public:
  explicit SimServer(SimConfig config);
  ~SimServer();
  SimServer(const SimServer&) = delete;
  SimServer& operator=(const SimServer&) = delete;

  // Makes the certificates (writes ca.pem into cert_dir when set), binds, seeds the books and
  // starts the loop thread. Throws std::runtime_error (or std::invalid_argument for a
  // non-loopback address without allow_non_loopback).
  void start();
  // Stops the loop and joins the thread; idempotent.
  void stop();

  std::uint16_t port() const;
  std::string host() const;
  const std::string& ca_pem() const;
  std::filesystem::path ca_path() const;  // empty without cert_dir

  // The sim's true book for a symbol, taken on the loop (thread-safe).
  BookSnapshot true_book(const std::string& symbol);
  // The /sim/stats JSON (orders by client_order_id, HTTP statuses, websocket counts...).
  std::string stats_json();
  // Replaces the fault rates (tests: faults on for a while, then off so the end is clean).
  void set_faults(const FaultConfig& faults);
  // Freezes the synthetic flow (accounts' orders still trade); the market clock keeps running.
  void set_flow_paused(bool paused);
  // One-shot faults: "order_new_timeout", "http_429", "http_503", "skip_sequence",
  // "malformed", "cross_book", "drop_ws". Also reachable as GET /sim/inject?what=NAME&count=N.
  bool inject(std::string_view what, int count = 1);
  // The journal so far (thread-safe copy; at most the first 200,000 entries). Also GET
  // /sim/events.
  std::vector<SimEvent> events();
  // Runs `fn` on the loop with the engine (tests: place orders, read balances).
  void with_engine(const std::function<void(MatchingEngine&)>& fn);
  TimeNs market_now() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// "127.0.0.1:18443" -> host, port; "localhost" maps to 127.0.0.1. Throws std::invalid_argument.
std::pair<std::string, std::uint16_t> parse_listen(std::string_view text);
bool is_loopback_host(std::string_view host);

}  // namespace rtcrypto::sim
