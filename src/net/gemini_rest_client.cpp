#include "rtcrypto/net/gemini_rest_client.hpp"

#include <array>
#include <deque>
#include <mutex>
#include <random>
#include <span>

#include "asio.hpp"
#include "https_session.hpp"
#include "rtcrypto/core/log.hpp"
#include "rtcrypto/net/rate_limiter.hpp"

namespace rtcrypto::net {
namespace {

struct Reply {
  RestStatus status;
  std::string body;
  bool maybe_sent = true;  // false only when the request surely never left us
};

struct Lane {
  Lane(int per_min, int per_sec) : limiter(per_min, per_sec) {}
  struct Job {
    std::function<awaitable<void>()> run;
    bool waited = false;  // queued behind another request (for the latency probe)
  };
  std::unique_ptr<HttpsSession> session;
  SlidingRateLimiter limiter;
  std::deque<Job> jobs;
  bool running = false;
  bool current_waited = false;  // of the job being run
};

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool all_digits(const std::string& s) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

}  // namespace

struct GeminiRestClient::Impl : std::enable_shared_from_this<Impl> {
  Impl(asio::io_context& io_, RestConfig cfg_, std::optional<ApiCredentials> creds_,
       std::shared_ptr<NonceSource> nonces_)
      : io(io_),
        cfg(std::move(cfg_)),
        creds(std::move(creds_)),
        nonces(std::move(nonces_)),
        pub(cfg.public_per_minute, cfg.public_per_second),
        priv(cfg.private_per_minute, cfg.private_per_second),
        rng(std::random_device{}()) {
    auto u = parse_url(cfg.base_url);
    if (!u || u->scheme != "https") throw std::invalid_argument("bad REST URL: " + cfg.base_url);
    base = *u;
    target_prefix = base.path_prefix();
    order_new_target = target_prefix + "/v1/order/new";
    tls = make_client_tls_context(cfg.ca_file);
    pub.session = std::make_unique<HttpsSession>(io.get_executor(), tls, base);
    priv.session = std::make_unique<HttpsSession>(io.get_executor(), tls, base);
    if (creds && !nonces) nonces = std::make_shared<NonceSource>(creds->nonce_unit);
    if (creds) signer.emplace(creds->secret);
  }

  asio::io_context& io;
  RestConfig cfg;
  std::optional<ApiCredentials> creds;
  std::shared_ptr<NonceSource> nonces;
  std::optional<PayloadSigner> signer;  // keyed once with creds->secret
  Url base;
  std::string target_prefix;     // base.path_prefix(), built once
  std::string order_new_target;  // full_target("/v1/order/new"), built once
  std::shared_ptr<ssl::context> tls;
  Lane pub, priv;
  std::mt19937_64 rng;
  mutable std::mutex stats_mu;
  RestStats st;
  bool stopped = false;
  log::RateLimiter auth_log{3, 60 * kNsPerSec};
  // Set by the first InvalidSignature: the secret does not match the key, and no later
  // call can fix that, so private calls fail at once with it instead of being signed again.
  std::optional<RestStatus> signature_refused;
  OrderWriteProbe order_probe = nullptr;
  void* order_probe_context = nullptr;
  // send_order_now's payload and signature, reused (capacity kept) from order to order: the
  // lane writes one request at a time, and the head is built from them before it returns.
  std::string order_json;
  SignedPayload order_sig;

  // The probe's call for one order/new attempt (lives in the calling coroutine's frame).
  struct ProbeCall {
    Impl* impl;
    const OrderRequest* order;
    bool waited;
    static void fire(void* p) {
      auto* c = static_cast<ProbeCall*>(p);
      c->impl->order_probe(c->impl->order_probe_context, *c->order, c->waited);
    }
  };

  template <class F>
  void bump(F f) {
    std::lock_guard lock(stats_mu);
    f(st);
  }

  std::string full_target(const std::string& path) const { return target_prefix + path; }

  // On the io thread the job is queued at once (an order decided in a frame handler starts
  // before the next frame is read); from other threads it is posted there.
  void enqueue(Lane& lane, std::function<awaitable<void>()> job) {
    auto self = shared_from_this();
    auto push = [self, &lane, job = std::move(job)]() mutable {
      if (self->stopped) return;
      lane.jobs.push_back(Lane::Job{std::move(job), lane.running});
      if (!lane.running) {
        lane.running = true;
        asio::co_spawn(self->io, self->drain(lane), asio::detached);
      }
    };
    if (io.get_executor().running_in_this_thread()) {
      push();
    } else {
      asio::post(io, std::move(push));
    }
  }

  awaitable<void> drain(Lane& lane) {
    auto self = shared_from_this();
    while (!lane.jobs.empty() && !stopped) {
      auto job = std::move(lane.jobs.front().run);
      lane.current_waited = lane.jobs.front().waited;
      lane.jobs.pop_front();
      try {
        co_await job();
      } catch (const std::exception& e) {
        log::error(std::string("rest: request failed: ") + e.what());
      }
    }
    lane.running = false;
  }

  TimeNs backoff(int attempt, RestError e) {
    TimeNs b = cfg.backoff_initial;
    for (int i = 1; i < attempt && b < cfg.backoff_max; ++i) b *= 2;
    b = std::min(b, cfg.backoff_max);
    std::uniform_int_distribution<TimeNs> jitter(0, b / 4);
    b += jitter(rng);
    if (e == RestError::RateLimited) b = std::max(b, cfg.rate_limit_backoff_min);
    return b;
  }

  awaitable<Reply> send_once(Lane& lane, http::verb verb, std::string_view target,
                             std::span<const HttpHeader> headers, BeforeWrite before_write) {
    TimeNs wait = lane.limiter.delay(wall_now_ns());
    if (wait > 0) {
      bump([](RestStats& s) { ++s.throttle_waits; });
      co_await sleep_for(wait);
    }
    lane.limiter.record(wall_now_ns());
    bump([](RestStats& s) { ++s.requests; });
    HttpResult h =
        co_await lane.session->request(verb, target, headers, cfg.request_timeout, before_write);
    co_return classify(std::move(h));
  }

  // A request's HTTP result as the REST call sees it (counted in the stats).
  Reply classify(HttpResult h) {
    Reply r;
    r.maybe_sent = h.sent;
    switch (h.failure) {
      case HttpResult::Failure::Timeout:
        r.status.error = RestError::Timeout;
        r.status.message = h.error;
        bump([](RestStats& s) { ++s.timeouts; });
        return r;
      case HttpResult::Failure::Network:
        r.status.error = RestError::Network;
        r.status.message = h.error;
        bump([](RestStats& s) { ++s.network_errors; });
        return r;
      case HttpResult::Failure::Tls:
        r.status.error = RestError::Tls;
        r.status.message = h.error;
        return r;
      case HttpResult::Failure::None:
        break;
    }
    r.status.http_status = h.status;
    r.body = std::move(h.body);
    auto err = parse_error_body(r.body);
    if (h.status == 200 && !err) {
      r.status.error = RestError::Ok;
      return r;
    }
    if (err) {
      r.status.reason = err->reason;
      r.status.message = err->message;
    } else {
      r.status.message = r.body.substr(0, 200);
    }
    r.status.error = classify_rest_error(h.status, r.status.reason);
    if (h.status == 429) bump([](RestStats& s) { ++s.http_429; });
    if (h.status >= 500) bump([](RestStats& s) { ++s.server_errors; });
    return r;
  }

  void report_auth_failure(const RestStatus& s, const std::string& path) {
    bump([](RestStats& x) { ++x.auth_failures; });
    std::uint64_t suppressed = 0;
    if (auth_log.allow(suppressed)) {
      std::string hint = s.error == RestError::InvalidSignature
                             ? " — the API secret does not match the key (check GEMINI_API_SECRET)"
                         : s.error == RestError::MissingRole
                             ? " — the key lacks the role this call needs"
                             : " — check the API key";
      log::error("rest: " + path + " refused: " + s.describe() + hint + "; not retrying");
    }
  }

  // The signed headers of a private call; views into `sig` and `creds`.
  std::array<HttpHeader, 5> private_headers(const SignedPayload& sig) const {
    return {HttpHeader{"Content-Type", "text/plain"}, HttpHeader{"Cache-Control", "no-cache"},
            HttpHeader{"X-GEMINI-APIKEY", creds->key}, HttpHeader{"X-GEMINI-PAYLOAD", sig.payload},
            HttpHeader{"X-GEMINI-SIGNATURE", sig.signature}};
  }

  // Sends with retries. `build` makes the JSON payload for a nonce (private) or is empty
  // (public GET). `order_new`: an unclear failure is returned for lookup, never resent.
  // `first_write`: the first attempt was built and written already (send_order_now); this
  // is its write's outcome, and the call goes on with reading the response.
  // GCC 12 may destroy temporaries of a co_await full-expression twice: every coroutine
  // here takes its arguments by value from named locals, and awaits named awaitables.
  awaitable<Reply> call(bool is_private, std::string path, std::string extra,
                        std::shared_ptr<const OrderRequest> order,
                        std::optional<boost::system::error_code> first_write = std::nullopt) {
    const bool order_new = order != nullptr;
    Lane& lane = is_private ? priv : pub;
    if (is_private && !creds) {
      Reply r;
      r.status.error = RestError::NoCredentials;
      r.status.message = "no API key configured";
      r.maybe_sent = false;
      co_return r;
    }
    if (is_private && signature_refused) {
      Reply r;
      r.status = *signature_refused;
      r.status.attempts = 0;
      r.maybe_sent = false;
      co_return r;
    }
    int nonce_retries = 0;
    for (int attempt = 1;; ++attempt) {
      Reply r;
      if (attempt == 1 && first_write) {
        auto reading = lane.session->after_write(*first_write);
        HttpResult h = co_await std::move(reading);
        r = classify(std::move(h));
      } else {
        if (stopped) {
          r.status.error = RestError::Cancelled;
          co_return r;
        }
        // Views into `sig` and `creds`, both alive until the request is written.
        SignedPayload sig;
        std::array<HttpHeader, 5> header_block;
        std::span<const HttpHeader> headers;
        if (is_private) {
          const std::string& account = creds->account;
          std::string json = order ? order_new_payload(*order, nonces->next(), account)
                                   : private_payload(path, nonces->next(), extra, account);
          sig = signer->sign(json);
          header_block = private_headers(sig);
          headers = header_block;
        }
        const std::string target = full_target(path);
        ProbeCall probe{this, order.get(), lane.current_waited || attempt > 1};
        BeforeWrite before_write;
        if (order_probe && order) before_write = BeforeWrite{&ProbeCall::fire, &probe};
        auto sending = send_once(lane, is_private ? http::verb::post : http::verb::get, target,
                                 headers, before_write);
        r = co_await std::move(sending);
      }
      r.status.attempts = attempt;
      const RestError e = r.status.error;
      if (e == RestError::Ok) co_return r;
      if (is_auth_failure(e)) {
        report_auth_failure(r.status, path);
        if (e == RestError::InvalidSignature && is_private) signature_refused = r.status;
        co_return r;
      }
      bool retry = is_transient(e);
      if (order_new && r.maybe_sent && e != RestError::RateLimited && e != RestError::InvalidNonce)
        retry = false;  // may have reached the book: resolve by client_order_id instead
      if (e == RestError::InvalidNonce && ++nonce_retries > 1) retry = false;
      if (!retry || attempt >= cfg.max_attempts) co_return r;
      bump([](RestStats& s) { ++s.retries; });
      TimeNs pause = backoff(attempt, e);
      log::warn("rest: " + path + " " + r.status.describe() + "; retry " + std::to_string(attempt) +
                " in " + std::to_string(pause / kNsPerMs) + " ms");
      co_await sleep_for(pause);
    }
  }

  awaitable<Reply> call_public(const std::string& path) { return call(false, path, {}, nullptr); }

  awaitable<Reply> call_private(const std::string& path, const std::string& extra) {
    return call(true, path, extra, nullptr);
  }

  awaitable<OrderOutcome> place(std::shared_ptr<const OrderRequest> order_ptr,
                                RestStatus& status_out,
                                std::optional<boost::system::error_code> first_write) {
    OrderOutcome out;
    const OrderRequest& order = *order_ptr;
    auto sending = call(true, "/v1/order/new", std::string(), order_ptr, first_write);
    Reply r = co_await std::move(sending);
    status_out = r.status;
    if (r.status.ok()) {
      try {
        out.order = parse_order(r.body);
        out.kind = OutcomeKind::Accepted;
        co_return out;
      } catch (const std::exception& ex) {
        status_out.error = RestError::BadResponse;
        status_out.message = ex.what();
      }
    }
    const RestError e = status_out.error;
    // A TLS failure after the request was written (the peer cut the stream: "stream
    // truncated") is as unclear as a timeout: the exchange may have executed it.
    bool unclear = r.maybe_sent && (e == RestError::Timeout || e == RestError::Network ||
                                    e == RestError::ServerError || e == RestError::Maintenance ||
                                    e == RestError::BadResponse || e == RestError::Tls);
    if (!unclear) {
      out.kind = OutcomeKind::Rejected;
      out.reason = status_out.reason.empty() ? std::string(to_string(e)) : status_out.reason;
      out.message = status_out.message;
      out.order.client_order_id = order.client_order_id;
      co_return out;
    }
    out.kind = OutcomeKind::Unknown;
    out.reason = std::string(to_string(e));
    out.message = status_out.message;
    out.order.client_order_id = order.client_order_id;
    if (order.client_order_id.empty()) co_return out;
    bump([](RestStats& s) { ++s.order_lookups; });
    log::warn("rest: order/new " + order.client_order_id + " unclear (" + status_out.describe() +
              "); looking it up before anything is sent again");
    int not_found = 0;
    for (int i = 0; i < cfg.order_lookup_attempts && !stopped; ++i) {
      co_await sleep_for(cfg.order_lookup_delay * (i + 1));
      auto asking = call_private("/v1/order/status",
                                 ",\"client_order_id\":" + json_escape(order.client_order_id));
      Reply s = co_await std::move(asking);
      if (s.status.ok()) {
        try {
          out.order = parse_order(s.body);
          out.kind = OutcomeKind::Accepted;
          out.reason.clear();
          co_return out;
        } catch (const std::exception&) {
        }
      } else if (s.status.error == RestError::OrderNotFound) {
        // Twice not found, a while apart, after the request timed out: it never made it.
        if (++not_found >= 2) {
          out.kind = OutcomeKind::Rejected;
          out.reason = "NotPlaced";
          out.message = "order/new failed (" + status_out.describe() +
                        ") and the exchange does not know client_order_id " + order.client_order_id;
          co_return out;
        }
      } else if (is_auth_failure(s.status.error)) {
        break;
      }
    }
    co_return out;  // still Unknown: keep in flight
  }

  // One order/new on the private lane, answered through `done`.
  std::function<awaitable<void>()> order_job(std::shared_ptr<const OrderRequest> order,
                                             Done<OrderOutcome> done,
                                             std::optional<boost::system::error_code> first_write) {
    auto self = shared_from_this();
    return [self, order, done, first_write]() -> awaitable<void> {
      RestStatus status;
      auto placing = self->place(order, status, first_write);
      OrderOutcome out = co_await std::move(placing);
      if (done) done(status, std::move(out));
    };
  }

  // An order decided on the io thread while the private lane is idle, connected and within
  // its rate: nonce, payload, signature and request bytes are made here, and the write is
  // begun before returning (no event-loop hop before the bytes exist). The lane is taken at
  // once, so every later private call queues behind this order and gets a later nonce. The
  // response is read by the lane's usual coroutine, started when the write completes.
  // False (nothing taken, nothing sent) when those conditions do not hold.
  bool send_order_now(const OrderRequest& request, const Done<OrderOutcome>& done) {
    Lane& lane = priv;
    if (stopped || !creds || signature_refused || lane.running || !lane.jobs.empty()) return false;
    if (!io.get_executor().running_in_this_thread() || !lane.session->connected()) return false;
    const TimeNs now = wall_now_ns();
    if (lane.limiter.delay(now) > 0) return false;
    write_order_new_payload(order_json, request, nonces->next(), creds->account);
    signer->sign_into(order_json, order_sig);
    const std::array<HttpHeader, 5> headers = private_headers(order_sig);
    std::string error;
    // A bad header (a line break in the key): the queued path reports it.
    if (!lane.session->build(http::verb::post, order_new_target, headers, error)) return false;
    lane.limiter.record(now);
    bump([](RestStats& s) { ++s.requests; });
    lane.running = true;
    if (order_probe) order_probe(order_probe_context, request, false);
    auto self = shared_from_this();
    auto order = std::make_shared<const OrderRequest>(request);
    lane.session->start_write(
        cfg.request_timeout, [self, order, done](boost::system::error_code ec) {
          Lane& l = self->priv;
          l.jobs.push_front(Lane::Job{self->order_job(order, done, ec), false});
          asio::co_spawn(self->io, self->drain(l), asio::detached);
        });
    return true;
  }
};

GeminiRestClient::GeminiRestClient(boost::asio::io_context& io, RestConfig config,
                                   std::optional<ApiCredentials> credentials,
                                   std::shared_ptr<NonceSource> nonces)
    : impl_(std::make_shared<Impl>(io, std::move(config), std::move(credentials),
                                   std::move(nonces))) {}

GeminiRestClient::~GeminiRestClient() {
  stop();
}

void GeminiRestClient::stop() {
  auto impl = impl_;
  impl->stopped = true;
  asio::post(impl->io, [impl] {
    impl->pub.session->close();
    impl->priv.session->close();
  });
}

RestStats GeminiRestClient::stats() const {
  std::lock_guard lock(impl_->stats_mu);
  return impl_->st;
}

bool GeminiRestClient::has_credentials() const {
  return impl_->creds.has_value();
}

void GeminiRestClient::set_order_write_probe(OrderWriteProbe probe, void* context) {
  impl_->order_probe = probe;
  impl_->order_probe_context = context;
}

namespace {
// Runs `parse` on a successful body, turning parse failures into BadResponse.
template <class T, class P>
void finish(const Reply& r, const GeminiRestClient::Done<T>& done, P parse) {
  if (!done) return;
  if (!r.status.ok()) return done(r.status, T{});
  try {
    done(r.status, parse(r.body));
  } catch (const std::exception& e) {
    RestStatus s = r.status;
    s.error = RestError::BadResponse;
    s.message = e.what();
    done(s, T{});
  }
}
}  // namespace

void GeminiRestClient::symbol_details(const std::string& symbol, Done<SymbolRules> done) {
  auto impl = impl_;
  impl->enqueue(impl->pub, [impl, symbol, done]() -> awaitable<void> {
    auto pending = impl->call_public("/v1/symbols/details/" + lower(symbol));
    Reply r = co_await std::move(pending);
    finish<SymbolRules>(r, done, [](const std::string& b) { return parse_symbol_details(b); });
  });
}

void GeminiRestClient::pubticker(const std::string& symbol, Done<Ticker> done) {
  auto impl = impl_;
  impl->enqueue(impl->pub, [impl, symbol, done]() -> awaitable<void> {
    auto pending = impl->call_public("/v1/pubticker/" + lower(symbol));
    Reply r = co_await std::move(pending);
    finish<Ticker>(r, done, [&](const std::string& b) {
      return parse_pubticker(b, normalize_symbol(symbol));
    });
  });
}

void GeminiRestClient::candles_1m(const std::string& symbol, Done<std::vector<MinuteBar>> done) {
  auto impl = impl_;
  impl->enqueue(impl->pub, [impl, symbol, done]() -> awaitable<void> {
    auto pending = impl->call_public("/v2/candles/" + lower(symbol) + "/1m");
    Reply r = co_await std::move(pending);
    finish<std::vector<MinuteBar>>(r, done, [](const std::string& b) { return parse_candles(b); });
  });
}

void GeminiRestClient::balances(Done<std::vector<Balance>> done) {
  auto impl = impl_;
  impl->enqueue(impl->priv, [impl, done]() -> awaitable<void> {
    auto pending = impl->call_private("/v1/balances", "");
    Reply r = co_await std::move(pending);
    finish<std::vector<Balance>>(r, done, [](const std::string& b) { return parse_balances(b); });
  });
}

void GeminiRestClient::new_order(const OrderRequest& request, Done<OrderOutcome> done) {
  auto impl = impl_;
  if (impl->send_order_now(request, done)) return;
  impl->enqueue(impl->priv,
                impl->order_job(std::make_shared<const OrderRequest>(request), done, std::nullopt));
}

void GeminiRestClient::order_status(const std::string& client_order_id, Done<Order> done) {
  auto impl = impl_;
  impl->enqueue(impl->priv, [impl, client_order_id, done]() -> awaitable<void> {
    auto pending = impl->call_private("/v1/order/status",
                                      ",\"client_order_id\":" + json_escape(client_order_id));
    Reply r = co_await std::move(pending);
    finish<Order>(r, done, [](const std::string& b) { return parse_order(b); });
  });
}

namespace {
// order/status and order/cancel by exchange order id: the id must be digits (it is sent as a
// JSON number), then one private call whose answer is an order. The implementation pointer is
// deduced so the private Impl type need not be named here.
template <class ImplPtr>
void call_with_order_id(ImplPtr impl, const char* path, const std::string& order_id,
                        GeminiRestClient::Done<Order> done) {
  if (!all_digits(order_id)) {
    RestStatus s;
    s.error = RestError::BadRequest;
    s.message = "order_id must be digits: " + order_id;
    asio::post(impl->io, [done, s] {
      if (done) done(s, Order{});
    });
    return;
  }
  impl->enqueue(impl->priv, [impl, path, order_id, done]() -> awaitable<void> {
    auto pending = impl->call_private(path, ",\"order_id\":" + order_id);
    Reply r = co_await std::move(pending);
    finish<Order>(r, done, [](const std::string& b) { return parse_order(b); });
  });
}
}  // namespace

void GeminiRestClient::order_status_by_id(const std::string& order_id, Done<Order> done) {
  call_with_order_id(impl_, "/v1/order/status", order_id, std::move(done));
}

void GeminiRestClient::cancel_order(const std::string& order_id, Done<Order> done) {
  call_with_order_id(impl_, "/v1/order/cancel", order_id, std::move(done));
}

void GeminiRestClient::cancel_session(Done<CancelSessionResult> done) {
  auto impl = impl_;
  impl->enqueue(impl->priv, [impl, done]() -> awaitable<void> {
    auto pending = impl->call_private("/v1/order/cancel/session", "");
    Reply r = co_await std::move(pending);
    finish<CancelSessionResult>(r, done,
                                [](const std::string& b) { return parse_cancel_session(b); });
  });
}

void GeminiRestClient::active_orders(Done<std::vector<Order>> done) {
  auto impl = impl_;
  impl->enqueue(impl->priv, [impl, done]() -> awaitable<void> {
    auto pending = impl->call_private("/v1/orders", "");
    Reply r = co_await std::move(pending);
    finish<std::vector<Order>>(r, done, [](const std::string& b) { return parse_orders(b); });
  });
}

void GeminiRestClient::my_trades(const std::string& symbol, TimeNs since,
                                 Done<std::vector<MyTrade>> done) {
  auto impl = impl_;
  std::string extra = ",\"symbol\":" + json_escape(lower(symbol)) + ",\"limit_trades\":500";
  if (since > 0) extra += ",\"timestamp\":" + std::to_string(since / kNsPerMs);
  impl->enqueue(impl->priv, [impl, extra, done]() -> awaitable<void> {
    auto pending = impl->call_private("/v1/mytrades", extra);
    Reply r = co_await std::move(pending);
    finish<std::vector<MyTrade>>(r, done, [](const std::string& b) { return parse_my_trades(b); });
  });
}

void GeminiRestClient::heartbeat(DoneVoid done) {
  auto impl = impl_;
  impl->enqueue(impl->priv, [impl, done]() -> awaitable<void> {
    auto pending = impl->call_private("/v1/heartbeat", "");
    Reply r = co_await std::move(pending);
    if (done) done(r.status);
  });
}

void GeminiRestClient::notional_volume(Done<FeeRates> done) {
  auto impl = impl_;
  impl->enqueue(impl->priv, [impl, done]() -> awaitable<void> {
    auto pending = impl->call_private("/v1/notionalvolume", "");
    Reply r = co_await std::move(pending);
    finish<FeeRates>(r, done, [](const std::string& b) { return parse_notional_volume(b); });
  });
}

void GeminiRestClient::private_call(const std::string& path, const std::string& extra,
                                    Done<std::string> done) {
  auto impl = impl_;
  impl->enqueue(impl->priv, [impl, path, extra, done]() -> awaitable<void> {
    auto pending = impl->call_private(path, extra);
    Reply r = co_await std::move(pending);
    if (done) done(r.status, r.body);
  });
}

}  // namespace rtcrypto::net
