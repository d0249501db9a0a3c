#pragma once
// Gemini REST client (HTTPS, Beast) on the daemon's Asio io_context. Public calls go over
// one kept-alive connection, private (signed) calls over another; each is a lane that
// sends one request at a time, so nonces reach the exchange in order. Every attempt gets
// a fresh nonce and signature. Pacing: public 120/min, private 600/min (configurable).
// Retries: 429 → exponential backoff (bounded); 5xx/timeouts → retried for calls that
// are safe to repeat; for /v1/order/new they trigger a lookup by client_order_id instead,
// and the order is never sent again. Auth failures (InvalidSignature, MissingRole, …)
// are never retried. Callbacks run on the io_context thread; methods may be called from
// any thread.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "rtcrypto/bars/minute_bars.hpp"
#include "rtcrypto/exec/exchange.hpp"
#include "rtcrypto/net/gemini_auth.hpp"
#include "rtcrypto/net/gemini_json.hpp"
#include "rtcrypto/net/rest_error.hpp"

namespace boost::asio {
class io_context;
}

namespace rtcrypto::net {

struct RestConfig {
  std::string base_url = "https://api.gemini.com";
  std::string ca_file;  // extra CA to trust (the simulator's)
  TimeNs request_timeout = 10 * kNsPerSec;
  int max_attempts = 5;                     // per call, for transient failures
  TimeNs backoff_initial = 500 * kNsPerMs;  // doubled per attempt, with jitter
  TimeNs backoff_max = 30 * kNsPerSec;
  TimeNs rate_limit_backoff_min = kNsPerSec;   // floor for the pause after an HTTP 429
  TimeNs order_lookup_delay = 500 * kNsPerMs;  // pause before asking about an unclear order
  int order_lookup_attempts = 6;               // before the outcome is left Unknown
  int public_per_minute = 120, public_per_second = 2;
  int private_per_minute = 600, private_per_second = 10;
};

struct RestStats {
  std::uint64_t requests = 0;  // HTTP requests sent
  std::uint64_t retries = 0;   // attempts beyond the first
  std::uint64_t http_429 = 0;
  std::uint64_t server_errors = 0;  // 5xx
  std::uint64_t timeouts = 0;
  std::uint64_t network_errors = 0;
  std::uint64_t auth_failures = 0;
  std::uint64_t throttle_waits = 0;  // sends delayed by the client-side rate limit
  std::uint64_t order_lookups = 0;   // status queries after an unclear order/new
};

// Latency probe (benchmarks): called on the io thread just before the bytes of a signed
// /v1/order/new request are written to the socket — nonce, JSON body, signature and HTTP
// header built. `waited`: the call queued behind another request on the private lane.
using OrderWriteProbe = void (*)(void* context, const OrderRequest& request, bool waited);

class GeminiRestClient {
 public:
  template <class T>
  using Done = std::function<void(const RestStatus&, T)>;
  using DoneVoid = std::function<void(const RestStatus&)>;

  // `credentials` may be empty (public calls only). `nonces` defaults to an in-memory
  // source in the key's unit; pass one with persistence for a daemon.
  GeminiRestClient(boost::asio::io_context& io, RestConfig config,
                   std::optional<ApiCredentials> credentials = std::nullopt,
                   std::shared_ptr<NonceSource> nonces = nullptr);
  ~GeminiRestClient();
  GeminiRestClient(const GeminiRestClient&) = delete;
  GeminiRestClient& operator=(const GeminiRestClient&) = delete;

  // Public
  void symbol_details(const std::string& symbol, Done<SymbolRules> done);
  void pubticker(const std::string& symbol, Done<Ticker> done);
  void candles_1m(const std::string& symbol, Done<std::vector<MinuteBar>> done);
  // Private
  void balances(Done<std::vector<Balance>> done);
  // Outcome: Accepted (order known), Rejected (typed reason), or Unknown (still unclear
  // after the lookups; the caller must keep it in flight and ask again later).
  // Called on the io thread while the private lane is idle and connected (an order decided
  // in a frame handler), the request is signed and built and its write begun before this
  // returns; otherwise it queues on the lane like every private call.
  void new_order(const OrderRequest& request, Done<OrderOutcome> done);
  void order_status(const std::string& client_order_id, Done<Order> done);
  void order_status_by_id(const std::string& order_id, Done<Order> done);
  void cancel_order(const std::string& order_id, Done<Order> done);
  void cancel_session(Done<CancelSessionResult> done);
  void active_orders(Done<std::vector<Order>> done);
  // Trades at or after `since` (0 = the exchange's default window), newest first.
  void my_trades(const std::string& symbol, TimeNs since, Done<std::vector<MyTrade>> done);
  void heartbeat(DoneVoid done);
  void notional_volume(Done<FeeRates> done);

  // Generic signed call: `extra` is ",\"k\":v…" JSON appended to {request, nonce}.
  void private_call(const std::string& path, const std::string& extra, Done<std::string> done);

  RestStats stats() const;
  bool has_credentials() const;
  // Installs the latency probe (nullptr, the default, turns it off: one branch per request).
  // Call before the first order, on the io thread or before the loop runs.
  void set_order_write_probe(OrderWriteProbe probe, void* context);
  // Closes connections; pending callbacks are dropped.
  void stop();

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace rtcrypto::net
