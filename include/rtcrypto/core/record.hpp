#pragma once
// A stored document: what the engine emits for every window, decision, order, fill,
// score, balance and ticker. Fields keep their insertion order so every sink writes the
// same bytes for the same run (replay determinism). Serialising is done by sinks.
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "rtcrypto/core/decimal.hpp"
#include "rtcrypto/core/time.hpp"

namespace rtcrypto {

// A field name: a view of text that outlives every record — a string literal, or a name
// built at run time and interned for the life of the process (field names are few: fixed
// words and per-currency / per-symbol ones). Building a record so copies no key text and
// allocates nothing for keys.
class FieldKey {
 public:
  template <std::size_t N>
  FieldKey(const char (&literal)[N]) : text_(literal, N - 1) {}  // NOLINT: implicit on purpose
  FieldKey(const std::string& name) : text_(intern(name)) {}     // NOLINT: interned
  // A name known to outlive every record (static storage); anything else: intern().
  static FieldKey from_static(std::string_view name) { return FieldKey(name, 0); }
  static std::string_view intern(std::string_view name);

  std::string_view view() const { return text_; }
  operator std::string_view() const { return text_; }  // NOLINT: reads as its text
  std::size_t size() const { return text_.size(); }
  friend bool operator==(const FieldKey& a, std::string_view b) { return a.text_ == b; }
  friend std::ostream& operator<<(std::ostream& os, const FieldKey& k);

 private:
  FieldKey(std::string_view text, int) : text_(text) {}
  std::string_view text_;
};

// null, bool, integer, double, string, or an exact decimal (written as a JSON number).
using FieldValue = std::variant<std::monostate, bool, std::int64_t, double, std::string, Decimal>;

struct Record {
  std::string doc_type;  // ask | bid | price_volume | decision | order | score | balance | ticker
  std::string symbol;    // may be empty (balances)
  TimeNs ts = 0;         // event time of the document
  std::vector<std::pair<FieldKey, FieldValue>> fields;

  Record& set(FieldKey key, FieldValue value) {
    for (auto& [k, v] : fields) {
      if (k == key.view()) {
        v = std::move(value);
        return *this;
      }
    }
    fields.emplace_back(key, std::move(value));
    return *this;
  }
  // Appends a field the record does not have yet (no search: builders of fixed shapes).
  Record& add(FieldKey key, FieldValue value) {
    fields.emplace_back(key, std::move(value));
    return *this;
  }
  const FieldValue* get(std::string_view key) const {
    for (const auto& [k, v] : fields)
      if (k == key) return &v;
    return nullptr;
  }
  bool is_window() const {
    return doc_type == "ask" || doc_type == "bid" || doc_type == "price_volume";
  }
};

// Anything that takes documents: the SQLite store, the JSONL file, Elasticsearch, Kafka.
class RecordSink {
 public:
  virtual ~RecordSink() = default;
  virtual void write(const Record& record) = 0;
  virtual void flush() {}
};

// Appends a JSON value for `v` (decimals as exact numbers, non-finite doubles as null).
void append_json_value(std::string& out, const FieldValue& v);
void append_json_string(std::string& out, std::string_view s);

// The DESIGN contract shapes, as one JSON object without a trailing newline:
// - window records (ask, bid, price_volume): exactly the `liquidity` topic record
//   {"type","value","timestamp"(epoch s),"symbol","window_start","window_end",...extras}
// - every other document: {"doc_type","timestamp"(ISO-8601),"symbol","run_id",...fields}
std::string to_contract_json(const Record& r, std::string_view run_id);
// The stored-document shape (SQLite, Elasticsearch): always
// {"doc_type","timestamp"(ISO-8601),"symbol","run_id",...fields}.
std::string to_document_json(const Record& r, std::string_view run_id);

}  // namespace rtcrypto
