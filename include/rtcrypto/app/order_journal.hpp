#pragma once
// The write-ahead journal of our orders, for restarts in sandbox/live. A RecordSink behind
// the engine: the engine emits a taken `decision` (with its client_order_id) before it calls
// the exchange, so the journal writes the intent to the store before order/new is sent.
// Under the state key `<prefix>orders` it keeps every order of ours whose final outcome is
// not known: "in_flight" (intent written, no answer, or an Unknown answer) or "open"
// (resting, with what has been accounted of it). A final `order` record removes it. With
// each journal write, and after every order, score and balance, the engine state (order
// counter, positions, last buy price, kill switch) is saved under `<prefix>engine`, so a
// SIGKILL at any point leaves the store consistent with what was sent.
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "rtcrypto/core/decimal.hpp"
#include "rtcrypto/core/record.hpp"
#include "rtcrypto/core/time.hpp"

namespace rtcrypto {
class SqliteStore;
}

namespace rtcrypto::app {

struct JournalEntry {
  std::string client_order_id;
  std::string symbol;
  std::string side;  // "buy" | "sell"
  Decimal amount;
  Decimal price;
  std::string status;  // "in_flight" | "open"
  std::string order_id;
  // Of an open order: what has been accounted (executed so far, its average price, fee).
  Decimal executed;
  Decimal avg_price;
  Decimal fee;
  TimeNs decided_at = 0;
};
using JournalEntries = std::map<std::string, JournalEntry>;  // by client_order_id

// JSON object keyed by client_order_id, decimals as strings; decode throws
// std::invalid_argument naming the entry on anything malformed.
std::string encode_journal(const JournalEntries& entries);
JournalEntries decode_journal(std::string_view json);

class OrderJournal final : public RecordSink {
 public:
  using EngineStateFn = std::function<std::string()>;          // the engine codec's text
  using DeferFn = std::function<void(std::function<void()>)>;  // after the current handler
  // Loads `<prefix>orders` from the store (throws std::invalid_argument if malformed).
  OrderJournal(SqliteStore& store, std::string prefix, EngineStateFn engine_state, DeferFn defer);

  void write(const Record& record) override;

  const JournalEntries& entries() const { return entries_; }
  // Drops an entry (an order that was never placed).
  void forget(const std::string& client_order_id);
  // Writes the journal and the engine state now (store errors are logged, not thrown).
  void save_now();
  std::uint64_t saves() const { return saves_; }

 private:
  void save_engine_later();

  SqliteStore& store_;
  std::string prefix_;
  EngineStateFn engine_state_;
  DeferFn defer_;
  JournalEntries entries_;
  bool save_pending_ = false;
  TimeNs last_save_ = 0;
  std::uint64_t saves_ = 0;
};

}  // namespace rtcrypto::app
