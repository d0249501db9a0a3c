#pragma once
// The trading core in one MarketEventSink: books, liquidity windows, signal, strategy,
// risk and the exchange, emitting every document (window records, ticker, decision, order,
// balance, score) to its record sinks. Deterministic: the same event stream, signal and
// exchange give the same records in the same order; time is event time only.
//
// Per change: find the symbol's state (cached for runs of one symbol), close its window if
// the event time has reached the window end (book metrics from before the event), apply the
// change to the book, add it to the window. No allocation on that path.
//
// On each closed window, in this order: the three window records, a ticker, then the
// decision (signal for the next minute, balances, strategy, risk) and its `decision` record;
// an order that passes risk goes to the exchange with client_order_id `<run_id>-<n>`; its
// fills give `balance` records (base and quote of the symbol), its outcome an `order`
// record, and a filled sell a `score` record.
#include <array>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "rtcrypto/book/book_builder.hpp"
#include "rtcrypto/core/events.hpp"
#include "rtcrypto/core/record.hpp"
#include "rtcrypto/exec/exchange.hpp"
#include "rtcrypto/risk/risk_manager.hpp"
#include "rtcrypto/signal/signal_source.hpp"
#include "rtcrypto/strategy/strategy.hpp"
#include "rtcrypto/window/window_aggregator.hpp"

namespace rtcrypto {

struct EngineConfig {
  std::vector<std::string> symbols;  // upper case; empty = every symbol in the stream
  TimeNs window_length = 60 * kNsPerSec;
  RatioMode ratio_mode = RatioMode::AskOverBid;
  double depth_pct = 1.0;
  std::string run_id = "run";
  BookStrategyConfig strategy;  // used when no Strategy is given
  RiskLimits risk;
  // Also decide after every frame that changed a traded symbol's book (end_of_frame), on
  // its open window as it stands so far (WindowAggregator::peek; window records still come
  // only at close). Off by default — the book's rules decide once per closed window; the
  // tick-to-order benchmark turns it on to get a decision, and so an order, per frame.
  bool decide_every_update = false;
};

struct EngineStats {
  std::uint64_t changes = 0;  // level changes of the traded symbols (snapshots included)
  std::uint64_t trades = 0;
  std::uint64_t gaps = 0;
  std::uint64_t windows = 0;
  std::uint64_t decisions = 0;
  std::uint64_t buy_signals_taken = 0;
  std::uint64_t sell_signals_taken = 0;
  std::uint64_t orders = 0;  // sent to the exchange
  std::uint64_t orders_accepted = 0;
  std::uint64_t orders_rejected = 0;  // by the exchange
  std::uint64_t orders_unknown = 0;
  std::uint64_t rejected_by_risk = 0;
  std::uint64_t fills = 0;
  std::uint64_t scores = 0;
  Decimal fees;          // quote units, from fills
  Decimal realized_pnl;  // Σ score profit
};

// What the engine needs back after a restart (besides the exchange's own state).
struct EnginePosition {
  std::optional<Decimal> last_buy_price;  // entry price of the open position
  Decimal entry_amount;                   // base bought and not yet sold
  Decimal entry_fees;                     // fees paid for entry_amount
};
struct EngineState {
  std::map<std::string, EnginePosition> positions;
  RiskState risk;
  std::uint64_t next_order_seq = 1;  // client_order_id counter: never reused
};

class Engine final : public MarketEventSink {
 public:
  // `signal` and `exchange` may be null (no signal: every decision is "no_signal"; no
  // exchange: decisions are recorded, nothing is sent). `strategy` defaults to BookStrategy.
  // The engine installs itself as the exchange's fill listener and never removes itself:
  // the exchange must not report fills after the engine is destroyed.
  Engine(EngineConfig config, SignalSource* signal, Exchange* exchange,
         std::unique_ptr<Strategy> strategy = nullptr);
  ~Engine() override;
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  void add_sink(RecordSink* sink) { sinks_.push_back(sink); }

  void on_snapshot_begin(std::string_view symbol, TimeNs ts) override;
  void on_level(const LevelChange& c) override;
  void on_levels(std::span<const LevelChange> cs) override;  // same as on_level for each
  void on_level_batch(const LevelBatch& b) override;         // the same, one lookup
  void on_snapshot_end(std::string_view symbol, TimeNs ts) override;
  void on_trade(const TradeEvent& t) override;
  void on_trades(std::span<const TradeEvent> ts) override;  // same as on_trade for each
  void on_ticker(const TickerEvent& t) override;
  void on_gap(std::string_view symbol, TimeNs ts, std::string_view why) override;
  void on_time(TimeNs ts) override;

  // The live source's proof that `symbol`'s book is current: a frame arrived (at receive
  // time `ts`) on the connection that carries it, after every frame before it (TCP is in
  // order), so no change of the book was missed up to then. While the book is whole, its
  // freshness for the stale-book guard moves to max(now(), ts); a quiet market's
  // heartbeats, pongs and trades keep it fresh (risk_manager.hpp, max_book_age).
  void on_feed_current(std::string_view symbol, TimeNs ts);
  // A frame on the connection that carries `symbol` could not be read: it may have been a
  // change of this book, so proofs count again only after its next change or snapshot.
  void on_feed_suspect(std::string_view symbol);
  // The time the stale-book guard measures from (last change or proof); 0 for no book.
  TimeNs fresh_at(std::string_view symbol) const;

  // Once per frame: drops books found crossed (BookBuilder::end_of_frame); with
  // decide_every_update, then decides for each traded symbol whose book the frame changed.
  // Inline: the frame-end callback runs it without a call of its own.
  void end_of_frame(TimeNs ts) {
    builder_.end_of_frame(ts);
    if (config_.decide_every_update) [[unlikely]]
      decide_updated();
  }
  // Closes every open window (end of a replay), taking its decision at max(ts, now()).
  void flush(TimeNs ts);
  // An order that changed later (a resting order filled): emits its `order` record (and a
  // score for a sell). Wire PaperExchange::set_order_listener here.
  void on_order_update(const Order& order);
  // An order known from before (a restart): what it has executed so far is history, already
  // in the position; only later executions count (on_order_update then accounts them).
  void adopt_order(const Order& order);

  // The latest event time seen (for the paper exchange's clock).
  TimeNs now() const { return now_; }
  const OrderBook* book(std::string_view symbol) const { return builder_.find(symbol); }
  BookBuilder& book_builder() { return builder_; }
  RiskManager& risk() { return risk_; }
  const EngineStats& stats() const { return stats_; }
  const EngineConfig& config() const { return config_; }
  bool trades_symbol(std::string_view symbol) const;

  EngineState export_state() const;
  void import_state(const EngineState& state);

 private:
  struct SymbolState;
  SymbolState* state_for(std::string_view symbol);  // cached for runs of one symbol
  SymbolState* lookup(std::string_view symbol);
  void advance(SymbolState& s, TimeNs t);       // inline check: closes only when due
  void close_window(SymbolState& s, TimeNs t);  // out of line: the rare close
  void note_window(const SymbolState& s);       // after a window.add (it may have opened one)
  void on_window(SymbolState& s, const WindowResult& w, TimeNs now);
  void decide(SymbolState& s, const WindowResult& w, TimeNs now);
  void decide_updated();  // decide_every_update: the symbols changed since the last frame
  // decide()'s rarer steps, out of line: its common path stays compact (it runs cold).
  void refresh_rules(SymbolState& s);    // the exchange's rules epoch moved (or none)
  void locate_balances(SymbolState& s);  // the currencies or traded_ changed
  void find_position(SymbolState& s);    // its first decision (or after import_state)
  void explain_no_signal(const SymbolState& s, std::string_view& reason, std::string_view& detail);
  void check_order(const SymbolState& s, const OrderBook& book, TimeNs book_age, Decimal position,
                   TimeNs now, std::string_view& reason, std::string_view& detail);
  void send_order();  // the decision's order, taken
  void on_outcome(const OrderRequest& req, const OrderOutcome& outcome);
  void on_fill(const Fill& f);
  void account_order(const Order& order);
  void emit_order(const OrderRequest* req, const OrderOutcome& outcome);
  void emit_balances(std::string_view symbol, TimeNs ts);
  // A decision's equity in `quote`: the quote currency at face value, each base of a traded
  // symbol in that quote marked at its book's mid. Which balance is which (marks_into, one
  // entry per balance) is kept per symbol while the account's currencies stay.
  void refresh_balances();  // balances_ as of the exchange's balances_epoch()
  // traded_[from, end)'s marks written over `out` (from 0: `out` built afresh).
  void marks_into(std::string_view quote, std::vector<const SymbolState*>& out,
                  std::size_t from = 0) const;
  // marks_into's result for `quote`, worked out once per quote (not per symbol) while the
  // currencies stay, extended by the symbols traded_ gains: its index in quote_marks_.
  struct QuoteMarks;
  std::size_t shared_marks(std::string_view quote);
  std::optional<Decimal> equity_of(const QuoteMarks& q) const;
  void emit(const Record& r);

  EngineConfig config_;
  SignalSource* signal_;
  Exchange* exchange_;
  std::unique_ptr<Strategy> strategy_;
  RiskManager risk_;
  BookBuilder builder_;
  std::vector<std::unique_ptr<SymbolState>> states_;  // sorted by symbol
  std::vector<std::unique_ptr<SymbolState>>::const_iterator state_at(std::string_view symbol) const;
  const SymbolState* find_state(std::string_view symbol) const;  // null: never seen
  std::vector<SymbolState*> traded_;                             // in order of first appearance
  SymbolState* last_ = nullptr;
  // Symbols alternate frame by frame: states by a hash of the symbol's text (checked by
  // content), whatever text the event's view points into.
  std::array<SymbolState*, 64> state_slots_{};
  // A batch's state by its symbol id (ids are never reused; see LevelBatch).
  SymbolState* state_for(const LevelBatch& b);
  void on_level_batch_slow(const LevelBatch& b);          // a new id, a close due, no levels
  void apply_batch(SymbolState& s, const LevelBatch& b);  // window sums, then the book
  void open_window(SymbolState& s, TimeNs ts);            // a batch's window, not yet open
  // The per-event paths' rare cases, out of line so that the common ones save no registers.
  SymbolState* state_for_slow(std::string_view symbol);  // another symbol than the last
  void close_due(TimeNs ts);                             // on_time's sweep
  void on_trade_slow(const TradeEvent& t);               // another symbol, or a close due
  void add_trade(SymbolState& s, const TradeEvent& t);   // on_trade after the close check
  struct IdSlot {
    std::uint32_t id = 0;
    SymbolState* state = nullptr;
  };
  std::array<IdSlot, 64> id_slots_{};  // empty: an id that maps to another slot (ctor)
  // No open window ends before this: on_time skips its sweep over the symbols until then.
  TimeNs next_close_ = std::numeric_limits<TimeNs>::max();
  std::vector<RecordSink*> sinks_;
  // The documents of a window close, rebuilt in place for every window (emit is synchronous
  // and sinks copy what they keep), so a close allocates nothing once warmed up.
  // Their doc types are set once, their symbol only when it is another symbol's turn (the
  // state they were last named for): no text compared per close.
  std::array<Record, 3> window_docs_;
  WindowResult closed_;  // the window being closed, rewritten per close (nothing re-enters)
  Record ticker_doc_;
  Record decision_doc_;
  const SymbolState* window_docs_for_ = nullptr;  // window docs and ticker
  const SymbolState* decision_doc_for_ = nullptr;
  Decision decision_;  // the strategy's last decision, rewritten in place
  // What check_order and explain_no_signal found for the last decision (its record holds
  // views of these texts until emitted).
  struct OrderCheck {
    bool checked = false;  // risk_.check ran: verdict is this decision's
    bool taken = false;
    RiskVerdict verdict;
    std::string reason_text, detail_text;
    std::optional<NoSignalReason> why;
  };
  OrderCheck order_check_;
  std::vector<Balance> balances_;     // the exchange's balances at the last decision
  std::uint64_t balances_epoch_ = 0;  // the exchange's balances_epoch() they are of
  // Moves when balances_'s list of currencies changes (their indices with it).
  std::uint64_t currencies_epoch_ = 0;
  std::vector<std::string> previous_currencies_;  // as of the last currencies_epoch_ move
  struct QuoteMarks {
    std::string quote;
    std::uint64_t currencies_epoch = 0;
    std::size_t seen_traded = 0;
    bool valid = false;
    std::vector<const SymbolState*> marks;
    // The balances that count (a mark or face value), by index in balances_, in order: the
    // equity's walk skips the rest.
    std::vector<std::pair<std::size_t, const SymbolState*>> used;
  };
  std::vector<QuoteMarks> quote_marks_;  // shared_marks_into's, one per quote seen
  // The documents of an order outcome and of a fill, likewise rewritten in place.
  Record order_doc_;
  Record balance_doc_;
  Record score_doc_;
  // Entries made when an order of the symbol executes (a flat symbol reads a shared zero).
  std::map<std::string, EnginePosition> positions_;
  // What each order had executed when last accounted, so a later update of the same
  // order (a resting order filling) only adds what is new.
  struct Accounted {
    Decimal executed, notional, fee;
  };
  std::unordered_map<std::string, Accounted> accounted_;  // (hashed: ids share a prefix)
  std::uint64_t next_order_seq_ = 1;
  TimeNs now_ = 0;
  EngineStats stats_;
};

}  // namespace rtcrypto
