#pragma once
// The Exchange interface on top of the Gemini REST client (sandbox and live). Runs on the
// daemon's io_context: callbacks arrive on that thread. Orders carry client_order_ids
// with this daemon's prefix; an order whose outcome is unclear stays in flight until a
// status lookup by client_order_id resolves it. Fills are detected from the order status
// (executed_amount grew) and read from /v1/mytrades (price, amount, fee, liquidity); the
// balance cache is refreshed after each fill. reconcile() at start loads symbol rules,
// fee rates, balances and open orders (adopting those of a previous session of ours by
// prefix); shutdown() cancels this session's resting orders.
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "rtcrypto/exec/exchange.hpp"
#include "rtcrypto/net/gemini_rest_client.hpp"

namespace boost::asio {
class io_context;
}

namespace rtcrypto::net {

struct GeminiExchangeConfig {
  std::vector<std::string> symbols;
  std::string client_id_prefix = "rtc-";  // orders with this prefix are ours (any session)
  TimeNs poll_interval = 2 * kNsPerSec;   // status of resting / unresolved orders
  TimeNs heartbeat_interval = 0;          // >0: /v1/heartbeat when idle that long
  int fill_match_polls = 5;               // polls for mytrades to show a fill, then synthesize
  // An unresolved order is looked up every poll_interval at first; each failed lookup (no
  // answer) doubles the pause, up to this. It is asked about until the exchange answers.
  TimeNs lookup_backoff_max = 60 * kNsPerSec;
};

struct ReconcileReport {
  std::size_t symbols_with_rules = 0;
  std::vector<Balance> balances;
  std::vector<Order> adopted_orders;    // open orders of ours (this prefix) from before
  std::size_t foreign_open_orders = 0;  // open orders on the account that are not ours
  std::vector<Order> foreign_orders;    // those orders (left alone)
  FeeRates fees;
  bool fees_known = false;
  std::vector<std::string> errors;  // what could not be loaded
  bool ok() const { return errors.empty(); }
};

// What a lookup by client_order_id found for an order whose outcome was never learned.
struct OrderLookup {
  enum class Status : std::uint8_t { Found, NotFound, Unknown };
  std::string client_order_id;
  Status status = Status::Unknown;
  Order order;        // when Found
  std::string error;  // when Unknown: the last failure
};

struct GeminiExchangeStats {
  std::uint64_t placed = 0, accepted = 0, rejected = 0, unknown = 0, resolved_late = 0;
  std::uint64_t cancels = 0, fills = 0, balance_refreshes = 0;
};

class GeminiExchange final : public Exchange {
 public:
  GeminiExchange(boost::asio::io_context& io, GeminiRestClient& rest, GeminiExchangeConfig config);
  ~GeminiExchange() override;

  std::string_view name() const override { return "gemini"; }
  void place(const OrderRequest& request, OrderCallback done) override;
  void cancel(const std::string& order_id, OrderCallback done) override;
  std::vector<Balance> balances() const override;
  std::optional<Order> order_by_client_id(const std::string& client_order_id) const override;
  std::vector<Order> open_orders() const override;
  SymbolRules rules(const std::string& symbol) const override;
  void set_fill_listener(FillListener listener) override;
  std::size_t in_flight() const override;
  // Orders of `symbol` unanswered or with an unknown outcome not yet resolved (the engine
  // sends no new order for the symbol meanwhile).
  std::size_t in_flight_for(std::string_view symbol) const override;

  // Loads rules, fees, balances and open orders; call before the first order.
  void reconcile(std::function<void(const ReconcileReport&)> done);
  // Orders of an earlier process whose outcome is not known (intent stored, answer lost),
  // looked up by client_order_id: retried on failures, "not found" only when two lookups a
  // poll interval apart agree. Found orders are tracked and their fills reported as news
  // (they were never reported). The answer has one entry per id, in the given order.
  void resolve_orders(std::vector<std::string> client_order_ids,
                      std::function<void(std::vector<OrderLookup>)> done, int max_attempts = 5);
  // Called when an order already answered changes later: an unknown outcome resolved (or
  // given up as never placed: a cancelled order, reason "NotPlaced", nothing executed), a
  // resting order filled or cancelled (not for outcomes handed to place()/cancel() callers).
  void set_order_listener(std::function<void(const Order&)> listener);
  void refresh_balances(std::function<void(const RestStatus&)> done = {});
  // Cancels this session's resting orders (/v1/order/cancel/session) and stops polling.
  void shutdown(std::function<void(const RestStatus&, const CancelSessionResult&)> done);
  FeeRates fees() const;
  GeminiExchangeStats stats() const;

  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace rtcrypto::net
