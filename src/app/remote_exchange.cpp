// Sandbox and live trading: the Gemini REST client and GeminiExchange behind the engine.
// Credentials come from GEMINI_API_KEY / GEMINI_API_SECRET or --credentials (0600); the
// secret is only ever handed to the REST client (ApiCredentials::to_string redacts it).
#include <filesystem>

#include "live_loop.hpp"
#include "rtcrypto/app/commands.hpp"
#include "rtcrypto/app/run_context.hpp"
#include "rtcrypto/core/log.hpp"
#include "rtcrypto/net/credentials.hpp"
#include "rtcrypto/net/endpoints.hpp"

namespace rtcrypto::app {

namespace {

constexpr TimeNs kReconcileLimit = 60 * kNsPerSec;
constexpr TimeNs kShutdownLimit = 15 * kNsPerSec;

// The nonce high-water mark lives next to the store, one file per key, so that a restart
// never reuses a nonce even when the clock stepped back.
std::shared_ptr<net::NonceSource> make_nonces(const RunConfig& cfg,
                                              const net::ApiCredentials& creds) {
  if (cfg.store.empty()) return std::make_shared<net::NonceSource>(creds.nonce_unit);
  std::string key;
  for (char c : creds.key) key += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  std::string path = cfg.store + ".nonce-" + key;
  std::int64_t hw = net::load_nonce_high_water(path);
  return std::make_shared<net::NonceSource>(
      creds.nonce_unit, hw, [path](std::int64_t v) { net::save_nonce_high_water(path, v); });
}

std::string client_id_prefix(const RunConfig& cfg) {
  return cfg.run_id.rfind("run-", 0) == 0 ? std::string("run-") : cfg.run_id + "-";
}

}  // namespace

void setup_remote_exchange(RunContext& ctx) {
  const RunConfig& cfg = ctx.cfg;
  auto mode = net::parse_trading_mode(cfg.mode);
  auto feed = net::parse_feed_protocol(cfg.feed);
  if (!mode || *mode == net::TradingMode::Paper) throw UsageError("--mode: not a remote mode");
  if (!feed) throw UsageError("--feed: must be ws, v2 or v1 (got '" + cfg.feed + "')");
  const bool live = *mode == net::TradingMode::Live;
  if (live && !cfg.confirm_live)
    throw UsageError("--confirm-live: live mode trades real money: pass --confirm-live to start");

  std::optional<net::ApiCredentials> creds;
  try {
    creds = net::load_credentials(cfg.credentials);
  } catch (const net::CredentialsError& e) {
    throw UsageError(std::string("--credentials: ") + e.what());
  }
  if (!creds)
    throw UsageError("--credentials: mode " + cfg.mode +
                     " needs an API key (GEMINI_API_KEY/GEMINI_API_SECRET or --credentials FILE)");

  net::Endpoints ep = net::resolve_endpoints(*mode, *feed, cfg.ws_url, cfg.rest_url);
  if (live) {
    log::warn("LIVE MODE: REAL MONEY - orders go to " + ep.rest_url + " with key " +
              creds->to_string());
  } else {
    log::info("sandbox mode: orders go to " + ep.rest_url + " with " + creds->to_string());
  }

  if (!ctx.loop) ctx.loop = std::make_shared<LiveLoop>();
  LiveLoop& loop = *ctx.loop;
  net::RestConfig rc;
  rc.base_url = ep.rest_url;
  rc.ca_file = cfg.ca_file;
  loop.nonces = make_nonces(cfg, *creds);
  loop.rest = std::make_unique<net::GeminiRestClient>(loop.io, rc, std::move(creds), loop.nonces);
  creds.reset();

  net::GeminiExchangeConfig gc;
  for (const auto& s : cfg.symbols) gc.symbols.push_back(normalize_symbol(s));
  gc.client_id_prefix = client_id_prefix(cfg);
  auto ex = std::make_unique<net::GeminiExchange>(loop.io, *loop.rest, gc);
  loop.gemini = ex.get();

  // Rules, fees, balances and open orders before anything is sent.
  std::optional<net::ReconcileReport> rep;
  ex->reconcile([&rep](const net::ReconcileReport& r) { rep = r; });
  if (!loop.run_until([&] { return rep.has_value(); }, kReconcileLimit))
    throw RuntimeFailure("exchange " + ep.rest_url + " did not answer the start-up reconcile", 3);
  if (!rep->ok()) throw RuntimeFailure("reconcile with " + ep.rest_url + ": " + rep->errors[0], 3);
  std::string bal;
  for (const auto& b : rep->balances) {
    if (!bal.empty()) bal += ", ";
    bal += b.currency + "=" + b.amount.to_string();
  }
  log::info("reconciled with " + ep.rest_url + ": " + std::to_string(rep->symbols_with_rules) +
            " symbol(s) with rules, balances " + bal + ", " +
            std::to_string(rep->adopted_orders.size()) + " open order(s) of ours adopted, " +
            std::to_string(rep->foreign_open_orders) + " foreign open order(s), fees " +
            (rep->fees_known ? std::to_string(rep->fees.maker_bps) + "/" +
                                   std::to_string(rep->fees.taker_bps) + " bps maker/taker"
                             : std::string("unknown")));
  loop.start_report = rep;
  ctx.remote = std::move(ex);
}

void shutdown_remote_exchange(RunContext& ctx) {
  if (!ctx.loop || !ctx.loop->gemini) return;
  LiveLoop& loop = *ctx.loop;
  bool done = false;
  loop.gemini->shutdown([&done](const net::RestStatus& st, const net::CancelSessionResult& r) {
    done = true;
    if (!st.ok())
      log::warn("cancel of this session's orders failed: " + st.describe());
    else
      log::info("shutdown: " + std::to_string(r.cancelled.size()) + " resting order(s) cancelled");
  });
  if (!loop.run_until([&] { return done; }, kShutdownLimit))
    log::warn("shutdown: the exchange did not confirm the cancel of this session's orders");
  const auto st = loop.gemini->stats();
  log::info("exchange: " + std::to_string(st.placed) + " placed, " + std::to_string(st.accepted) +
            " accepted, " + std::to_string(st.rejected) + " rejected, " +
            std::to_string(st.unknown) + " unknown, " + std::to_string(st.fills) + " fill(s)");
  loop.gemini = nullptr;
}

}  // namespace rtcrypto::app
