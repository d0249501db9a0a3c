#pragma once
// The simulator's REST endpoints, without any networking: a request goes in (method, target,
// the three X-GEMINI headers, the caller's address), a status and a JSON body come out, shaped
// like Gemini's. Private calls are checked like Gemini checks them: HMAC-SHA384 signature,
// payload JSON and its `request` field, strictly increasing nonce per key, roles, and the
// per-minute rate limits.
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>

#include "rtcrypto/core/clock.hpp"
#include "rtcrypto/sim/matching_engine.hpp"
#include "rtcrypto/sim/sim_config.hpp"
#include "rtcrypto/sim/synthetic_market.hpp"

namespace rtcrypto::sim {

struct RestRequest {
  std::string method;  // "GET" / "POST"
  std::string target;  // path and query
  std::string api_key;
  std::string payload;
  std::string signature;
  bool has_api_key = false;
  bool has_payload = false;
  bool has_signature = false;
  std::string remote;  // caller address (public rate limit)
};

struct RestResponse {
  int status = 200;
  std::string body;
  std::string order_new_client_id;  // set for /v1/order/new (fault bookkeeping)
};

// {"result":"error","reason":...,"message":...}
std::string error_body(std::string_view reason, std::string_view message);

class RestApi {
 public:
  RestApi(MatchingEngine& engine, const SyntheticMarket* market, const SimConfig& config,
          const Clock& market_clock, const Clock& wall_clock);

  RestResponse handle(const RestRequest& request);

  // Counts for /sim/stats (requests, statuses, orders by client_order_id, rejects...).
  std::string stats_json(std::string_view extra_fields_json = {}) const;
  void count_status(int status) { ++statuses_[status]; }

 private:
  struct Key {
    AccountSpec spec;
    bool has_nonce = false;
    std::int64_t first_nonce = 0;  // the first accepted (tests: nonces across restarts)
    std::int64_t last_nonce = 0;
    std::uint64_t nonces_accepted = 0;
  };
  RestResponse handle_public(std::string_view path, std::string_view query);
  RestResponse handle_private(const RestRequest& req, std::string_view path);
  bool rate_limited(const std::string& bucket, int per_minute);

  MatchingEngine& engine_;
  const SyntheticMarket* market_;
  const SimConfig& config_;
  const Clock& market_clock_;
  const Clock& wall_clock_;
  std::unordered_map<std::string, Key> keys_;
  std::unordered_map<std::string, std::deque<TimeNs>> windows_;
  std::map<std::string, std::uint64_t> requests_;
  std::map<int, std::uint64_t> statuses_;
  std::map<std::string, std::uint64_t> rejects_;
};

}  // namespace rtcrypto::sim
