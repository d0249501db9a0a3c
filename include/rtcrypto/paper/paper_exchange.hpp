#pragma once
// A simulated Gemini account that fills "exchange limit" orders against the local order
// book. No I/O and deterministic: the same books, clock values and calls give the same
// orders, ids, fills and balances. Callbacks and listeners run synchronously, after the
// account state is updated (so they may call back into the exchange).
//
// Matching (the real book is never modified):
// - taker: a buy walks the asks from the best while ask <= limit, a sell the bids while
//   bid >= limit, at each level's price, taking min(remaining, displayed quantity not yet
//   consumed by our orders) floored to the symbol's tick_size;
// - immediate-or-cancel: the rest is cancelled (reason ImmediateOrCancelWouldPost, also
//   after a partial fill); fill-or-kill: all or nothing (FillOrKillWouldNotFill);
//   maker-or-cancel: cancelled whole if the limit crosses the best opposite price
//   (MakerOrCancelWouldTake), otherwise it rests; no option (GTC): takes what crosses now,
//   rests the remainder. A cancelled order comes back Accepted with is_cancelled, as
//   Gemini's order/new response does.
// - resting orders fill in on_book_update() when the opposite side moves through their
//   limit: at the order's limit price, maker fee, up to the displayed crossing quantity;
//   buys by highest price first, sells by lowest, then by age.
// - our own orders never match each other (no self-cross check).
//
// Funds: a buy needs price × amount × (1 + fee) of the quote currency available (taker
// fee; maker fee for maker-or-cancel), a sell `amount` of the base currency. A resting
// order holds what its remainder can cost (buy: limit × remaining × (1 + maker fee); sell:
// remaining base), so available = amount − holds. Fees are exact (see paper_config.hpp).
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "rtcrypto/exec/exchange.hpp"
#include "rtcrypto/paper/consumed_overlay.hpp"
#include "rtcrypto/paper/paper_config.hpp"
#include "rtcrypto/paper/paper_state.hpp"

namespace rtcrypto {

struct PaperStats {
  std::uint64_t accepted = 0;
  std::uint64_t rejected = 0;
  std::uint64_t fills = 0;
  std::uint64_t cancelled = 0;  // by option or by request
};

class PaperExchange : public Exchange {
 public:
  // Throws std::invalid_argument on a bad config (fee bps outside [0, 10000), a negative
  // balance, non-positive rule steps).
  explicit PaperExchange(PaperConfig config);

  std::string_view name() const override { return "paper"; }
  void place(const OrderRequest& request, OrderCallback done) override;
  // Cancels an open order (reason "Requested", releases its hold). An order that is already
  // closed is returned as it is; an unknown id is Rejected with OrderNotFound.
  void cancel(const std::string& order_id, OrderCallback done) override;
  // Every currency the account has seen, sorted by currency.
  std::vector<Balance> balances() const override;
  void balances_into(std::vector<Balance>& out) const override;
  std::optional<Order> order_by_client_id(const std::string& client_order_id) const override;
  std::vector<Order> open_orders() const override;
  SymbolRules rules(const std::string& symbol) const override;
  void rules_into(const std::string& symbol, SymbolRules& out) const override;
  // Moves on every fill, resting order, cancel and state import (not on an order that neither
  // fills nor rests: no balance changes); the rules are fixed by the config.
  std::uint64_t balances_epoch() const override { return epoch_; }
  std::uint64_t rules_epoch() const override { return 1; }
  void set_fill_listener(FillListener listener) override { fill_listener_ = std::move(listener); }

  // Fills resting orders of `symbol` that the book now crosses. Call after each book update.
  void on_book_update(std::string_view symbol);
  // Called with the updated order after on_book_update() fills it (place/cancel report
  // through their callback instead).
  void set_order_listener(std::function<void(const Order&)> listener) {
    order_listener_ = std::move(listener);
  }

  // Balance of one currency (zero if never seen).
  Balance balance(std::string_view currency) const;
  const PaperStats& stats() const { return stats_; }

  PaperState export_state() const;
  // Replaces balances, open orders and the id counter (closed-order history is cleared).
  // Throws std::invalid_argument if the state is inconsistent (negative balance, an open
  // order without a positive remainder, holds above the balance).
  void import_state(const PaperState& state);

 private:
  struct Planned {
    Decimal price;      // level price
    Decimal amount;     // taken
    Decimal displayed;  // level's displayed quantity
  };
  struct Rejection {
    std::string reason;
    std::string message;
  };

  // `sym` is r.symbol normalized, `pair` its currencies (place() has them already).
  std::optional<Rejection> validate(const OrderRequest& r, const std::string& sym,
                                    const CurrencyPair& pair, const SymbolRules& rules,
                                    const OrderBook*& book) const;
  // The levels a taker order takes, written over `plan`.
  void plan_taker(std::string_view symbol, const OrderBook& book, OrderSide side, Decimal limit,
                  Decimal amount, Decimal tick, std::vector<Planned>& plan);
  void apply_fill(PaperOpenOrder& o, const CurrencyPair& pair, Decimal price, Decimal amount,
                  Decimal displayed, Decimal level_price, bool maker, std::vector<Fill>& fills);
  Decimal fee_for(Decimal notional, bool maker) const;
  Decimal hold_of(const Order& o) const;
  std::map<std::string, Decimal> holds() const;
  Decimal& amount_of(const std::string& currency);
  Decimal available_of(const std::string& currency) const;
  void close(std::uint64_t seq, PaperOpenOrder&& o);  // seq: o's numeric order id
  void notify(const std::vector<Fill>& fills);
  TimeNs now() const { return config_.now ? config_.now() : 0; }

  PaperConfig config_;
  Decimal taker_rate_;
  Decimal maker_rate_;
  std::map<std::string, Decimal, std::less<>> amounts_;
  std::map<std::uint64_t, PaperOpenOrder> open_;  // by numeric id
  // Closed orders by numeric id (every order id is one: place makes them, import checks
  // them), compared as integers, not texts.
  std::map<std::uint64_t, Order> closed_;
  std::deque<std::uint64_t> closed_order_;  // eviction order of closed_
  // client id -> id (latest); hashed: ids of one run share a long prefix.
  std::unordered_map<std::string, std::uint64_t> by_client_id_;
  std::uint64_t next_id_;
  ConsumedOverlay overlay_;
  FillListener fill_listener_;
  std::function<void(const Order&)> order_listener_;
  PaperStats stats_;
  // place()'s rules and currencies per symbol, worked out at its first order (rules are
  // fixed by the config, the split by the symbol; map nodes are stable).
  struct SymbolInfo {
    SymbolRules rules;
    CurrencyPair pair;
  };
  std::unordered_map<std::string, SymbolInfo> place_info_;
  std::uint64_t epoch_ = 1;  // balances_epoch(); never 0
  // place()'s plan and fills, kept between orders (no allocation per order once grown).
  std::vector<Planned> plan_buffer_;
  std::vector<Fill> fills_buffer_;
};

}  // namespace rtcrypto
