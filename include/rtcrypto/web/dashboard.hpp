#pragma once
// The daemon's web face on loopback: GET / (the live dashboard page, self-contained),
// GET /events (server-sent events: "record" and "status"), GET /history.js (what happened
// so far, so a fresh page draws at once), GET /metrics (Prometheus text from
// metrics::registry()) and GET /healthz (200 "ok", or 503 and the reason).
//
// publish() and publish_status() are thread-safe and never wait for a browser: they format
// the event, append it to a bounded history and post it to the server thread.
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rtcrypto/core/record.hpp"
#include "rtcrypto/web/http_server.hpp"

namespace rtcrypto::web {

struct HealthReport {
  bool ok = false;
  std::string reason;  // why not ok (one line), or a short "ok" note
};

struct DashboardOptions {
  std::string bind = "127.0.0.1";  // loopback by default; anything else is the user's choice
  std::uint16_t port = 8080;       // 0: any free port
  std::size_t history = 20000;     // events a new page receives
  std::string version = "dev";     // rtcrypto_build_info{version=...}
  std::string run_id;
};

// Status fields: {"connection","up"}, {"book","whole"}, {"risk","ok"}, {"kill_switch",false},
// {"band_low",0.1}, {"band_high",2.0}, {"starting_equity",1000} ... (any keys are shown).
using StatusFields = std::vector<std::pair<std::string, FieldValue>>;

class Dashboard {
 public:
  explicit Dashboard(DashboardOptions options);
  ~Dashboard();
  void start();  // throws std::runtime_error when the port is taken
  void stop();
  std::uint16_t port() const { return server_.port(); }

  // Called on the server thread for each /healthz; no callback means 503 "starting".
  void set_health_check(std::function<HealthReport()> check);

  void publish(const Record& record);
  void publish_status(const StatusFields& fields);
  void publish_status(std::string_view json_object);  // an already formatted JSON object

  std::size_t clients() const { return server_.sse_clients(); }

 private:
  void push(std::string_view event, std::string json);
  SseOpen open(const HttpRequest& req);
  std::string history_script();

  DashboardOptions opt_;
  HttpServer server_;
  std::mutex mu_;
  std::deque<std::pair<std::uint64_t, std::string>> history_;       // id, full SSE block
  std::deque<std::pair<std::uint64_t, std::string>> history_json_;  // id, {"e":..,"d":..}
  std::string last_status_;
  std::uint64_t last_status_id_ = 0;
  std::uint64_t next_id_ = 1;
  std::mutex health_mu_;
  std::function<HealthReport()> health_;
};

// The page served at "/" (HTML, CSS and JS in one string).
std::string_view dashboard_page();

}  // namespace rtcrypto::web
