#include "rtcrypto/engine/engine.hpp"

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <cstdint>

#include "rtcrypto/core/record_rewriter.hpp"
#include "rtcrypto/window/book_depth.hpp"

namespace rtcrypto {

// What every change and trade touches comes first (symbol, flags, window sums, last trade),
// in as few cache lines as can be; what decisions read follows.
struct Engine::SymbolState {
  std::string symbol;
  bool traded = false;
  bool updated = false;  // book changed since the last end_of_frame (decide_every_update)
  // Freshness beyond level changes: the engine clock when the feed last proved the book
  // current while whole (on_feed_current); none while a frame that could not be read may
  // have carried a change of it (on_feed_suspect, cleared by the next change or snapshot).
  bool suspect = false;
  TimeNs proven_at = std::numeric_limits<TimeNs>::min();
  WindowAggregator window;
  std::optional<Decimal> last_trade;
  OrderBook* book = nullptr;  // builder_'s (mutable for on_gap)
  CurrencyPair pair;
  // The ticker's per-currency field names, interned once.
  FieldKey volume_base_key = volume_key(pair.base);
  FieldKey volume_quote_key = volume_key(pair.quote);
  SymbolState(std::string_view sym, bool tr, const WindowConfig& wc)
      : symbol(sym), traded(tr), window(std::string(sym), wc), pair(split_symbol(sym)) {}

  // decide()'s answers, kept between decisions: the rules while the exchange's
  // rules_epoch() stays (0: none kept); where base and quote sit in Engine::balances_ and
  // how each balance counts in the equity (marks_into) while its currencies and traded_ stay.
  std::uint64_t rules_epoch = 0;
  SymbolRules rules;
  std::uint64_t currencies_epoch = 0;
  std::size_t seen_traded = 0;
  std::size_t base_at = SIZE_MAX, quote_at = SIZE_MAX;
  std::size_t marks_at = SIZE_MAX;  // its quote's entry of Engine::quote_marks_
  // This symbol's entry of Engine::positions_ (map nodes are stable), or kFlat while it has
  // none, found once (non-null: it has decided); cleared when import_state replaces the map.
  const EnginePosition* position = nullptr;
  static const EnginePosition kFlat;           // no entry yet: nothing held
  static const SymbolState* const kFaceValue;  // marks' entry for the quote (never read)

  // "volume_<currency>", interned without a temporary string (short names: on the stack).
  static FieldKey volume_key(std::string_view currency) {
    static constexpr std::string_view kPrefix = "volume_";
    char buf[64];
    if (currency.size() > sizeof buf - kPrefix.size())
      return FieldKey(std::string(kPrefix).append(currency));
    kPrefix.copy(buf, kPrefix.size());
    currency.copy(buf + kPrefix.size(), currency.size());
    return FieldKey::from_static(FieldKey::intern({buf, kPrefix.size() + currency.size()}));
  }
};

const EnginePosition Engine::SymbolState::kFlat{};
const Engine::SymbolState* const Engine::SymbolState::kFaceValue =
    reinterpret_cast<const Engine::SymbolState*>(alignof(std::max_align_t));

namespace {

std::string_view outcome_name(OutcomeKind k) {
  switch (k) {
    case OutcomeKind::Accepted:
      return "accepted";
    case OutcomeKind::Rejected:
      return "rejected";
    case OutcomeKind::Unknown:
      break;
  }
  return "unknown";
}

// Currency codes compared inline: a few letters, where a memcmp call costs more than the
// compare (same_symbol calls it below 4 letters).
inline bool same_currency(std::string_view a, std::string_view b) {
  if (a.size() >= 4 || b.size() >= 4) return same_symbol(a, b);
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i] != b[i]) return false;
  return true;
}

// Room for n and as many again (at least 16): the account gains currencies one at a time,
// and a rebuild per new currency should not reallocate each time.
template <class V>
void reserve_with_room(V& v, std::size_t n) {
  if (v.capacity() < n) v.reserve(std::max<std::size_t>(2 * n, 16));
}

// Puts as calls for the order, score and balance records: they run once per order or fill
// (cold code), where a compact body beats the few instructions a call adds. (decide's puts
// stay inline: it runs on every window close, where those instructions count.)
template <class V>
[[gnu::noinline]] void put_cold(RecordRewriter& f, FieldKey key, V value) {
  f.put(key, value);
}
[[gnu::noinline]] void put_text(RecordRewriter& f, FieldKey key, std::string_view value) {
  f.put_string(key, value);
}

}  // namespace

Engine::Engine(EngineConfig config, SignalSource* signal, Exchange* exchange,
               std::unique_ptr<Strategy> strategy)
    : config_(std::move(config)),
      signal_(signal),
      exchange_(exchange),
      strategy_(strategy ? std::move(strategy) : std::make_unique<BookStrategy>(config_.strategy)),
      risk_(config_.risk) {
  for (auto& s : config_.symbols) s = normalize_symbol(s);
  if (config_.window_length <= 0) config_.window_length = 60 * kNsPerSec;
  if (exchange_) exchange_->set_fill_listener([this](const Fill& f) { on_fill(f); });
  // An empty slot holds an id of another slot (i + 1 is not i modulo 64): no batch finds
  // it, not even one without an id (0), so the hit needs no test of the id itself.
  for (std::size_t i = 0; i < id_slots_.size(); ++i)
    id_slots_[i].id = static_cast<std::uint32_t>(i + 1);
  traded_.reserve(64);  // a recording's symbols, without regrowing as they appear
  states_.reserve(64);
  quote_marks_.reserve(8);
  // The documents' fields as many as they get (a few spare): one allocation each, not one
  // per doubling on their first fill.
  for (Record& r : window_docs_) r.fields.reserve(16);
  ticker_doc_.fields.reserve(8);
  decision_doc_.fields.reserve(40);
  order_doc_.fields.reserve(20);
  balance_doc_.fields.reserve(8);
  score_doc_.fields.reserve(8);
}

// The exchange is not touched here: it may already be gone (members of one context are
// destroyed in any order). Whoever owns both must not let it report fills afterwards.
Engine::~Engine() = default;

bool Engine::trades_symbol(std::string_view symbol) const {
  if (config_.symbols.empty()) return true;
  return std::find(config_.symbols.begin(), config_.symbols.end(), symbol) != config_.symbols.end();
}

// Inline: most events name the symbol of the event before them (a frame's levels, then its
// trades).
[[gnu::always_inline]] inline Engine::SymbolState* Engine::state_for(std::string_view symbol) {
  if (last_ && same_symbol(last_->symbol, symbol)) [[likely]]
    return last_;
  return state_for_slow(symbol);
}

Engine::SymbolState* Engine::state_for_slow(std::string_view symbol) {
  SymbolState*& slot = state_slots_[symbol_slot64(symbol)];
  if (slot && same_symbol(slot->symbol, symbol)) return last_ = slot;
  return slot = lookup(symbol);  // (states are never erased)
}

inline Engine::SymbolState* Engine::state_for(const LevelBatch& b) {
  if (b.symbol_id == 0) return state_for(b.symbol);
  IdSlot& slot = id_slots_[b.symbol_id % id_slots_.size()];
  if (slot.id != b.symbol_id) slot = IdSlot{b.symbol_id, state_for(b.symbol)};
  return last_ = slot.state;
}

Engine::SymbolState* Engine::lookup(std::string_view symbol) {
  // One binary search: where the state is, or where a new one goes.
  auto it = state_at(symbol);
  if (it == states_.end() || (*it)->symbol != symbol) {
    bool traded = trades_symbol(symbol);
    WindowConfig wc{config_.window_length, config_.ratio_mode, config_.depth_pct};
    auto st = std::make_unique<SymbolState>(symbol, traded, wc);
    if (traded) {
      st->book = &builder_.get(symbol);  // map nodes are stable
      traded_.push_back(st.get());
    }
    it = states_.insert(it, std::move(st));
  }
  last_ = it->get();
  return last_;
}

std::vector<std::unique_ptr<Engine::SymbolState>>::const_iterator Engine::state_at(
    std::string_view symbol) const {
  return std::lower_bound(
      states_.begin(), states_.end(), symbol,
      [](const std::unique_ptr<SymbolState>& s, std::string_view v) { return s->symbol < v; });
}

const Engine::SymbolState* Engine::find_state(std::string_view symbol) const {
  auto it = state_at(symbol);
  return it != states_.end() && (*it)->symbol == symbol ? it->get() : nullptr;
}

// Called per event: the check is inline, the close (and its WindowResult) out of line.
inline void Engine::advance(SymbolState& s, TimeNs t) {
  if (s.window.due(t)) [[unlikely]]
    close_window(s, t);
}

void Engine::close_window(SymbolState& s, TimeNs t) {
  if (s.window.close_due_into(t, s.book, closed_)) on_window(s, closed_, std::max(t, now_));
}

inline void Engine::note_window(const SymbolState& s) {
  if (s.window.is_open() && s.window.window_end() < next_close_) {
    next_close_ = s.window.window_end();
  }
}

// ---- event stream -------------------------------------------------------------------

void Engine::on_level(const LevelChange& c) {
  SymbolState* s = state_for(c.symbol);
  if (!s->traded) return;
  ++stats_.changes;
  if (c.ts > now_) now_ = c.ts;
  advance(*s, c.ts);
  builder_.on_level(c);
  s->window.add(c);
  s->updated = true;
  s->suspect = false;
  note_window(*s);
}

void Engine::on_levels(std::span<const LevelChange> cs) {
  if (cs.empty()) return;
  const TimeNs ts = cs.front().ts;
  for (const LevelChange& c : cs) {
    if (c.ts != ts) {  // not one instant: change by change
      for (const LevelChange& x : cs) on_level(x);
      return;
    }
  }
  SymbolState* s = state_for(cs.front().symbol);
  if (!s->traded) return;
  // One instant: only the first change's advance can close a window (it closes before any
  // change of the batch is applied, as on_level would), so advance once, then apply all.
  stats_.changes += cs.size();
  if (ts > now_) now_ = ts;
  advance(*s, ts);
  builder_.on_levels(cs);
  for (const LevelChange& c : cs) s->window.add(c);
  s->updated = true;
  s->suspect = false;
  note_window(*s);
}

// A batch of a symbol seen before whose window stays open (nearly all): one slot compare,
// then the window's sums, then the book last as a tail call (the window's sums do not read
// the book, so nothing is kept across a call). The rest (a new id, a close due, an empty
// batch) out of line, in on_level_batch_slow.
void Engine::on_level_batch(const LevelBatch& b) {
  const IdSlot& slot = id_slots_[b.symbol_id % id_slots_.size()];
  SymbolState* s = slot.state;
  if (slot.id != b.symbol_id || b.levels.empty() || s->window.due(b.ts)) [[unlikely]] {
    on_level_batch_slow(b);
    return;
  }
  last_ = s;
  if (!s->traded) return;
  stats_.changes += b.levels.size();
  if (b.ts > now_) now_ = b.ts;
  apply_batch(*s, b);
}

[[gnu::noinline]] void Engine::on_level_batch_slow(const LevelBatch& b) {
  if (b.levels.empty()) return;
  SymbolState* s = state_for(b);
  if (!s->traded) return;
  // One instant, as in on_levels: advance once, apply the batch, add its changes.
  stats_.changes += b.levels.size();
  if (b.ts > now_) now_ = b.ts;
  advance(*s, b.ts);
  apply_batch(*s, b);
}

// After the close check: the window's sums (it ignores snapshot levels), then the book as a
// tail call (the sums do not read the book). Both callers have returned on an empty batch.
[[gnu::always_inline]] inline void Engine::apply_batch(SymbolState& s, const LevelBatch& b) {
  s.updated = true;
  s.suspect = false;
  if (!b.snapshot) {
    if (!s.window.is_open()) [[unlikely]]
      open_window(s, b.ts);
    s.window.add_open_levels(b.levels);
  }
  builder_.on_level_batch_of(*s.book, b);  // a traded symbol's book (lookup)
}

// Only an opening moves the earliest window end.
[[gnu::noinline]] void Engine::open_window(SymbolState& s, TimeNs ts) {
  s.window.open(ts);
  note_window(s);
}

void Engine::on_snapshot_begin(std::string_view symbol, TimeNs ts) {
  SymbolState* s = state_for(symbol);
  if (!s->traded) return;
  if (ts > now_) now_ = ts;
  s->proven_at = std::numeric_limits<TimeNs>::min();  // proofs were about the old book
  advance(*s, ts);
  builder_.on_snapshot_begin(symbol, ts);
}

void Engine::on_snapshot_end(std::string_view symbol, TimeNs ts) {
  SymbolState* s = state_for(symbol);
  if (!s->traded) return;
  builder_.on_snapshot_end(symbol, ts);
  s->suspect = false;
}

void Engine::on_feed_current(std::string_view symbol, TimeNs ts) {
  SymbolState* s = state_for(symbol);
  if (!s->traded || s->suspect || !s->book || !s->book->whole()) return;
  s->proven_at = std::max({s->proven_at, now_, ts});
}

void Engine::on_feed_suspect(std::string_view symbol) {
  SymbolState* s = state_for(symbol);
  if (s->traded) s->suspect = true;
}

TimeNs Engine::fresh_at(std::string_view symbol) const {
  const SymbolState* s = find_state(symbol);
  if (!s || !s->book) return 0;
  return std::max(s->book->last_update(), s->proven_at);
}

// A trade of the last symbol: its close check inline (a trade closes its window about one
// time in four on the shared file, so that close must not cost a second symbol lookup); a
// trade of another symbol out of line.
void Engine::on_trade(const TradeEvent& t) {
  SymbolState* s = last_;
  if (!s || !same_symbol(s->symbol, t.symbol)) [[unlikely]] {
    on_trade_slow(t);
    return;
  }
  if (!s->traded) return;
  ++stats_.trades;
  if (t.ts > now_) now_ = t.ts;
  advance(*s, t.ts);
  add_trade(*s, t);
}

[[gnu::noinline]] void Engine::on_trade_slow(const TradeEvent& t) {
  SymbolState* s = state_for(t.symbol);
  if (!s->traded) return;
  ++stats_.trades;
  if (t.ts > now_) now_ = t.ts;
  advance(*s, t.ts);
  add_trade(*s, t);
}

// A frame's trades (one symbol): one lookup and one dispatch, then each as on_trade.
void Engine::on_trades(std::span<const TradeEvent> ts) {
  if (ts.empty()) return;
  if (!one_symbol(ts)) [[unlikely]]
    return MarketEventSink::on_trades(ts);
  SymbolState* s = state_for(ts.front().symbol);
  if (!s->traded) return;
  for (const TradeEvent& t : ts) {
    ++stats_.trades;
    if (t.ts > now_) now_ = t.ts;
    advance(*s, t.ts);
    add_trade(*s, t);
  }
}

// Inline in on_trade: a call there saved and restored three registers per trade.
[[gnu::always_inline]] inline void Engine::add_trade(SymbolState& s, const TradeEvent& t) {
  // Converted once for the window and the signal (inline: Decimal::to_double's doubles).
  const double price = decimal_to_double(t.price), quantity = decimal_to_double(t.quantity);
  // Only an opening can move the earliest window end (an open window's end is never before
  // next_close_): note_window for that alone, not per trade.
  const bool opens = !s.window.is_open();
  s.window.add(t, price, quantity);
  if (opens) [[unlikely]]
    note_window(s);
  s.last_trade = t.price;
  if (signal_) signal_->on_trade(t.symbol, t.ts, price, quantity);
}

void Engine::on_ticker(const TickerEvent& t) {
  SymbolState* s = state_for(t.symbol);
  if (!s->traded) return;
  if (t.ts > now_) now_ = t.ts;
  advance(*s, t.ts);
}

void Engine::on_gap(std::string_view symbol, TimeNs ts, std::string_view why) {
  SymbolState* s = state_for(symbol);
  if (!s->traded) return;
  ++stats_.gaps;
  if (ts > now_) now_ = ts;
  s->proven_at = std::numeric_limits<TimeNs>::min();  // proofs were about the old book
  // A window that closes at this event is measured on the book as it was, but decided as
  // not whole: the gap is known now, so no order goes out on that book.
  OrderBook* book = s->book;  // a traded symbol's book (lookup), found once
  if (book) book->set_whole(false);
  advance(*s, ts);
  builder_.on_gap(book, symbol, ts, why);
}

void Engine::on_time(TimeNs ts) {
  if (ts > now_) now_ = ts;
  // Nothing can close before the earliest open window's end (frames arrive far more often
  // than windows close, and there may be many symbols).
  if (ts >= next_close_) [[unlikely]]
    close_due(ts);
}

[[gnu::noinline]] void Engine::close_due(TimeNs ts) {
  next_close_ = std::numeric_limits<TimeNs>::max();
  for (SymbolState* s : traded_) {
    advance(*s, ts);
    note_window(*s);
  }
}

void Engine::decide_updated() {
  for (SymbolState* s : traded_) {
    if (!s->updated) continue;
    s->updated = false;
    // The book as the frame left it (a crossed one was just dropped: risk refuses it).
    if (auto w = s->window.peek(s->book)) decide(*s, *w, now_);
  }
}

void Engine::flush(TimeNs ts) {
  if (ts > now_) now_ = ts;
  for (SymbolState* s : traded_) {
    if (s->window.flush_into(s->book, closed_)) on_window(*s, closed_, now_);
  }
  for (RecordSink* sink : sinks_) sink->flush();
}

// ---- windows and decisions ----------------------------------------------------------

void Engine::emit(const Record& r) {
  for (RecordSink* sink : sinks_) sink->write(r);
}

void Engine::on_window(SymbolState& s, const WindowResult& w, TimeNs now) {
  ++stats_.windows;
  Record& ticker = ticker_doc_;
  if (window_docs_for_ != &s) [[likely]] {
    if (!window_docs_for_) {
      window_docs_[0].doc_type = "ask";
      window_docs_[1].doc_type = "bid";
      window_docs_[2].doc_type = "price_volume";
      ticker.doc_type = "ticker";
    }
    for (Record& r : window_docs_) rewrite_text(r.symbol, s.symbol);
    rewrite_text(ticker.symbol, s.symbol);
    window_docs_for_ = &s;
  }
  fill_window_values(w, window_docs_);
  for (const Record& r : window_docs_) emit(r);

  {
    RecordRewriter f(ticker, w.end);
    f.put("bid", w.best_bid);
    f.put("ask", w.best_ask);
    f.put("last", w.last_trade_price ? w.last_trade_price : s.last_trade);
    f.put(s.volume_base_key, w.trade_volume);
    f.put(s.volume_quote_key, w.trade_notional);
    f.put("trades", static_cast<std::int64_t>(w.trades));
  }
  emit(ticker);

  decide(s, w, now);
}

void Engine::marks_into(std::string_view quote, std::vector<const SymbolState*>& out,
                        std::size_t from) const {
  // Per balance: kFaceValue for the quote, the traded symbol that marks a base in the quote
  // (the last one in traded_ when several do), or none (another quote's world, not part of
  // this equity). Symbol by symbol, only those in `quote` looking through the balances.
  // (traded_ only grows: symbols from `from` on overwrite the earlier ones' marks, not the
  // face value.)
  if (from == 0) {
    reserve_with_room(out, balances_.size());
    out.assign(balances_.size(), nullptr);
  }
  for (std::size_t k = from; k < traded_.size(); ++k) {
    const SymbolState* st = traded_[k];
    if (!same_currency(st->pair.quote, quote)) continue;
    // (Sizes and first letters first: most currencies differ there, without a memcmp call.)
    const std::string& base = st->pair.base;
    for (std::size_t i = 0; i < balances_.size(); ++i) {
      const std::string& cur = balances_[i].currency;
      if (base.size() != cur.size() || (!cur.empty() && base[0] != cur[0])) continue;
      if (same_currency(base, cur) && out[i] != SymbolState::kFaceValue) out[i] = st;
    }
  }
  if (from != 0) return;
  for (std::size_t i = 0; i < balances_.size(); ++i)
    if (same_currency(balances_[i].currency, quote)) out[i] = SymbolState::kFaceValue;
}

std::size_t Engine::shared_marks(std::string_view quote) {
  std::size_t at = 0;
  while (at < quote_marks_.size() && !same_currency(quote_marks_[at].quote, quote)) ++at;
  if (at == quote_marks_.size()) quote_marks_.emplace_back().quote = quote;
  QuoteMarks& q = quote_marks_[at];
  if (!q.valid || q.currencies_epoch != currencies_epoch_ || q.seen_traded != traded_.size()) {
    // The same currencies: only the symbols traded_ gained since are new.
    const bool same = q.valid && q.currencies_epoch == currencies_epoch_;
    marks_into(quote, q.marks, same ? q.seen_traded : 0);
    q.used.clear();
    reserve_with_room(q.used, q.marks.size());
    for (std::size_t i = 0; i < q.marks.size(); ++i)
      if (q.marks[i]) q.used.emplace_back(i, q.marks[i]);
    q.currencies_epoch = currencies_epoch_;
    q.seen_traded = traded_.size();
    q.valid = true;
  }
  return at;
}

std::optional<Decimal> Engine::equity_of(const QuoteMarks& q) const {
  // A holding that cannot be marked makes the equity unknown (never a guess). Balances
  // without a mark are not part of this equity: only the used ones are walked.
  Decimal total;
  for (const auto& [i, mark] : q.used) {
    const Balance& b = balances_[i];
    if (mark == SymbolState::kFaceValue) {
      total += b.amount;
      continue;
    }
    if (b.amount.is_zero()) continue;
    const OrderBook* book = mark->book;
    auto mid = book ? book->mid() : std::nullopt;
    if (!mid || !book->whole()) return std::nullopt;
    auto v = b.amount.checked_mul(*mid);
    if (!v) return std::nullopt;
    total += *v;
  }
  return total;
}

void Engine::refresh_balances() {
  const std::uint64_t epoch = exchange_ ? exchange_->balances_epoch() : 0;
  if (epoch != 0 && epoch == balances_epoch_) return;
  balances_epoch_ = epoch;
  if (exchange_) {
    exchange_->balances_into(balances_);
  } else {
    balances_.clear();
  }
  // Same currencies in the same order keep every symbol's indices (the usual case: an
  // order or a fill moves amounts, rarely brings a new currency). previous_currencies_ is
  // the list as of the last move of currencies_epoch_, which is also the last refresh's
  // (every change moves it): copied only when it changes.
  bool same = previous_currencies_.size() == balances_.size() && currencies_epoch_ != 0;
  for (std::size_t i = 0; same && i < balances_.size(); ++i)
    same = previous_currencies_[i] == balances_[i].currency;
  if (same) return;
  ++currencies_epoch_;
  previous_currencies_.resize(balances_.size());
  for (std::size_t i = 0; i < balances_.size(); ++i)
    previous_currencies_[i] = balances_[i].currency;
}

void Engine::decide(SymbolState& s, const WindowResult& w, TimeNs now) {
  ++stats_.decisions;
  std::optional<SignalValue> sig = signal_ ? signal_->signal_at(s.symbol, w.end) : std::nullopt;

  // Balances and rules land in members kept between decisions (no allocation once warm),
  // asked again only when the exchange's epochs have moved (or it promises none).
  refresh_balances();
  if (const std::uint64_t re = exchange_ ? exchange_->rules_epoch() : 0;
      re == 0 || re != s.rules_epoch) [[unlikely]]
    refresh_rules(s);
  if (s.currencies_epoch != currencies_epoch_ || s.seen_traded != traded_.size()) [[unlikely]]
    locate_balances(s);
  static const Balance kNone{};  // a currency the account has never seen: all zero
  const Balance& base = s.base_at != SIZE_MAX ? balances_[s.base_at] : kNone;
  const Balance& quote = s.quote_at != SIZE_MAX ? balances_[s.quote_at] : kNone;
  const SymbolRules& rules = s.rules;
  auto eq = exchange_ ? equity_of(quote_marks_[s.marks_at]) : std::nullopt;
  if (eq) risk_.observe_equity(now, *eq);
  if (!s.position) [[unlikely]]
    find_position(s);
  const EnginePosition& pos = *s.position;

  static const OrderBook kEmpty;
  const OrderBook& book = s.book ? *s.book : kEmpty;
  // A proof stamped ahead of the decision's time (receive time ahead of event time) counts
  // as now: the age is never negative.
  const TimeNs book_age = now - std::max(book.last_update(), std::min(s.proven_at, now));
  Decision& d = decision_;  // reused: its strings keep their buffers
  strategy_->decide_into(
      StrategyInput{w, sig, base.available, quote.available, pos.last_buy_price, book, rules}, d);

  // What the record says: the strategy's words unless something below overrides them (the
  // overriding texts live in order_check_, written only on those rarer paths).
  std::string_view reason = d.reason, detail = d.detail;
  OrderCheck& oc = order_check_;
  oc.checked = oc.taken = false;
  // The source may know why it gave nothing (an LSTM's dead band or warm-up): say that.
  if (!sig && signal_ && d.reason == "no_signal") explain_no_signal(s, reason, detail);
  const std::optional<OrderRequest>& order = d.order;
  if (order) check_order(s, book, book_age, base.amount, now, reason, detail);
  const bool taken = oc.taken;

  Record& r = decision_doc_;
  if (decision_doc_for_ != &s) [[likely]] {
    if (!decision_doc_for_) r.doc_type = "decision";
    rewrite_text(r.symbol, s.symbol);
    decision_doc_for_ = &s;
  }
  {
    RecordRewriter f(r, w.end);
    f.put("window_start", static_cast<std::int64_t>(w.start));
    f.put("window_end", static_cast<std::int64_t>(w.end));
    f.put("decided_at", static_cast<std::int64_t>(now));
    f.put("ratio", w.ratio);
    f.put("ask_sum", w.ask_sum);
    f.put("bid_sum", w.bid_sum);
    if (sig) {
      f.put_string("signal", to_string(sig->side));
      f.put("signal_ds", static_cast<std::int64_t>(sig->target_minute));
      f.put("yhat", sig->yhat);
    } else {
      f.put("signal", std::monostate{});
      f.put("signal_ds", std::monostate{});
      f.put("yhat", std::monostate{});
    }
    f.put_string("base_currency", s.pair.base);
    f.put("base_available", base.available);
    f.put_string("quote_currency", s.pair.quote);
    f.put("quote_available", quote.available);
    f.put("last_buy_price", pos.last_buy_price);
    f.put("best_bid", w.best_bid);
    f.put("best_ask", w.best_ask);
    f.put("book_whole", book.whole());
    f.put("book_crossed", book.crossed());
    f.put("book_age_ms", static_cast<std::int64_t>(book_age / kNsPerMs));
    f.put("equity", eq);
    f.put("kill_switch", risk_.killed());
    if (risk_.killed()) {
      f.put_string("kill_reason", risk_.kill_reason());
    } else {
      f.put("kill_reason", std::monostate{});
    }
    f.put("daily_loss", risk_.daily_loss());
    f.put("drawdown_pct", risk_.drawdown_pct());
    f.put_string("action", to_string(d.action));
    f.put("taken", taken);
    f.put_string("reason", reason);
    f.put_string("detail", detail);
    f.put_string("strategy_reason", d.reason);
    if (oc.checked) {
      f.put_string("risk_reason", oc.verdict.reason);
    } else {
      f.put("risk_reason", std::monostate{});
    }
    if (taken) {
      f.put_string("client_order_id", order->client_order_id);
    } else {
      f.put("client_order_id", std::monostate{});
    }
    if (order) {
      f.put("amount", order->amount);
      f.put("price", order->price);
    } else {
      f.put("amount", std::monostate{});
      f.put("price", std::monostate{});
    }
  }
  emit(r);

  if (taken) send_order();
}

// ---- decide()'s rarer steps, out of line (decide runs cold, once per window close) ----

[[gnu::noinline]] void Engine::refresh_rules(SymbolState& s) {
  if (!exchange_) {
    s.rules = SymbolRules{s.symbol};
    return;
  }
  const std::uint64_t re = exchange_->rules_epoch();
  exchange_->rules_into(s.symbol, s.rules);
  s.rules_epoch = re;
}

[[gnu::noinline]] void Engine::locate_balances(SymbolState& s) {
  if (s.currencies_epoch != currencies_epoch_) {  // (indices move only with currencies)
    s.base_at = s.quote_at = SIZE_MAX;
    for (std::size_t i = 0; i < balances_.size(); ++i) {
      if (same_currency(balances_[i].currency, s.pair.base)) s.base_at = i;
      if (same_currency(balances_[i].currency, s.pair.quote)) s.quote_at = i;
    }
  }
  s.marks_at = shared_marks(s.pair.quote);
  s.currencies_epoch = currencies_epoch_;
  s.seen_traded = traded_.size();
}

[[gnu::noinline]] void Engine::find_position(SymbolState& s) {
  // No entry made here (one map node per symbol): account_order makes it when an order
  // executes, export_state lists the symbols that decided without one.
  const auto it = positions_.find(s.symbol);
  s.position = it != positions_.end() ? &it->second : &SymbolState::kFlat;
}

[[gnu::noinline]] void Engine::explain_no_signal(const SymbolState& s, std::string_view& reason,
                                                 std::string_view& detail) {
  std::optional<NoSignalReason>& why = order_check_.why;
  why = signal_->why_no_signal(s.symbol);
  if (!why) return;
  reason = why->code;
  detail = why->detail;
}

// The strategy's order through risk: taken (its client id written) or refused (the record's
// reason and detail then say why).
[[gnu::noinline]] void Engine::check_order(const SymbolState& s, const OrderBook& book,
                                           TimeNs book_age, Decimal position, TimeNs now,
                                           std::string_view& reason, std::string_view& detail) {
  OrderCheck& oc = order_check_;
  Decision& d = decision_;
  OrderRequest& order = *d.order;
  if (!exchange_) {
    reason = "no_exchange";
    oc.detail_text.assign("no exchange configured: ").append(d.detail);
    detail = oc.detail_text;
    return;
  }
  RiskContext ctx;
  ctx.book_whole = book.whole();
  ctx.book_crossed = book.crossed();
  ctx.book_age = book_age;
  ctx.orders_in_flight = exchange_->in_flight_for(s.symbol);
  ctx.now = now;
  // (ctx.equity left empty: decide() has just observed this equity at this time.)
  ctx.position = position;
  risk_.check_into(order, ctx, oc.verdict);  // (into its kept strings)
  oc.checked = true;
  const RiskVerdict& v = oc.verdict;
  if (v.allowed) {
    oc.taken = true;
    // "<run_id>-<n>", written into the request's own buffer.
    std::string& id = order.client_order_id;
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, next_order_seq_++).ptr;
    id.assign(config_.run_id).append(1, '-').append(digits, end);
    return;
  }
  ++stats_.rejected_by_risk;
  // Into the kept buffers: no temporaries per refusal.
  oc.reason_text.assign("risk_").append(v.reason);
  oc.detail_text.assign(v.detail).append(" (wanted: ").append(d.detail).append(1, ')');
  reason = oc.reason_text;
  detail = oc.detail_text;
}

[[gnu::noinline]] void Engine::send_order() {
  Decision& d = decision_;
  if (d.action == Action::Buy) ++stats_.buy_signals_taken;
  if (d.action == Action::Sell) ++stats_.sell_signals_taken;
  ++stats_.orders;
  // The decision's request is rewritten by the next decision anyway: moved out, not copied
  // (the callback keeps its own copy: a live exchange answers later).
  const OrderRequest req = std::move(*d.order);
  exchange_->place(req, [this, req](const OrderOutcome& o) { on_outcome(req, o); });
}

// ---- orders, fills, scores ----------------------------------------------------------

void Engine::on_fill(const Fill& f) {
  ++stats_.fills;
  stats_.fees += f.fee;
  if (f.ts > now_) now_ = f.ts;
  emit_balances(f.symbol, f.ts ? f.ts : now_);
}

void Engine::emit_balances(std::string_view symbol, TimeNs ts) {
  if (!exchange_) return;
  // A traded symbol's currencies are in its state (no split per fill).
  const SymbolState* st = find_state(symbol);
  CurrencyPair split;
  if (!st) split = split_symbol(symbol);
  const CurrencyPair& pair = st ? st->pair : split;
  // Into the decisions' copy: the next decision finds it current (the epoch has not moved).
  refresh_balances();
  const std::vector<Balance>& all = balances_;
  static const Balance kNone{};  // a currency the account has never seen: all zero
  for (const std::string* cur : {&pair.base, &pair.quote}) {
    const Balance* b = &kNone;
    for (const Balance& x : all)
      if (x.currency == *cur) b = &x;
    Record& r = balance_doc_;  // symbol stays empty: a balance belongs to the account
    if (r.doc_type != "balance") r.doc_type = "balance";
    {
      RecordRewriter f(r, ts);
      put_text(f, "currency", *cur);
      put_cold(f, "amount", b->amount);
      put_cold(f, "available", b->available);
      put_cold(f, "availableForWithdrawal", b->available_for_withdrawal);
    }
    emit(r);
  }
}

void Engine::on_outcome(const OrderRequest& req, const OrderOutcome& o) {
  switch (o.kind) {
    case OutcomeKind::Accepted:
      ++stats_.orders_accepted;
      break;
    case OutcomeKind::Rejected:
      ++stats_.orders_rejected;
      break;
    case OutcomeKind::Unknown:
      ++stats_.orders_unknown;
      break;
  }
  emit_order(&req, o);
  if (o.kind == OutcomeKind::Accepted) account_order(o.order);
}

void Engine::on_order_update(const Order& order) {
  emit_order(nullptr, OrderOutcome{OutcomeKind::Accepted, order, {}, {}});
  account_order(order);
}

void Engine::adopt_order(const Order& order) {
  accounted_[order.client_order_id.empty() ? order.order_id : order.client_order_id] = Accounted{
      order.executed_amount, order.avg_execution_price * order.executed_amount, order.fee};
}

void Engine::emit_order(const OrderRequest* req, const OrderOutcome& o) {
  const Order& ord = o.order;
  // A rejection may carry no order object: fall back to what was asked.
  bool known = !req || !ord.client_order_id.empty() || !ord.order_id.empty();
  Record& r = order_doc_;
  if (r.doc_type != "order") r.doc_type = "order";
  const std::string& symbol = known ? ord.symbol : req->symbol;
  if (r.symbol != symbol) r.symbol = symbol;
  {
    RecordRewriter f(r, ord.timestamp ? ord.timestamp : now_);
    put_text(f, "order_id", ord.order_id);
    put_text(f, "client_order_id", known ? ord.client_order_id : req->client_order_id);
    put_text(f, "side", to_string(known ? ord.side : req->side));
    put_text(f, "type", ord.type);
    put_text(f, "options", to_gemini_option(known ? ord.tif : req->tif));
    put_cold(f, "price", known ? ord.price : req->price);
    put_cold(f, "original_amount", known ? ord.original_amount : req->amount);
    put_cold(f, "executed_amount", ord.executed_amount);
    put_cold(f, "remaining_amount", known ? ord.remaining_amount : req->amount);
    put_cold(f, "avg_execution_price", ord.avg_execution_price);
    put_cold(f, "fee", ord.fee);
    put_cold(f, "is_live", ord.is_live);
    put_cold(f, "is_cancelled", ord.is_cancelled || o.kind == OutcomeKind::Rejected);
    put_text(f, "reason", o.kind == OutcomeKind::Rejected ? o.reason : ord.reason);
    put_text(f, "outcome", outcome_name(o.kind));
    put_text(f, "message", o.message);
  }
  emit(r);
}

void Engine::account_order(const Order& ord) {
  // Only what is new since this order was last seen counts (resting orders report again).
  // An order never seen that executed nothing (most IOC orders) changes nothing: no entry
  // is made for it (an absent entry reads as all zero, as a new one would).
  const std::string& key = ord.client_order_id.empty() ? ord.order_id : ord.client_order_id;
  auto it = accounted_.find(key);
  if (it == accounted_.end()) {
    if (!ord.executed_amount.is_positive()) return;
    it = accounted_.emplace(key, Accounted{}).first;
  }
  Accounted& seen = it->second;
  Decimal d_exec = ord.executed_amount - seen.executed;
  if (!d_exec.is_positive()) return;
  Decimal notional = ord.avg_execution_price * ord.executed_amount;
  Decimal d_notional = notional - seen.notional;
  Decimal exit_price = d_notional.checked_div(d_exec).value_or(ord.avg_execution_price);
  Decimal fee_share = ord.fee - seen.fee;
  seen = Accounted{ord.executed_amount, notional, ord.fee};

  const auto [pit, made] = positions_.try_emplace(ord.symbol);
  EnginePosition& pos = pit->second;
  if (made) {  // a symbol that read kFlat reads its entry from now on
    const auto st = state_at(ord.symbol);
    if (st != states_.end() && (*st)->symbol == ord.symbol && (*st)->position)
      (*st)->position = &pos;
  }
  if (ord.side == OrderSide::Buy) {
    // Entry price: weighted over what is held (one buy per position under the book's rules).
    Decimal held_cost = pos.last_buy_price && pos.entry_amount.is_positive()
                            ? *pos.last_buy_price * pos.entry_amount
                            : Decimal{};
    Decimal amount = pos.entry_amount + d_exec;
    pos.last_buy_price = (held_cost + d_notional).checked_div(amount).value_or(exit_price);
    pos.entry_amount = amount;
    pos.entry_fees += fee_share;
    return;
  }

  // A sell closes (part of) the position: score the round trip.
  Decimal entry_fee_share;
  if (pos.entry_amount.is_positive()) {
    Decimal part = min(d_exec, pos.entry_amount);
    // A full exit takes every entry fee exactly (the proportional share truncates).
    entry_fee_share =
        part == pos.entry_amount
            ? pos.entry_fees
            : (pos.entry_fees * part).checked_div(pos.entry_amount).value_or(pos.entry_fees);
    pos.entry_fees -= entry_fee_share;
    pos.entry_amount -= part;
  }
  Decimal fees = fee_share + entry_fee_share;
  Record& r = score_doc_;  // rewritten in place, as the other documents
  if (r.doc_type != "score") r.doc_type = "score";
  r.symbol.assign(ord.symbol);
  {
    RecordRewriter f(r, ord.timestamp ? ord.timestamp : now_);
    if (pos.last_buy_price) {
      Decimal profit = (exit_price - *pos.last_buy_price) * d_exec - fees;
      stats_.realized_pnl += profit;
      put_cold(f, "profit", profit);
    } else {
      put_cold(f, "profit", std::monostate{});  // no known entry: no made-up profit
    }
    put_cold(f, "fees", fees);
    put_cold(f, "entry_price", pos.last_buy_price);
    put_cold(f, "exit_price", exit_price);
    put_cold(f, "amount", d_exec);
    put_text(f, "client_order_id", ord.client_order_id);
    put_text(f, "order_id", ord.order_id);
  }
  ++stats_.scores;
  emit(r);
}

// ---- restart state ------------------------------------------------------------------

EngineState Engine::export_state() const {
  EngineState s;
  s.positions = positions_;
  // A symbol that has decided is listed even with nothing held (flat, no entry of its own).
  for (const auto& st : states_)
    if (st->position) s.positions.try_emplace(st->symbol);
  s.risk = risk_.export_state();
  s.next_order_seq = next_order_seq_;
  return s;
}

void Engine::import_state(const EngineState& s) {
  positions_ = s.positions;
  for (auto& st : states_) st->position = nullptr;  // (nodes reused for other keys)
  risk_.import_state(s.risk);
  next_order_seq_ = std::max<std::uint64_t>(s.next_order_seq, 1);
}

}  // namespace rtcrypto
