#pragma once
// The daemon's one Asio event loop for live sources and remote trading (private to the app
// part): the websocket client, the Gemini REST client and GeminiExchange all run on it, on
// the main thread. Built by setup_remote_exchange (sandbox/live) or by run_live_source.
#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>
#include <optional>

#include "rtcrypto/core/time.hpp"
#include "rtcrypto/net/gemini_exchange.hpp"
#include "rtcrypto/net/gemini_rest_client.hpp"

namespace rtcrypto::app {

struct LiveLoop {
  boost::asio::io_context io;
  std::shared_ptr<net::NonceSource> nonces;
  std::unique_ptr<net::GeminiRestClient> rest;  // sandbox / live only
  net::GeminiExchange* gemini = nullptr;        // owned by RunContext::remote
  std::optional<net::ReconcileReport> start_report;  // setup_remote_exchange's reconcile

  // Runs the loop in short slices until done() or `limit` has passed; true when done().
  bool run_until(const std::function<bool()>& done, TimeNs limit) {
    TimeNs end = wall_now_ns() + limit;
    while (!done() && wall_now_ns() < end) {
      io.run_for(std::chrono::milliseconds(20));
      if (io.stopped()) io.restart();
    }
    return done();
  }
};

}  // namespace rtcrypto::app
