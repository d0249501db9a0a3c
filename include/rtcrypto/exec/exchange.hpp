#pragma once
// The exchange interface the engine trades through. Paper, the Gemini REST client and the
// simulator's client all implement it. Calls are asynchronous: the outcome arrives through
// the callback, on the engine's thread (an implementation that does I/O posts it back).
// An outcome that is not known (timeout, 5xx) is reported as Unknown and stays in flight
// until the implementation has resolved it by client_order_id.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "rtcrypto/core/decimal.hpp"
#include "rtcrypto/core/time.hpp"
#include "rtcrypto/core/types.hpp"

namespace rtcrypto {

// Gemini's order execution options for "exchange limit" orders.
enum class TimeInForce : std::uint8_t {
  GoodTillCancel,
  ImmediateOrCancel,
  FillOrKill,
  MakerOrCancel
};
std::string_view to_gemini_option(TimeInForce tif);  // "", "immediate-or-cancel", ...

struct OrderRequest {
  std::string client_order_id;  // unique per intent; never reused
  std::string symbol;
  OrderSide side = OrderSide::Buy;
  Decimal amount;  // base units, already rounded to the symbol's tick_size
  Decimal price;   // limit price, already rounded to quote_increment
  TimeInForce tif = TimeInForce::ImmediateOrCancel;
};

// Shaped like Gemini's order status object.
struct Order {
  std::string order_id;
  std::string client_order_id;
  std::string symbol;
  OrderSide side = OrderSide::Buy;
  std::string type = "exchange limit";
  TimeInForce tif = TimeInForce::ImmediateOrCancel;
  Decimal price;
  Decimal original_amount;
  Decimal executed_amount;
  Decimal remaining_amount;
  Decimal avg_execution_price;
  Decimal fee;           // in the quote currency
  bool is_live = false;  // resting on the book
  bool is_cancelled = false;
  std::string reason;  // why cancelled ("ImmediateOrCancelWillNotFill", ...)
  TimeNs timestamp = 0;
};

enum class OutcomeKind : std::uint8_t { Accepted, Rejected, Unknown };

struct OrderOutcome {
  OutcomeKind kind = OutcomeKind::Unknown;
  Order order;          // valid when Accepted (and as far as known otherwise)
  std::string reason;   // Gemini's reason code when Rejected: InsufficientFunds, InvalidPrice, ...
  std::string message;  // human-readable detail
};

struct Balance {
  std::string currency;
  Decimal amount;
  Decimal available;
  Decimal available_for_withdrawal;
};

// Price tick, quantity step and minimum size of a symbol (from /v1/symbols/details).
struct SymbolRules {
  std::string symbol;
  Decimal tick_size = Decimal::from_raw(Decimal::kOne / 100'000'000);  // quantity step
  Decimal quote_increment = Decimal::from_raw(Decimal::kOne / 100);    // price tick
  Decimal min_order_size = Decimal::from_raw(Decimal::kOne / 100'000);
  std::string status = "open";
};

// A fill on one of our orders (an order may fill in several pieces, or later if it rests).
struct Fill {
  std::string order_id;
  std::string client_order_id;
  std::string symbol;
  OrderSide side = OrderSide::Buy;
  Decimal price;
  Decimal amount;
  Decimal fee;
  bool maker = false;
  TimeNs ts = 0;
};

class Exchange {
 public:
  using OrderCallback = std::function<void(const OrderOutcome&)>;
  using FillListener = std::function<void(const Fill&)>;

  virtual ~Exchange() = default;
  virtual std::string_view name() const = 0;
  virtual void place(const OrderRequest& request, OrderCallback done) = 0;
  virtual void cancel(const std::string& order_id, OrderCallback done) = 0;
  // Last known balances (paper: exact; REST: as of the last refresh).
  virtual std::vector<Balance> balances() const = 0;
  // The same, written into `out` (a caller that keeps `out` between calls lets an override
  // reuse its storage: the engine asks on every decision).
  virtual void balances_into(std::vector<Balance>& out) const { out = balances(); }
  virtual std::optional<Order> order_by_client_id(const std::string& client_order_id) const = 0;
  virtual std::vector<Order> open_orders() const = 0;
  virtual SymbolRules rules(const std::string& symbol) const = 0;
  // The same, written into `out` (reusing its strings where an override can).
  virtual void rules_into(const std::string& symbol, SymbolRules& out) const {
    out = rules(symbol);
  }
  // Numbers that change whenever balances_into() (resp. rules_into()) could answer otherwise
  // (0: no such promise, ask every time). A caller may keep the answers while they stay.
  virtual std::uint64_t balances_epoch() const { return 0; }
  virtual std::uint64_t rules_epoch() const { return 0; }
  // Every fill, including those of resting orders that fill later.
  virtual void set_fill_listener(FillListener listener) = 0;
  // Orders whose outcome is not known yet (none for paper).
  virtual std::size_t in_flight() const { return 0; }
  // The same for one symbol: orders of `symbol` sent and not settled — no answer yet, or an
  // unknown outcome (timeout, 5xx) not yet resolved by a lookup by client_order_id. The
  // engine sends no new order for the symbol while this is not zero (risk: order_in_flight).
  virtual std::size_t in_flight_for(std::string_view /*symbol*/) const { return 0; }
};

}  // namespace rtcrypto
