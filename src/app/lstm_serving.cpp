#include "rtcrypto/app/lstm_serving.hpp"

#include <map>

#include "live_loop.hpp"
#include "rtcrypto/core/log.hpp"
#include "rtcrypto/lstm_core/lstm_signal.hpp"
#include "rtcrypto/lstm_core/warm_up.hpp"
#include "rtcrypto/net/endpoints.hpp"
#include "rtcrypto/net/market_data_client.hpp"

namespace rtcrypto::app {
namespace {

constexpr TimeNs kCandleWait = 20 * kNsPerSec;

bool offline_source(const RunConfig& cfg) {
  return cfg.source.rfind("replay:", 0) == 0 || cfg.source.rfind("bars:", 0) == 0;
}

// The LSTM in front of the engine, saving the signal's completed bars to the store's state
// table whenever a minute completed (checked at each trade and decision; a write a minute).
class SavingLstmSignal final : public SignalSource {
 public:
  SavingLstmSignal(std::unique_ptr<SignalSource> inner, lstm::LstmSignal& lstm, SqliteStore& store,
                   std::string key_prefix)
      : inner_(std::move(inner)), lstm_(lstm), store_(store), prefix_(std::move(key_prefix)) {}

  std::optional<SignalValue> signal_at(std::string_view symbol, TimeNs t) override {
    auto v = inner_->signal_at(symbol, t);
    save_if_new(symbol);
    return v;
  }
  // A trade of a new minute completes the last one: saved at once, whatever the window.
  void on_trade(std::string_view symbol, TimeNs ts, double price, double qty) override {
    inner_->on_trade(symbol, ts, price, qty);
    save_if_new(symbol);
  }
  std::optional<NoSignalReason> why_no_signal(std::string_view symbol) const override {
    return inner_->why_no_signal(symbol);
  }
  std::string describe() const override { return inner_->describe(); }

  void save_if_new(std::string_view symbol) {
    const TimeNs minute = lstm_.last_bar_minute(symbol);
    auto it = saved_.find(symbol);
    if (minute == 0 || (it != saved_.end() && it->second == minute)) return;
    saved_[std::string(symbol)] = minute;
    try {
      store_.put_state(prefix_ + std::string(symbol), lstm::encode_bars(lstm_.recent_bars(symbol)));
    } catch (const std::exception& e) {
      if (!warned_)
        log::warn(std::string("lstm: cannot save the minute bars to the store: ") + e.what() +
                  " (a restart then warms up from candles only)");
      warned_ = true;
    }
  }

 private:
  std::unique_ptr<SignalSource> inner_;
  lstm::LstmSignal& lstm_;
  SqliteStore& store_;
  std::string prefix_;
  std::map<std::string, TimeNs, std::less<>> saved_;
  bool warned_ = false;
};

// GET /v2/candles/{symbol}/1m for every symbol on the daemon's loop (bounded wait); a symbol
// whose fetch failed is missing from the result, with a warning.
std::map<std::string, std::vector<MinuteBar>> fetch_candles(RunContext& ctx,
                                                            const std::vector<std::string>& syms) {
  std::map<std::string, std::vector<MinuteBar>> out;
  const RunConfig& cfg = ctx.cfg;
  auto mode = net::parse_trading_mode(cfg.mode);
  auto feed = net::parse_feed_protocol(cfg.feed);
  if (!mode || !feed) return out;
  const std::string url = net::resolve_endpoints(*mode, *feed, cfg.ws_url, cfg.rest_url).rest_url;
  if (!ctx.loop) ctx.loop = std::make_shared<LiveLoop>();
  net::RestConfig rc;
  rc.base_url = url;
  rc.ca_file = cfg.ca_file;
  rc.request_timeout = 5 * kNsPerSec;
  rc.max_attempts = 2;
  net::GeminiRestClient client(ctx.loop->io, rc);  // public calls only: no key
  std::size_t pending = syms.size();
  for (const auto& sym : syms) {
    client.candles_1m(
        sym, [&out, &pending, sym, url](const net::RestStatus& st, std::vector<MinuteBar> bars) {
          --pending;
          if (st.ok()) {
            out[sym] = std::move(bars);
          } else {
            log::warn("warm-up: minute candles for " + sym + " from " + url +
                      " failed: " + st.describe() + "; the signal warms up live");
          }
        });
  }
  if (!ctx.loop->run_until([&] { return pending == 0; }, kCandleWait))
    log::warn("warm-up: " + url + " did not answer for the minute candles within " +
              std::to_string(kCandleWait / kNsPerSec) + " s; the signal warms up live");
  client.stop();  // pending callbacks are dropped
  return out;
}

}  // namespace

void setup_lstm_serving(RunContext& ctx, TimeNs now) {
  const RunConfig& cfg = ctx.cfg;
  if (!ctx.signal || offline_source(cfg)) return;
  auto* sig = dynamic_cast<lstm::LstmSignal*>(ctx.signal.get());
  if (!sig) return;
  std::vector<std::string> symbols;
  for (const auto& s : cfg.symbols) symbols.push_back(normalize_symbol(s));
  std::map<std::string, std::vector<MinuteBar>> candles;
  if (cfg.source == "gemini") candles = fetch_candles(ctx, symbols);
  if (now == 0) now = wall_now_ns();  // after the fetch: its minute is the open one
  // Saved per mode: a paper run never warms up from what a sandbox run saw.
  const std::string prefix = cfg.mode + "/lstm_bars/";
  const int lookback = sig->model().sidecar.lookback;
  for (const auto& sym : symbols) {
    std::vector<MinuteBar> stored;
    if (ctx.store) {
      try {
        if (auto text = ctx.store->get_state(prefix + sym)) stored = lstm::decode_bars(*text);
      } catch (const std::exception& e) {
        log::warn("warm-up: the bars saved for " + sym + " in " + ctx.store->path().string() +
                  " are unusable (" + e.what() + "): ignored");
      }
    }
    auto it = candles.find(sym);
    lstm::WarmUpPlan plan = lstm::plan_warm_up(
        std::move(stored), it == candles.end() ? std::vector<MinuteBar>{} : it->second,
        now);  // every candle: ATR as in training
    sig->warm_up(sym, plan.bars, now);
    const int rows = sig->ready_rows(sym);
    std::string msg = "warm-up: " + std::to_string(plan.from_candles) + " bars from candles, " +
                      std::to_string(plan.from_store) + " from the store for " + sym;
    if (!plan.note.empty()) msg += " (" + plan.note + ")";
    if (rows >= lookback)
      msg += "; signal ready (" + std::to_string(rows) + " rows for a lookback of " +
             std::to_string(lookback) + ")";
    else
      msg += "; signal not ready (" + std::to_string(rows) + " of " + std::to_string(lookback) +
             " rows): it warms up live";
    log::info(msg);
  }
  if (ctx.store) {
    auto saving =
        std::make_unique<SavingLstmSignal>(std::move(ctx.signal), *sig, *ctx.store, prefix);
    for (const auto& sym : symbols) saving->save_if_new(sym);
    ctx.signal = std::move(saving);
  }
}

}  // namespace rtcrypto::app
