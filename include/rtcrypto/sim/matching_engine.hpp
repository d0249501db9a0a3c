#pragma once
// The simulator's exchange core: one price-time-priority book per symbol, accounts with
// balances and holds, maker/taker fees, and Gemini's order options (IOC, FOK, MOC). Every
// change to an aggregated price level and every trade is reported to one listener, which the
// market-data side turns into websocket frames. Single-threaded: the caller serializes.
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include "rtcrypto/book/order_book.hpp"
#include "rtcrypto/core/clock.hpp"
#include "rtcrypto/core/decimal.hpp"
#include "rtcrypto/core/types.hpp"
#include "rtcrypto/exec/exchange.hpp"

namespace rtcrypto::sim {

struct SymbolInfo {
  std::string symbol;       // "BTCUSD"
  std::string base;         // "BTC"
  std::string quote;        // "USD"
  Decimal tick_size;        // quantity step
  Decimal quote_increment;  // price tick
  Decimal min_order_size;
  std::string status = "open";
  int price_digits = 2;  // digits of quote_increment (how prices are printed)
  int qty_digits = 8;    // digits of tick_size
};
// Sensible Gemini-like rules for a symbol (BTC/ETH known, others generic).
SymbolInfo default_symbol_info(std::string_view symbol);

struct SimOrder {
  std::uint64_t id = 0;
  std::string account;
  std::string client_order_id;  // empty when none was sent
  std::string symbol;
  OrderSide side = OrderSide::Buy;
  TimeInForce tif = TimeInForce::GoodTillCancel;
  Decimal price;
  Decimal original;
  Decimal executed;
  Decimal remaining;
  Decimal notional;  // Σ fill price × quantity (for the average price)
  Decimal fee;
  Decimal hold;  // what is still held for this order (quote for buys, base for sells)
  bool live = false;
  bool cancelled = false;
  std::string reason;
  TimeNs ts = 0;
  Decimal avg_price() const;
};

// One fill seen from one account (Gemini's /v1/mytrades row).
struct AccountTrade {
  std::uint64_t tid = 0;
  std::uint64_t order_id = 0;
  std::string client_order_id;
  std::string symbol;
  OrderSide side = OrderSide::Buy;
  Decimal price;
  Decimal amount;
  Decimal fee;
  std::string fee_currency;
  bool aggressor = false;
  TimeNs ts = 0;
};

struct PublicTrade {
  std::uint64_t tid = 0;
  Decimal price;
  Decimal amount;
  OrderSide taker_side = OrderSide::Buy;
  TimeNs ts = 0;
};

struct LevelChange {
  Side side = Side::Bid;
  Decimal price;
  Decimal remaining;  // new total at the level (0 = gone)
  Decimal delta;
  std::string_view reason;  // "place", "cancel", "trade"
  std::uint64_t update_id = 0;
};

// Everything one engine operation did to one symbol's public market.
struct MarketEvents {
  std::string symbol;
  TimeNs ts = 0;
  std::vector<PublicTrade> trades;
  std::vector<LevelChange> changes;
};

struct EngineError {
  int http_status = 400;
  std::string reason;
  std::string message;
};

struct NewOrder {
  std::string account;
  std::string symbol;
  OrderSide side = OrderSide::Buy;
  Decimal amount;
  Decimal price;
  TimeInForce tif = TimeInForce::GoodTillCancel;
  std::string client_order_id;
};

struct AssetBalance {
  std::string currency;
  Decimal total;
  Decimal available;
};

class MatchingEngine {
 public:
  using Listener = std::function<void(const MarketEvents&)>;
  using OrderResult = std::variant<SimOrder, EngineError>;

  MatchingEngine(std::vector<SymbolInfo> symbols, Decimal maker_fee_rate, Decimal taker_fee_rate,
                 const Clock& clock);

  // An account keyed by its API key; `unlimited` accounts (the synthetic market) are never
  // short of funds and keep no balances.
  void add_account(const std::string& key, std::map<std::string, Decimal> balances,
                   bool unlimited = false);
  bool has_account(const std::string& key) const;
  void set_listener(Listener l) { listener_ = std::move(l); }

  OrderResult place(const NewOrder& order);
  // Cancelling a closed order succeeds without effect (Gemini returns its status).
  OrderResult cancel(const std::string& account, std::uint64_t order_id);
  std::vector<std::uint64_t> cancel_all(const std::string& account);

  const SimOrder* order(const std::string& account, std::uint64_t order_id) const;
  // The latest order the account placed with this client_order_id.
  const SimOrder* order_by_client_id(const std::string& account, const std::string& cid) const;
  std::vector<SimOrder> open_orders(const std::string& account) const;
  // Newest first; `since_ns` keeps trades at or after it.
  std::vector<AccountTrade> account_trades(const std::string& account, const std::string& symbol,
                                           std::size_t limit, TimeNs since_ns = 0) const;
  std::vector<AssetBalance> balances(const std::string& account) const;
  std::optional<Decimal> notional_volume(const std::string& account) const;

  const SymbolInfo* symbol(std::string_view name) const;  // any case
  const std::vector<SymbolInfo>& symbols() const { return symbol_list_; }
  // The aggregated true book and the id of the last change applied to it.
  const OrderBook& book(const std::string& symbol) const;
  std::uint64_t last_update_id(const std::string& symbol) const;
  // Newest last, at most 500.
  const std::deque<PublicTrade>& recent_trades(const std::string& symbol) const;
  // Resting order ids of an account on one symbol and side (the synthetic market uses it).
  std::vector<std::uint64_t> resting_ids(const std::string& account, const std::string& symbol,
                                         Side side) const;
  const SimOrder* resting(std::uint64_t id) const;

  // Orders counted by client_order_id, over all non-market accounts.
  const std::map<std::string, int>& client_order_id_counts() const { return cid_counts_; }
  std::uint64_t orders_placed() const { return orders_placed_; }
  std::uint64_t trades_total() const { return next_tid_ - kFirstTid; }

 private:
  static constexpr std::uint64_t kFirstTid = 5'000'000'000ULL;
  struct Level {
    std::deque<std::uint64_t> orders;
  };
  struct SymbolBook {
    SymbolInfo info;
    std::map<Decimal, Level, std::greater<>> bids;  // best first
    std::map<Decimal, Level> asks;                  // best first
    OrderBook agg;
    std::uint64_t last_update_id = 0;
    std::deque<PublicTrade> trades;
  };
  struct Asset {
    Decimal total;
    Decimal held;
  };
  struct Account {
    bool unlimited = false;
    std::map<std::string, Asset> assets;
    std::vector<AccountTrade> trades;
    std::vector<std::uint64_t> order_ids;  // non-market accounts: every order placed
    Decimal volume;                        // notional traded (quote units)
  };

  SymbolBook* find_book(std::string_view symbol);
  void change_level(SymbolBook& b, MarketEvents& ev, Side side, Decimal price, Decimal delta,
                    std::string_view reason);
  void rest(SymbolBook& b, MarketEvents& ev, SimOrder& o);
  void unlink(SymbolBook& b, MarketEvents& ev, SimOrder& o, std::string_view reason);
  void fill(SymbolBook& b, MarketEvents& ev, SimOrder& taker, SimOrder& maker, Decimal qty);
  void settle(SimOrder& o, const SymbolInfo& info, Decimal price, Decimal qty, Decimal fee,
              bool aggressor, std::uint64_t tid);
  void close(SimOrder& o);  // releases what is still held; drops finished market orders
  Decimal hold_per_unit(const SimOrder& o) const;
  Decimal available_on_book(const SymbolBook& b, const SimOrder& o) const;
  void emit(MarketEvents& ev);

  std::vector<SymbolInfo> symbol_list_;
  std::map<std::string, SymbolBook> books_;
  std::unordered_map<std::string, Account> accounts_;
  std::unordered_map<std::uint64_t, SimOrder> orders_;
  std::map<std::string, int> cid_counts_;
  Decimal maker_rate_;
  Decimal taker_rate_;
  const Clock& clock_;
  Listener listener_;
  std::uint64_t next_order_id_ = 100'000'000'000ULL;
  std::uint64_t next_tid_ = kFirstTid;
  std::uint64_t next_update_id_ = 1'000'000;
  std::uint64_t orders_placed_ = 0;
};

}  // namespace rtcrypto::sim
