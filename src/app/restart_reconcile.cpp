// Sandbox / live start-up, second half (the first, setup_remote_exchange, loaded symbol rules,
// fees, balances and the exchange's open orders before the engine existed): the store's
// view (engine state, order journal) is reconciled with the exchange's before the first
// order. The policy:
//  - the exchange's balances are the truth: each symbol's position is its base balance
//    (a different saved position is logged and recorded, then overwritten);
//  - orders in flight at the last stop (intent journaled, outcome never learned) are looked
//    up by client_order_id: found ones are recorded once (order record, accounting, fills),
//    "not found" ones were never placed; if a lookup keeps failing the daemon refuses to
//    start (an unknown outcome stays in flight, and no order goes out next to it);
//  - open orders of ours from earlier sessions (client_order_id prefix) are adopted and
//    tracked: what they executed before is history, later fills are accounted; they are
//    cancelled with this session's orders at a clean stop. Open orders that are not ours
//    are listed and left alone;
//  - the last buy price, the kill switch and the order counter come from the store.
// One `reconcile` document says what was found.
#include <boost/asio/post.hpp>

#include "live_loop.hpp"
#include "rtcrypto/app/commands.hpp"
#include "rtcrypto/app/order_journal.hpp"
#include "rtcrypto/app/run_context.hpp"
#include "rtcrypto/core/log.hpp"
#include "rtcrypto/engine/engine_state_codec.hpp"

namespace rtcrypto::app {

namespace {

constexpr TimeNs kLookupLimit = 60 * kNsPerSec;
constexpr TimeNs kBalanceLimit = 30 * kNsPerSec;

const char* kPolicy =
    "exchange balances are the position; orders in flight at the last stop looked up by "
    "client_order_id; our open orders from earlier sessions adopted and tracked; other open "
    "orders left alone";

std::string describe(const Order& o) {
  return o.order_id + " " + o.client_order_id + " " + std::string(to_string(o.side)) + " " +
         o.original_amount.to_string() + "@" + o.price.to_string() + " remaining " +
         o.remaining_amount.to_string();
}

std::string describe_fill(const Order& o) {
  std::string s = "order " + o.order_id + ", executed " + o.executed_amount.to_string();
  if (o.executed_amount.is_positive())
    s += " @ " + o.avg_execution_price.to_string() + ", fee " + o.fee.to_string();
  s += o.is_live ? ", open" : (o.is_cancelled ? ", closed (" + o.reason + ")" : ", closed");
  return s;
}

// The accounted part of an open order the journal knew about.
Order baseline_of(const JournalEntry& e, const Order& o) {
  Order b = o;
  b.executed_amount = e.executed;
  b.avg_execution_price = e.avg_price;
  b.fee = e.fee;
  return b;
}

// "<run_id>-<n>" → n, for orders of this run id (the counter must pass them).
std::optional<std::uint64_t> order_seq(const std::string& cid, const std::string& run_id) {
  const std::string prefix = run_id + "-";
  if (cid.rfind(prefix, 0) != 0 || cid.size() == prefix.size()) return std::nullopt;
  std::uint64_t n = 0;
  for (std::size_t i = prefix.size(); i < cid.size(); ++i) {
    if (cid[i] < '0' || cid[i] > '9' || n > (UINT64_MAX - 9) / 10) return std::nullopt;
    n = n * 10 + static_cast<std::uint64_t>(cid[i] - '0');
  }
  return n;
}

}  // namespace

void reconcile_restart(RunContext& ctx) {
  if (!ctx.loop || !ctx.loop->gemini || !ctx.engine) return;
  LiveLoop& loop = *ctx.loop;
  net::GeminiExchange& ex = *loop.gemini;
  Engine& engine = *ctx.engine;
  const std::string prefix = ctx.cfg.mode + "/";
  const net::ReconcileReport start =
      loop.start_report ? *loop.start_report : net::ReconcileReport{};

  // Later changes of answered orders (late resolutions, resting fills) reach the engine.
  ex.set_order_listener([&ctx](const Order& o) { ctx.engine->on_order_update(o); });

  OrderJournal* journal = nullptr;
  if (ctx.store) {
    try {
      auto j = std::make_unique<OrderJournal>(
          *ctx.store, prefix, [&ctx] { return encode_engine_state(ctx.engine->export_state()); },
          [&loop](std::function<void()> f) { boost::asio::post(loop.io, std::move(f)); });
      journal = j.get();
      ctx.extra_sinks.push_back(std::move(j));
      engine.add_sink(journal);
    } catch (const std::exception& e) {
      throw RuntimeFailure(std::string("cannot read the order journal from the store: ") + e.what(),
                           3);
    }
  }
  const JournalEntries saved = journal ? journal->entries() : JournalEntries{};

  // Open orders of ours on the exchange: adopted (their past is history unless the journal
  // says which part we accounted).
  std::map<std::string, Order> adopted;
  for (const Order& o : start.adopted_orders) adopted[o.client_order_id] = o;
  std::vector<std::string> lookups;
  std::vector<std::string> open_list, in_flight_list;
  for (const auto& [cid, o] : adopted) {
    auto it = saved.find(cid);
    if (it == saved.end()) {
      engine.adopt_order(o);
      log::warn("reconcile: open order " + describe(o) +
                " is ours but not in the store: adopted, what it executed before is history");
    } else if (it->second.status == "open") {
      engine.adopt_order(baseline_of(it->second, o));
      if (o.executed_amount != it->second.executed) engine.on_order_update(o);  // since then
    } else {
      engine.on_order_update(o);  // in flight at the stop, resting now: all of it is news
    }
    open_list.push_back(describe(o) + " (ours, adopted)");
  }
  for (const Order& o : start.foreign_orders) open_list.push_back(describe(o) + " (not ours)");
  for (const auto& [cid, e] : saved)
    if (!adopted.count(cid)) lookups.push_back(cid);

  // Orders in flight (or open) at the last stop and not open now: ask the exchange.
  std::size_t found = 0, never_placed = 0;
  if (!lookups.empty()) {
    log::info("reconcile: looking up " + std::to_string(lookups.size()) +
              " order(s) of the last run by client_order_id");
    std::optional<std::vector<net::OrderLookup>> res;
    ex.resolve_orders(lookups, [&res](std::vector<net::OrderLookup> r) { res = std::move(r); });
    if (!loop.run_until([&] { return res.has_value(); }, kLookupLimit))
      throw RuntimeFailure("reconcile: the exchange did not answer the order lookups", 3);
    for (const net::OrderLookup& r : *res) {
      const JournalEntry& e = saved.at(r.client_order_id);
      switch (r.status) {
        case net::OrderLookup::Status::Found:
          ++found;
          if (e.status == "open") engine.adopt_order(baseline_of(e, r.order));
          engine.on_order_update(r.order);  // its order record and accounting, once
          in_flight_list.push_back(r.client_order_id + ": " + e.status + " at the stop, " +
                                   describe_fill(r.order));
          log::info("reconcile: order " + r.client_order_id + " (" + e.status +
                    " at the last stop) found: " + describe_fill(r.order));
          break;
        case net::OrderLookup::Status::NotFound:
          ++never_placed;
          if (journal) journal->forget(r.client_order_id);
          in_flight_list.push_back(r.client_order_id + ": never placed");
          log::info("reconcile: order " + r.client_order_id +
                    " was never placed (the exchange does not know it)");
          break;
        case net::OrderLookup::Status::Unknown:
          throw RuntimeFailure("reconcile: the outcome of order " + r.client_order_id +
                                   " is unknown (" + r.error +
                                   "); not trading next to it - start again later",
                               3);
      }
    }
  }

  // Balances now (after the lookups' orders): the truth for positions.
  std::optional<net::RestStatus> bal_status;
  ex.refresh_balances([&bal_status](const net::RestStatus& s) { bal_status = s; });
  if (!loop.run_until([&] { return bal_status.has_value(); }, kBalanceLimit) || !bal_status->ok())
    throw RuntimeFailure(
        "reconcile: balances: " + (bal_status ? bal_status->describe() : std::string("no answer")),
        3);
  const std::vector<Balance> balances = ex.balances();

  Record r;
  r.doc_type = "reconcile";
  r.ts = wall_now_ns();
  if (engine.config().symbols.size() == 1) r.symbol = engine.config().symbols.front();
  r.set("mode", ctx.cfg.mode);
  r.set("policy", std::string(kPolicy));
  std::string bal_text;
  for (const Balance& b : balances) {
    if (!bal_text.empty()) bal_text += ",";
    bal_text += b.currency + "=" + b.amount.to_string();
  }
  r.set("balances", bal_text);
  for (const Balance& b : balances) {
    r.set("balance_" + b.currency, b.amount);
    r.set("available_" + b.currency, b.available);
  }
  r.set("fees_known", start.fees_known);
  r.set("maker_fee_bps", static_cast<std::int64_t>(start.fees.maker_bps));
  r.set("taker_fee_bps", static_cast<std::int64_t>(start.fees.taker_bps));

  // Positions: the exchange's base balance; the store's view is kept for the record.
  EngineState st = engine.export_state();
  std::size_t differing = 0;
  for (const std::string& sym : engine.config().symbols) {
    const std::string base = split_symbol(sym).base;
    Decimal held;
    for (const Balance& b : balances)
      if (b.currency == base) held = b.amount;
    EnginePosition& pos = st.positions[sym];
    const Decimal stored = pos.entry_amount;
    const bool differs = stored != held;
    if (differs) {
      ++differing;
      log::warn("reconcile: " + sym + " position in the store is " + stored.to_string() + " " +
                base + " but the exchange holds " + held.to_string() + " " + base +
                ": the exchange's balance is the position from now on");
      if (held.is_positive() && stored.is_positive() && held < stored)
        pos.entry_fees = (pos.entry_fees * held).checked_div(stored).value_or(pos.entry_fees);
    }
    if (!held.is_positive()) {
      pos = EnginePosition{};
    } else if (!pos.last_buy_price) {
      log::warn("reconcile: " + sym + " holds " + held.to_string() + " " + base +
                " with no known entry price: the next sell is scored without a profit");
    }
    pos.entry_amount = held;
    r.set("position_" + sym, held);
    r.set("store_position_" + sym, stored);
    r.set("position_differs_" + sym, differs);
    r.set("last_buy_price_" + sym,
          pos.last_buy_price ? FieldValue(*pos.last_buy_price) : FieldValue{});
  }
  // The order counter passes every id of this run id the exchange or the journal knows.
  for (const auto& [cid, e] : saved)
    if (auto n = order_seq(cid, ctx.cfg.run_id))
      st.next_order_seq = std::max(st.next_order_seq, *n + 1);
  for (const auto& [cid, o] : adopted)
    if (auto n = order_seq(cid, ctx.cfg.run_id))
      st.next_order_seq = std::max(st.next_order_seq, *n + 1);
  engine.import_state(st);

  auto join = [](const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : "; ") + x;
    return s;
  };
  r.set("open_orders", static_cast<std::int64_t>(open_list.size()));
  r.set("open_orders_ours", static_cast<std::int64_t>(adopted.size()));
  r.set("open_orders_foreign", static_cast<std::int64_t>(start.foreign_orders.size()));
  r.set("open_order_list", join(open_list));
  r.set("in_flight", static_cast<std::int64_t>(lookups.size()));
  r.set("in_flight_found", static_cast<std::int64_t>(found));
  r.set("in_flight_never_placed", static_cast<std::int64_t>(never_placed));
  r.set("in_flight_list", join(in_flight_list));
  r.set("positions_differing", static_cast<std::int64_t>(differing));
  r.set("kill_switch", st.risk.killed);
  r.set("kill_reason", st.risk.killed ? FieldValue(st.risk.kill_reason) : FieldValue{});
  r.set("next_order_seq", static_cast<std::int64_t>(st.next_order_seq));
  const std::string summary = "balances " + bal_text + "; " + std::to_string(open_list.size()) +
                              " open order(s) (" + std::to_string(adopted.size()) +
                              " ours adopted, " + std::to_string(start.foreign_orders.size()) +
                              " not ours); " + std::to_string(lookups.size()) +
                              " order(s) of the last run looked up (" + std::to_string(found) +
                              " found, " + std::to_string(never_placed) + " never placed); " +
                              std::to_string(differing) + " position(s) differed from the store" +
                              (st.risk.killed ? "; kill switch ON: " + st.risk.kill_reason : "");
  r.set("detail", summary);

  if (journal) journal->save_now();  // journal, counter and positions before any order
  for (RecordSink* s :
       {static_cast<RecordSink*>(ctx.store.get()), static_cast<RecordSink*>(ctx.jsonl.get())})
    if (s) {
      s->write(r);
      s->flush();
    }
  for (auto& s : ctx.extra_sinks)
    if (s.get() != journal) s->write(r);
  log::info("reconcile: " + summary);
}

}  // namespace rtcrypto::app
