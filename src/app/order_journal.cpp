#include "rtcrypto/app/order_journal.hpp"

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "rtcrypto/core/log.hpp"
#include "rtcrypto/store/sqlite_store.hpp"

namespace rtcrypto::app {

namespace {

const std::string* str_field(const Record& r, std::string_view key) {
  const FieldValue* v = r.get(key);
  return v ? std::get_if<std::string>(v) : nullptr;
}
Decimal dec_field(const Record& r, std::string_view key) {
  const FieldValue* v = r.get(key);
  const Decimal* d = v ? std::get_if<Decimal>(v) : nullptr;
  return d ? *d : Decimal{};
}
bool bool_field(const Record& r, std::string_view key) {
  const FieldValue* v = r.get(key);
  const bool* b = v ? std::get_if<bool>(v) : nullptr;
  return b && *b;
}
std::int64_t int_field(const Record& r, std::string_view key) {
  const FieldValue* v = r.get(key);
  const std::int64_t* i = v ? std::get_if<std::int64_t>(v) : nullptr;
  return i ? *i : 0;
}

Decimal parse_dec(const nlohmann::json& o, const char* key, const std::string& cid) {
  auto it = o.find(key);
  if (it == o.end()) return Decimal{};
  auto d = it->is_string() ? Decimal::parse(it->get<std::string>()) : std::nullopt;
  if (!d)
    throw std::invalid_argument("order journal entry " + cid + ": '" + key +
                                "' is not a decimal string");
  return *d;
}

}  // namespace

std::string encode_journal(const JournalEntries& entries) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const auto& [cid, e] : entries) {
    j[cid] = {{"symbol", e.symbol},
              {"side", e.side},
              {"amount", e.amount.to_string()},
              {"price", e.price.to_string()},
              {"status", e.status},
              {"order_id", e.order_id},
              {"executed", e.executed.to_string()},
              {"avg_price", e.avg_price.to_string()},
              {"fee", e.fee.to_string()},
              {"decided_at", e.decided_at}};
  }
  return j.dump();
}

JournalEntries decode_journal(std::string_view text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    throw std::invalid_argument("order journal: not a JSON object");
  JournalEntries out;
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& cid = it.key();
    const auto& o = it.value();
    if (!o.is_object() || !o.contains("status") || !o["status"].is_string())
      throw std::invalid_argument("order journal entry " + cid + ": no status");
    JournalEntry e;
    e.client_order_id = cid;
    e.symbol = o.value("symbol", "");
    e.side = o.value("side", "");
    e.status = o["status"].get<std::string>();
    if (e.status != "in_flight" && e.status != "open")
      throw std::invalid_argument("order journal entry " + cid + ": unknown status " + e.status);
    e.order_id = o.value("order_id", "");
    e.amount = parse_dec(o, "amount", cid);
    e.price = parse_dec(o, "price", cid);
    e.executed = parse_dec(o, "executed", cid);
    e.avg_price = parse_dec(o, "avg_price", cid);
    e.fee = parse_dec(o, "fee", cid);
    if (o.contains("decided_at") && o["decided_at"].is_number_integer())
      e.decided_at = o["decided_at"].get<std::int64_t>();
    out.emplace(cid, std::move(e));
  }
  return out;
}

OrderJournal::OrderJournal(SqliteStore& store, std::string prefix, EngineStateFn engine_state,
                           DeferFn defer)
    : store_(store),
      prefix_(std::move(prefix)),
      engine_state_(std::move(engine_state)),
      defer_(std::move(defer)) {
  if (auto s = store_.get_state(prefix_ + "orders")) entries_ = decode_journal(*s);
}

void OrderJournal::write(const Record& r) {
  if (r.doc_type == "decision") {
    const std::string* cid = str_field(r, "client_order_id");
    if (bool_field(r, "taken") && cid && !cid->empty()) {
      // The intent, before the exchange is called: saved now, not later.
      JournalEntry e;
      e.client_order_id = *cid;
      e.symbol = r.symbol;
      const std::string* side = str_field(r, "action");
      e.side = side ? *side : "";
      e.amount = dec_field(r, "amount");
      e.price = dec_field(r, "price");
      e.status = "in_flight";
      e.decided_at = int_field(r, "decided_at");
      entries_[*cid] = e;
      save_now();
    } else if (wall_now_ns() - last_save_ >= kNsPerSec) {
      save_engine_later();  // the risk state may have moved (kill switch); at most 1/s
    }
    return;
  }
  if (r.doc_type == "order") {
    const std::string* cid = str_field(r, "client_order_id");
    const std::string* outcome = str_field(r, "outcome");
    if (cid && !cid->empty()) {
      auto it = entries_.find(*cid);
      const bool unknown = outcome && *outcome == "unknown";
      const bool live = bool_field(r, "is_live");
      if (unknown) {
        // Stays in flight until a lookup by client_order_id has resolved it.
      } else if (live) {
        JournalEntry& e = entries_[*cid];
        if (e.client_order_id.empty()) {  // an order we had no intent for (adopted)
          e.client_order_id = *cid;
          e.symbol = r.symbol;
          const std::string* side = str_field(r, "side");
          e.side = side ? *side : "";
          e.amount = dec_field(r, "original_amount");
          e.price = dec_field(r, "price");
        }
        e.status = "open";
        const std::string* oid = str_field(r, "order_id");
        if (oid) e.order_id = *oid;
        e.executed = dec_field(r, "executed_amount");
        e.avg_price = dec_field(r, "avg_execution_price");
        e.fee = dec_field(r, "fee");
      } else if (it != entries_.end()) {
        entries_.erase(it);  // final: filled, cancelled or rejected
      }
      save_now();
    }
    save_engine_later();  // the engine accounts the order after its record
    return;
  }
  if (r.doc_type == "score" || r.doc_type == "balance") save_engine_later();
}

void OrderJournal::forget(const std::string& client_order_id) {
  entries_.erase(client_order_id);
}

void OrderJournal::save_now() {
  try {
    store_.put_state(prefix_ + "orders", encode_journal(entries_));
    if (engine_state_) store_.put_state(prefix_ + "engine", engine_state_());
    ++saves_;
    last_save_ = wall_now_ns();
  } catch (const std::exception& e) {
    log::error(std::string("order journal: cannot write the store: ") + e.what());
  }
}

void OrderJournal::save_engine_later() {
  if (save_pending_) return;
  if (!defer_) return save_now();
  save_pending_ = true;
  defer_([this] {
    save_pending_ = false;
    save_now();
  });
}

}  // namespace rtcrypto::app
