#include "rtcrypto/net/gemini_exchange.hpp"

#include <algorithm>
#include <set>
#include <unordered_set>

#include "asio.hpp"
#include "rtcrypto/core/log.hpp"

namespace rtcrypto::net {

struct GeminiExchange::State : std::enable_shared_from_this<State> {
  State(asio::io_context& io_, GeminiRestClient& rest_, GeminiExchangeConfig cfg_)
      : io(io_), rest(rest_), cfg(std::move(cfg_)), poll_timer(io_) {}

  asio::io_context& io;
  GeminiRestClient& rest;
  GeminiExchangeConfig cfg;
  std::map<std::string, SymbolRules> rules;
  std::vector<Balance> balances;
  std::map<std::string, Order> orders;  // by client_order_id (or "id:<order_id>")
  // The keys of `orders` (never erased), hashed: place()'s duplicate check is one lookup
  // instead of a walk down a tree that grows with every order.
  std::unordered_set<std::string> order_keys;
  // An order whose order/new outcome is unknown (timeout, 5xx, lookups failed): looked up
  // by client_order_id until the exchange answers, the pause doubling after each failure.
  struct Unresolved {
    std::string symbol;
    // What was asked: told to the order listener as a final, cancelled order if it turns
    // out never placed, so the journal and the engine stop holding it in flight.
    Order intent;
    int not_found = 0;   // lookups that found nothing
    int failures = 0;    // lookups that failed (no answer)
    TimeNs next_at = 0;  // wall clock of the next lookup
    bool asking = false;
  };
  // cid, symbol of new_order calls not answered: a few at most, so a vector that keeps
  // its capacity (no node allocated per order) searched from the end.
  struct Pending {
    std::string cid;
    std::string symbol;
  };
  std::vector<Pending> pending;
  std::map<std::string, Unresolved> unresolved;   // cid → lookup state
  std::map<std::string, Decimal> fills_reported;  // order_id → amount already reported
  std::map<std::string, int> fill_misses;         // order_id → polls without a matching trade
  std::set<std::string> fill_queries;             // order_ids with a mytrades call under way
  std::set<std::int64_t> seen_tids;
  FillListener on_fill;
  std::function<void(const Order&)> on_order;
  FeeRates fee_rates;
  bool fees_known = false;
  asio::steady_timer poll_timer;
  bool polling = false;
  bool stopped = false;
  TimeNs last_private = 0;
  GeminiExchangeStats st;

  bool find_pending(std::string_view cid) const {
    return std::any_of(pending.rbegin(), pending.rend(),
                       [&](const Pending& p) { return p.cid == cid; });
  }
  void erase_pending(std::string_view cid) {
    auto it = std::find_if(pending.begin(), pending.end(),
                           [&](const Pending& p) { return p.cid == cid; });
    if (it != pending.end()) pending.erase(it);  // keeps the others in placing order
  }

  static std::string key_of(const Order& o) {
    return o.client_order_id.empty() ? "id:" + o.order_id : o.client_order_id;
  }

  // `notify`: tell the order listener if this is news (first sight or a change).
  void track(const Order& o, bool notify = false) {
    if (o.order_id.empty()) return;
    auto it = orders.find(key_of(o));  // before the update: `changed` compares with it
    const bool changed = it == orders.end() || it->second.executed_amount != o.executed_amount ||
                         it->second.is_live != o.is_live ||
                         it->second.is_cancelled != o.is_cancelled;
    if (it == orders.end()) {
      std::string key = key_of(o);
      order_keys.insert(key);
      orders.emplace(std::move(key), o);
    } else {
      it->second = o;
    }
    if (o.executed_amount > fills_reported[o.order_id]) check_fills(o);
    if (o.is_live) ensure_polling();
    if (notify && changed && on_order) on_order(o);
  }

  // One lookup of resolve_orders, retried after poll_interval.
  struct Lookups {
    std::vector<OrderLookup> results;
    std::size_t left = 0;
    int max_attempts = 5;
    std::function<void(std::vector<OrderLookup>)> done;
  };
  void lookup(std::shared_ptr<Lookups> job, std::size_t i, int attempt, int not_found) {
    auto self = shared_from_this();
    const std::string cid = job->results[i].client_order_id;
    rest.order_status(cid, [self, job, i, attempt, not_found](const RestStatus& st, Order o) {
      OrderLookup& r = job->results[i];
      int nf = not_found;
      if (st.ok()) {
        r.status = OrderLookup::Status::Found;
        r.order = o;
        self->unresolved.erase(r.client_order_id);
        self->track(o);
        return self->lookup_done(job);
      }
      if (st.error == RestError::OrderNotFound && ++nf >= 2) {
        r.status = OrderLookup::Status::NotFound;
        return self->lookup_done(job);
      }
      r.error = st.describe();
      if (attempt + 1 >= job->max_attempts || self->stopped) {
        r.status = OrderLookup::Status::Unknown;
        return self->lookup_done(job);
      }
      auto timer = std::make_shared<asio::steady_timer>(self->io);
      timer->expires_after(to_duration(self->cfg.poll_interval));
      timer->async_wait([self, job, i, attempt, nf, timer](const boost::system::error_code&) {
        self->lookup(job, i, attempt + 1, nf);
      });
    });
  }
  void lookup_done(const std::shared_ptr<Lookups>& job) {
    if (--job->left == 0 && job->done) job->done(std::move(job->results));
  }

  Decimal taker_fee(Decimal notional) const {
    int bps = fees_known ? fee_rates.taker_bps : 40;
    return notional * Decimal::from_raw(Decimal::kOne / 10000 * bps);
  }

  void emit(const Fill& f) {
    ++st.fills;
    if (on_fill) on_fill(f);
  }

  // Reads our trades for the order and reports the ones not reported yet.
  void check_fills(const Order& o) {
    if (stopped || fill_queries.count(o.order_id)) return;
    fill_queries.insert(o.order_id);
    auto self = shared_from_this();
    rest.my_trades(o.symbol, o.timestamp - 60 * kNsPerSec,
                   [self, o](const RestStatus& s, std::vector<MyTrade> trades) {
                     self->fill_queries.erase(o.order_id);
                     self->on_trades(o, s, trades);
                   });
  }

  void on_trades(const Order& o, const RestStatus& s, const std::vector<MyTrade>& trades) {
    Decimal& reported = fills_reported[o.order_id];
    bool any = false;
    if (s.ok()) {
      // Oldest first, so fills reach the listener in execution order.
      for (auto it = trades.rbegin(); it != trades.rend(); ++it) {
        const MyTrade& t = *it;
        if (t.order_id != o.order_id || seen_tids.count(t.tid) || reported >= o.executed_amount)
          continue;
        seen_tids.insert(t.tid);
        Fill f{o.order_id, o.client_order_id, o.symbol, o.side, t.price, t.amount,
               t.fee,      !t.aggressor,      t.ts};
        reported += t.amount;
        any = true;
        emit(f);
      }
    }
    if (reported < o.executed_amount) {
      // mytrades may lag the order status: try again on the next polls, then report the
      // rest from the order itself (fee estimated from the taker rate).
      if (++fill_misses[o.order_id] >= cfg.fill_match_polls) {
        Decimal rest_amt = o.executed_amount - reported;
        Fill f{o.order_id,
               o.client_order_id,
               o.symbol,
               o.side,
               o.avg_execution_price,
               rest_amt,
               taker_fee(rest_amt * o.avg_execution_price),
               false,
               o.timestamp};
        log::warn("gemini: no trade record for " + rest_amt.to_string() + " of order " +
                  o.order_id + "; fill reported from the order status");
        reported = o.executed_amount;
        any = true;
        emit(f);
      } else {
        ensure_polling();
      }
    }
    if (any) refresh(nullptr);
  }

  void refresh(std::function<void(const RestStatus&)> done) {
    auto self = shared_from_this();
    rest.balances([self, done](const RestStatus& s, std::vector<Balance> b) {
      if (s.ok()) {
        self->balances = std::move(b);
        ++self->st.balance_refreshes;
      } else {
        log::warn("gemini: balance refresh failed: " + s.describe());
      }
      if (done) done(s);
    });
  }

  bool has_work() const {
    if (!unresolved.empty()) return true;
    for (const auto& [k, o] : orders) {
      if (o.is_live) return true;
      auto it = fills_reported.find(o.order_id);
      if (o.executed_amount > (it == fills_reported.end() ? Decimal{} : it->second)) return true;
    }
    return cfg.heartbeat_interval > 0;
  }

  void ensure_polling() {
    if (polling || stopped) return;
    polling = true;
    poll_timer.expires_after(to_duration(cfg.poll_interval));
    auto self = shared_from_this();
    poll_timer.async_wait([self](const boost::system::error_code& ec) {
      self->polling = false;
      if (ec || self->stopped) return;
      self->poll();
      if (self->has_work()) self->ensure_polling();
    });
  }

  // The pause before the next lookup of an unresolved order after `failures` failed ones.
  TimeNs lookup_pause(int failures) const {
    TimeNs pause = cfg.poll_interval;
    for (int i = 0; i < failures && pause < cfg.lookup_backoff_max; ++i) pause *= 2;
    return std::min(pause, std::max(cfg.lookup_backoff_max, cfg.poll_interval));
  }

  void poll() {
    auto self = shared_from_this();
    const TimeNs now = wall_now_ns();
    for (auto& [cid, u] : unresolved) {
      if (u.asking || now < u.next_at) continue;
      u.asking = true;
      std::string c = cid;
      rest.order_status(c, [self, c](const RestStatus& s, Order o) {
        auto it = self->unresolved.find(c);
        if (it == self->unresolved.end()) return;
        Unresolved& u = it->second;
        u.asking = false;
        if (s.ok()) {
          self->unresolved.erase(it);
          ++self->st.resolved_late;
          log::info("gemini: order " + c + " resolved: " + o.order_id);
          self->track(o, true);
          return;
        }
        if (s.error == RestError::OrderNotFound) {
          if (++u.not_found >= 5) {
            Order never = std::move(u.intent);
            self->unresolved.erase(it);
            log::warn("gemini: order " + c +
                      " was never placed (not found after repeated lookups)");
            never.is_live = false;
            never.is_cancelled = true;
            never.reason = "NotPlaced";
            never.timestamp = wall_now_ns();
            if (self->on_order) self->on_order(never);
            return;
          }
          u.next_at = wall_now_ns() + self->cfg.poll_interval;
          return;
        }
        // No answer: keep asking (it stays in flight), less often each time.
        u.next_at = wall_now_ns() + self->lookup_pause(++u.failures);
        if (u.failures == 1 || u.failures % 10 == 0)
          log::warn("gemini: order " + c + " still unresolved after " + std::to_string(u.failures) +
                    " failed lookup(s): " + s.describe() + "; next in " +
                    std::to_string(self->lookup_pause(u.failures) / kNsPerMs) + " ms");
      });
    }
    for (const auto& [k, o] : orders) {
      auto rep = fills_reported.find(o.order_id);
      Decimal done_amt = rep == fills_reported.end() ? Decimal{} : rep->second;
      if (o.is_live) {
        rest.order_status_by_id(o.order_id, [self](const RestStatus& s, Order fresh) {
          if (s.ok()) self->track(fresh, true);
        });
      } else if (o.executed_amount > done_amt) {
        check_fills(o);
      }
    }
    if (cfg.heartbeat_interval > 0 && wall_now_ns() - last_private > cfg.heartbeat_interval) {
      last_private = wall_now_ns();
      rest.heartbeat([](const RestStatus& s) {
        if (!s.ok()) log::warn("gemini: heartbeat failed: " + s.describe());
      });
    }
  }
};

namespace {
// An order as asked, nothing executed: what is known of it while its outcome is not.
Order intent_of(const OrderRequest& r) {
  Order o;
  o.client_order_id = r.client_order_id;
  o.symbol = r.symbol;
  o.side = r.side;
  o.tif = r.tif;
  o.price = r.price;
  o.original_amount = r.amount;
  o.remaining_amount = r.amount;
  return o;
}
}  // namespace

GeminiExchange::GeminiExchange(boost::asio::io_context& io, GeminiRestClient& rest,
                               GeminiExchangeConfig config)
    : state_(std::make_shared<State>(io, rest, std::move(config))) {}

GeminiExchange::~GeminiExchange() {
  state_->stopped = true;
  state_->on_fill = nullptr;
  state_->on_order = nullptr;
  state_->poll_timer.cancel();
}

void GeminiExchange::place(const OrderRequest& request, OrderCallback done) {
  auto s = state_;
  auto reject = [&](std::string reason, std::string message) {
    OrderOutcome out;
    out.kind = OutcomeKind::Rejected;
    out.reason = std::move(reason);
    out.message = std::move(message);
    out.order.client_order_id = request.client_order_id;
    ++s->st.rejected;
    asio::post(s->io, [done, out] {
      if (done) done(out);
    });
  };
  if (request.client_order_id.empty()) return reject("InvalidOrder", "client_order_id is required");
  if (s->order_keys.count(request.client_order_id) || s->find_pending(request.client_order_id) ||
      s->unresolved.count(request.client_order_id))
    return reject("DuplicateOrder",
                  "client_order_id " + request.client_order_id + " was used already");
  std::string sym = normalize_symbol(request.symbol);
  if (auto it = s->rules.find(sym); it != s->rules.end()) {
    const SymbolRules& r = it->second;
    if (r.status != "open" && r.status != "limit_only")
      return reject("MarketNotOpen", request.symbol + " status is " + r.status);
    if (request.amount < r.min_order_size)
      return reject("InvalidQuantity", "amount " + request.amount.to_string() +
                                           " is below the minimum " + r.min_order_size.to_string());
  }
  ++s->st.placed;
  s->pending.push_back(State::Pending{request.client_order_id, sym});
  s->last_private = wall_now_ns();
  s->rest.new_order(
      request, [s, cid = request.client_order_id, sym = std::move(sym), intent = intent_of(request),
                done = std::move(done)](const RestStatus&, OrderOutcome out) mutable {
        s->erase_pending(cid);
        switch (out.kind) {
          case OutcomeKind::Accepted:
            ++s->st.accepted;
            s->track(out.order);
            break;
          case OutcomeKind::Rejected:
            ++s->st.rejected;
            break;
          case OutcomeKind::Unknown:
            ++s->st.unknown;
            s->unresolved.emplace(cid, State::Unresolved{sym, std::move(intent)});
            s->ensure_polling();
            break;
        }
        if (done) done(out);
      });
}

void GeminiExchange::cancel(const std::string& order_id, OrderCallback done) {
  auto s = state_;
  ++s->st.cancels;
  s->rest.cancel_order(order_id, [s, done](const RestStatus& st, Order o) {
    OrderOutcome out;
    if (st.ok()) {
      out.kind = OutcomeKind::Accepted;
      out.order = o;
      s->track(o);
    } else {
      out.kind = is_transient(st.error) ? OutcomeKind::Unknown : OutcomeKind::Rejected;
      out.reason = st.reason.empty() ? std::string(to_string(st.error)) : st.reason;
      out.message = st.message;
    }
    if (done) done(out);
  });
}

std::vector<Balance> GeminiExchange::balances() const {
  return state_->balances;
}

std::optional<Order> GeminiExchange::order_by_client_id(const std::string& cid) const {
  auto it = state_->orders.find(cid);
  if (it == state_->orders.end()) return std::nullopt;
  return it->second;
}

std::vector<Order> GeminiExchange::open_orders() const {
  std::vector<Order> out;
  for (const auto& [k, o] : state_->orders)
    if (o.is_live) out.push_back(o);
  return out;
}

SymbolRules GeminiExchange::rules(const std::string& symbol) const {
  auto it = state_->rules.find(normalize_symbol(symbol));
  if (it != state_->rules.end()) return it->second;
  SymbolRules r;
  r.symbol = normalize_symbol(symbol);
  return r;
}

void GeminiExchange::set_fill_listener(FillListener listener) {
  state_->on_fill = std::move(listener);
}

void GeminiExchange::set_order_listener(std::function<void(const Order&)> listener) {
  state_->on_order = std::move(listener);
}

void GeminiExchange::resolve_orders(std::vector<std::string> client_order_ids,
                                    std::function<void(std::vector<OrderLookup>)> done,
                                    int max_attempts) {
  auto s = state_;
  auto job = std::make_shared<State::Lookups>();
  job->left = client_order_ids.size();
  job->max_attempts = std::max(1, max_attempts);
  job->done = std::move(done);
  for (auto& cid : client_order_ids)
    job->results.push_back(OrderLookup{std::move(cid), {}, {}, {}});
  if (job->results.empty()) {
    asio::post(s->io, [job] {
      if (job->done) job->done({});
    });
    return;
  }
  for (std::size_t i = 0; i < job->results.size(); ++i) s->lookup(job, i, 0, 0);
}

std::size_t GeminiExchange::in_flight() const {
  return state_->pending.size() + state_->unresolved.size();
}

std::size_t GeminiExchange::in_flight_for(std::string_view symbol) const {
  std::size_t n = 0;
  for (const auto& p : state_->pending) n += same_symbol(p.symbol, symbol) ? 1 : 0;
  for (const auto& [cid, u] : state_->unresolved) n += same_symbol(u.symbol, symbol) ? 1 : 0;
  return n;
}

FeeRates GeminiExchange::fees() const {
  return state_->fee_rates;
}
GeminiExchangeStats GeminiExchange::stats() const {
  return state_->st;
}

void GeminiExchange::refresh_balances(std::function<void(const RestStatus&)> done) {
  state_->refresh(std::move(done));
}

void GeminiExchange::reconcile(std::function<void(const ReconcileReport&)> done) {
  auto s = state_;
  auto report = std::make_shared<ReconcileReport>();
  // Each step answers once; the last one to answer hands the report on. Private calls are
  // serialized by the client, public ones run beside them.
  auto left = std::make_shared<int>(static_cast<int>(s->cfg.symbols.size()) + 3);
  auto step_done = [s, report, left, done] {
    if (--*left == 0) {
      log::info("gemini: reconciled: " + std::to_string(report->symbols_with_rules) +
                " symbol rules, " + std::to_string(report->balances.size()) + " balances, " +
                std::to_string(report->adopted_orders.size()) + " open orders of ours, " +
                std::to_string(report->foreign_open_orders) + " other open orders" +
                (report->ok() ? "" : ", " + std::to_string(report->errors.size()) + " errors"));
      if (s->has_work()) s->ensure_polling();
      if (done) done(*report);
    }
  };
  for (const auto& sym : s->cfg.symbols) {
    s->rest.symbol_details(sym, [s, report, step_done, sym](const RestStatus& st, SymbolRules r) {
      if (st.ok()) {
        s->rules[normalize_symbol(sym)] = r;
        ++report->symbols_with_rules;
        if (r.status != "open") log::warn("gemini: " + sym + " status is " + r.status);
      } else {
        report->errors.push_back("symbol details " + sym + ": " + st.describe());
      }
      step_done();
    });
  }
  s->rest.notional_volume([s, report, step_done](const RestStatus& st, FeeRates f) {
    if (st.ok()) {
      s->fee_rates = f;
      s->fees_known = true;
      report->fees = f;
      report->fees_known = true;
    } else {
      report->errors.push_back("fees: " + st.describe());
    }
    step_done();
  });
  s->rest.balances([s, report, step_done](const RestStatus& st, std::vector<Balance> b) {
    if (st.ok()) {
      s->balances = b;
      report->balances = std::move(b);
    } else {
      report->errors.push_back("balances: " + st.describe());
    }
    step_done();
  });
  s->rest.active_orders([s, report, step_done](const RestStatus& st, std::vector<Order> open) {
    if (st.ok()) {
      for (auto& o : open) {
        if (!s->cfg.client_id_prefix.empty() &&
            o.client_order_id.rfind(s->cfg.client_id_prefix, 0) == 0) {
          // Ours from a previous run: watch it; fills before now are history, not news.
          s->fills_reported[o.order_id] = o.executed_amount;
          s->track(o);
          report->adopted_orders.push_back(o);
        } else {
          ++report->foreign_open_orders;
          report->foreign_orders.push_back(o);
        }
      }
    } else {
      report->errors.push_back("open orders: " + st.describe());
    }
    step_done();
  });
}

void GeminiExchange::shutdown(
    std::function<void(const RestStatus&, const CancelSessionResult&)> done) {
  auto s = state_;
  s->rest.cancel_session([s, done](const RestStatus& st, CancelSessionResult r) {
    if (st.ok()) {
      for (auto& [k, o] : s->orders) {
        if (o.is_live) {
          o.is_live = false;
          o.is_cancelled = true;
          o.reason = "Requested";
        }
      }
      log::info("gemini: session cancelled, " + std::to_string(r.cancelled.size()) + " orders");
    } else {
      log::error("gemini: cancel session failed: " + st.describe());
    }
    s->stopped = true;
    s->poll_timer.cancel();
    if (done) done(st, r);
  });
}

}  // namespace rtcrypto::net
