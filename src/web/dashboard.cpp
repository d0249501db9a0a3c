#include "rtcrypto/web/dashboard.hpp"

#include "rtcrypto/core/metrics.hpp"

namespace rtcrypto::web {

namespace {
std::uint64_t parse_id(const std::string& text) {
  std::uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return 0;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return v;
}
std::string sse_block(std::uint64_t id, std::string_view event, std::string_view json) {
  std::string out = "id: " + std::to_string(id) + "\nevent: ";
  out.append(event);
  out += "\ndata: ";
  out.append(json);
  out += "\n\n";
  return out;
}
}  // namespace

Dashboard::Dashboard(DashboardOptions options)
    : opt_(std::move(options)), server_(HttpServerOptions{opt_.bind, opt_.port}) {
  metrics::registry()
      .gauge("rtcrypto_build_info", "Build information", {{"version", opt_.version}})
      .set(1);
  server_.route("/", [](const HttpRequest&) {
    return HttpReply{200, "text/html; charset=utf-8", std::string(dashboard_page())};
  });
  server_.route("/history.js", [this](const HttpRequest&) {
    return HttpReply{200, "application/javascript; charset=utf-8", history_script()};
  });
  server_.route("/metrics", [](const HttpRequest&) {
    return HttpReply{200, "text/plain; version=0.0.4; charset=utf-8", metrics::registry().render()};
  });
  server_.route("/healthz", [this](const HttpRequest&) {
    std::function<HealthReport()> check;
    {
      std::lock_guard l(health_mu_);
      check = health_;
    }
    if (!check)
      return HttpReply{503, "text/plain; charset=utf-8", "starting: no health check yet\n"};
    HealthReport h;
    try {
      h = check();
    } catch (const std::exception& e) {
      h = {false, std::string("health check failed: ") + e.what()};
    }
    if (h.ok)
      return HttpReply{200, "text/plain; charset=utf-8",
                       "ok" + (h.reason.empty() ? "" : ": " + h.reason) + "\n"};
    return HttpReply{503, "text/plain; charset=utf-8",
                     (h.reason.empty() ? "unhealthy" : h.reason) + "\n"};
  });
  server_.sse("/events", [this](const HttpRequest& r) { return open(r); });
}

Dashboard::~Dashboard() {
  stop();
}

void Dashboard::start() {
  server_.start();
}
void Dashboard::stop() {
  server_.stop();
}

void Dashboard::set_health_check(std::function<HealthReport()> check) {
  std::lock_guard l(health_mu_);
  health_ = std::move(check);
}

void Dashboard::publish(const Record& record) {
  push("record", to_document_json(record, opt_.run_id));
}

void Dashboard::publish_status(const StatusFields& fields) {
  std::string json = "{";
  for (const auto& [k, v] : fields) {
    if (json.size() > 1) json += ',';
    append_json_string(json, k);
    json += ':';
    append_json_value(json, v);
  }
  json += '}';
  push("status", std::move(json));
}

void Dashboard::publish_status(std::string_view json_object) {
  std::string json(json_object);
  for (auto& c : json)
    if (c == '\n' || c == '\r') c = ' ';  // one SSE data line
  push("status", std::move(json));
}

void Dashboard::push(std::string_view event, std::string json) {
  std::string block;
  std::uint64_t id;
  {
    std::lock_guard l(mu_);
    id = next_id_++;
    block = sse_block(id, event, json);
    std::string item = "{\"id\":" + std::to_string(id) + ",\"e\":\"" + std::string(event) +
                       "\",\"d\":" + json + "}";
    if (event == "status") {
      last_status_ = std::move(item);
      last_status_id_ = id;
    } else {
      history_.emplace_back(id, block);
      history_json_.emplace_back(id, std::move(item));
      while (history_.size() > opt_.history) {
        history_.pop_front();
        history_json_.pop_front();
      }
    }
    // Posting under the lock keeps broadcast order equal to id order.
    server_.broadcast("/events", id, std::move(block));
  }
}

SseOpen Dashboard::open(const HttpRequest& req) {
  std::uint64_t after = parse_id(req.last_event_id);
  if (std::string a = query_param(req.query, "after"); !a.empty())
    after = std::max(after, parse_id(a));
  SseOpen out;
  std::lock_guard l(mu_);
  for (const auto& [id, block] : history_)
    if (id > after) out.initial += block;
  if (!last_status_.empty() && last_status_id_ > after) {
    // Re-send the latest status as a status event (its JSON is inside the history item).
    auto d = last_status_.find(",\"d\":");
    std::string json = last_status_.substr(d + 5, last_status_.size() - d - 6);
    out.initial += sse_block(last_status_id_, "status", json);
  }
  out.last_id = next_id_ - 1;
  return out;
}

std::string Dashboard::history_script() {
  std::string out = "window.RTC_HISTORY=[";
  std::lock_guard l(mu_);
  bool first = true;
  for (const auto& [id, item] : history_json_) {
    if (!first) out += ",\n";
    first = false;
    out += item;
  }
  if (!last_status_.empty()) {
    if (!first) out += ",\n";
    out += last_status_;
  }
  out += "];\nwindow.RTC_LAST_ID=" + std::to_string(next_id_ - 1) + ";\n";
  return out;
}

}  // namespace rtcrypto::web
