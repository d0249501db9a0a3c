#pragma once
// Rebuilds a Record of a fixed shape in place, field by field in order: the n-th put
// overwrites the n-th field (a string value keeps its buffer, a key is a view), and the
// fields past the last put are dropped when the rewriter goes. A record rebuilt this way for
// every window allocates nothing once warmed up; its fields, their order and values are
// exactly those of the puts, as if the record had been built afresh with Record::add.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <variant>

#include "rtcrypto/core/record.hpp"
#include "rtcrypto/core/types.hpp"

namespace rtcrypto {

// a == b, inline for the short texts of records (no memcmp call up to 16 bytes).
inline bool same_text(std::string_view a, std::string_view b) {
  if (a.size() < 4) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
      if (a[i] != b[i]) return false;
    return true;
  }
  return same_symbol(a, b);
}

// s = value, kept as it is when already equal. clear + append does about half the work of
// assign, but only for a value that is not a piece of the string itself.
inline void rewrite_text(std::string& s, std::string_view value) {
  if (same_text(s, value)) return;
  const std::less<const char*> before;
  if (before(value.data(), s.data()) || !before(value.data(), s.data() + s.size())) {
    s.clear();
    s.append(value);
  } else {
    s.assign(value);
  }
}

class RecordRewriter {
 public:
  RecordRewriter(Record& r, TimeNs ts)
      : r_(r), at_(r.fields.data()), end_(r.fields.data() + r.fields.size()) {
    r_.ts = ts;
  }
  ~RecordRewriter() {
    if (at_ != end_) r_.fields.erase(r_.fields.begin() + (at_ - r_.fields.data()), r_.fields.end());
  }
  RecordRewriter(const RecordRewriter&) = delete;
  RecordRewriter& operator=(const RecordRewriter&) = delete;

  [[gnu::always_inline]] void put(FieldKey key, std::monostate) {
    if (FieldValue* v = next(key); v->index() != 0) v->emplace<std::monostate>();
  }
  [[gnu::always_inline]] void put(FieldKey key, bool value) { store<bool>(key, value); }
  [[gnu::always_inline]] void put(FieldKey key, std::int64_t value) {
    store<std::int64_t>(key, value);
  }
  [[gnu::always_inline]] void put(FieldKey key, double value) { store<double>(key, value); }
  [[gnu::always_inline]] void put(FieldKey key, Decimal value) { store<Decimal>(key, value); }
  // A string value, copied into the field's own string (kept when it is already equal).
  void put_string(FieldKey key, std::string_view value) {
    FieldValue* v = next(key);
    if (auto* s = std::get_if<std::string>(v)) {
      rewrite_text(*s, value);
    } else {
      v->emplace<std::string>(value);
    }
  }
  // An optional: its value, or null.
  template <class A>
  [[gnu::always_inline]] void put(FieldKey key, const std::optional<A>& value) {
    if (value) {
      put(key, *value);
    } else {
      put(key, std::monostate{});
    }
  }
  void put(FieldKey key, const FieldValue& value) { *next(key) = value; }

 private:
  // The n-th field's value slot, its key set (appended as null past the current end).
  // (A cursor, not an index: no size() — a division by the field's size — per put.)
  FieldValue* next(FieldKey key) {
    if (at_ != end_) [[likely]] {
      Field& f = *at_++;
      f.first = key;
      return &f.second;
    }
    return append(key);
  }
  [[gnu::noinline]] FieldValue* append(FieldKey key) {
    // Only past the old end (at_ == end_): the cursor follows a reallocation.
    Field& f = r_.fields.emplace_back(std::piecewise_construct, std::forward_as_tuple(key),
                                      std::forward_as_tuple());
    at_ = end_ = r_.fields.data() + r_.fields.size();
    return &f.second;
  }
  template <class A>
  [[gnu::always_inline]] void store(FieldKey key, A value) {  // (a few instructions per put)
    FieldValue* v = next(key);
    if (auto* same = std::get_if<A>(v)) {
      *same = value;
    } else {
      v->template emplace<A>(value);
    }
  }

  using Field = std::pair<FieldKey, FieldValue>;
  Record& r_;
  Field* at_;   // the next field to overwrite
  Field* end_;  // the end of the fields the record had (or of those appended since)
};

}  // namespace rtcrypto
