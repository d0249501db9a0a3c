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

namespace rtcrypto {

// s = value, kept as it is when already equal. clear + append does about half the work of
// assign, but only for a value that is not a piece of the string itself.
inline void rewrite_text(std::string& s, std::string_view value) {
  if (std::string_view(s) == value) return;
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
  RecordRewriter(Record& r, TimeNs ts) : r_(r) { r_.ts = ts; }
  ~RecordRewriter() {
    if (n_ < r_.fields.size()) {
      r_.fields.erase(r_.fields.begin() + static_cast<std::ptrdiff_t>(n_), r_.fields.end());
    }
  }
  RecordRewriter(const RecordRewriter&) = delete;
  RecordRewriter& operator=(const RecordRewriter&) = delete;

  void put(FieldKey key, std::monostate) {
    if (FieldValue* v = next(key); v->index() != 0) v->emplace<std::monostate>();
  }
  void put(FieldKey key, bool value) { store<bool>(key, value); }
  void put(FieldKey key, std::int64_t value) { store<std::int64_t>(key, value); }
  void put(FieldKey key, double value) { store<double>(key, value); }
  void put(FieldKey key, Decimal value) { store<Decimal>(key, value); }
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
  void put(FieldKey key, const std::optional<A>& value) {
    if (value) {
      put(key, *value);
    } else {
      put(key, std::monostate{});
    }
  }
  void put(FieldKey key, const FieldValue& value) { *next(key) = value; }

 private:
  // The n-th field's value slot, its key set (appended as null past the current end).
  FieldValue* next(FieldKey key) {
    if (n_ < r_.fields.size()) [[likely]] {
      auto& f = r_.fields[n_++];
      f.first = key;
      return &f.second;
    }
    return append(key);
  }
  [[gnu::noinline]] FieldValue* append(FieldKey key) {
    ++n_;
    return &r_.fields
                .emplace_back(std::piecewise_construct, std::forward_as_tuple(key),
                              std::forward_as_tuple())
                .second;
  }
  template <class A>
  void store(FieldKey key, A value) {
    FieldValue* v = next(key);
    if (auto* same = std::get_if<A>(v)) {
      *same = value;
    } else {
      v->template emplace<A>(value);
    }
  }

  Record& r_;
  std::size_t n_ = 0;
};

}  // namespace rtcrypto
