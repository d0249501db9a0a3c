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

// d[0, n) = s[0, n) for buffers apart, by unaligned 16/8/4-byte moves (overlapping at the
// end) instead of a memcpy call: record texts are short.
[[gnu::always_inline]] inline void copy_text(char* d, const char* s, std::size_t n) {
  if (n >= 16) {
    for (std::size_t i = 0; i + 16 < n; i += 16) __builtin_memcpy(d + i, s + i, 16);
    __builtin_memcpy(d + n - 16, s + n - 16, 16);
  } else if (n >= 8) {
    std::uint64_t a, b;
    __builtin_memcpy(&a, s, 8), __builtin_memcpy(&b, s + n - 8, 8);
    __builtin_memcpy(d, &a, 8), __builtin_memcpy(d + n - 8, &b, 8);
  } else if (n >= 4) {
    std::uint32_t a, b;
    __builtin_memcpy(&a, s, 4), __builtin_memcpy(&b, s + n - 4, 4);
    __builtin_memcpy(d, &a, 4), __builtin_memcpy(d + n - 4, &b, 4);
  } else if (n > 0) {
    const char a = s[0], b = s[n / 2], c = s[n - 1];
    d[0] = a, d[n / 2] = b, d[n - 1] = c;
  }
}

// s = value, the rest of rewrite_text: a longer value, or a piece of s itself.
[[gnu::noinline]] inline void rewrite_text_slow(std::string& s, std::string_view value) {
  const std::less<const char*> before;
  if (before(value.data(), s.data() + s.size()) && before(s.data(), value.data() + value.size())) {
    s.assign(value);  // (a piece of s)
  } else {
    s.clear();  // (clear + append: about half the work of assign)
    s.append(value);
  }
}

// s = value. A value no longer than s (the usual change from one record to the next) is
// copied in place without a library call and no compare first (an equal value costs the
// same copy); the rest out of line.
[[gnu::always_inline]] inline void rewrite_text(std::string& s, std::string_view value) {
  const std::size_t n = value.size();
  const std::less<const char*> before;
  if (n <= s.size() && (!before(s.data(), value.data() + n) ||
                        !before(value.data(), s.data() + s.size()))) [[likely]] {
    copy_text(s.data(), value.data(), n);
    s.erase(n);  // (inline: sets the length)
    return;
  }
  rewrite_text_slow(s, value);
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
  // A string value, copied into the field's own string (its buffer kept). Inline like the
  // other puts; nothing here takes the rewriter's address, so its cursor stays in registers.
  [[gnu::always_inline]] void put_string(FieldKey key, std::string_view value) {
    FieldValue* v = next(key);
    if (auto* s = std::get_if<std::string>(v)) {
      rewrite_text(*s, value);
    } else {
      emplace_string(*v, value);
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
  using Field = std::pair<FieldKey, FieldValue>;
  // The n-th field's value slot, its key set (appended as null past the current end).
  // (A cursor, not an index: no size() — a division by the field's size — per put.)
  [[gnu::always_inline]] FieldValue* next(FieldKey key) {
    if (at_ != end_) [[likely]] {
      Field& f = *at_++;
      f.first = key;
      return &f.second;
    }
    Field* f = append(r_, key);  // the cursor follows a reallocation
    at_ = end_ = f + 1;
    return &f->second;
  }
  // A null field appended (only past the old end, at_ == end_).
  [[gnu::noinline]] static Field* append(Record& r, FieldKey key) {
    return &r.fields.emplace_back(std::piecewise_construct, std::forward_as_tuple(key),
                                  std::forward_as_tuple());
  }
  [[gnu::noinline]] static void emplace_string(FieldValue& v, std::string_view value) {
    v.emplace<std::string>(value);
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

  Record& r_;
  Field* at_;   // the next field to overwrite
  Field* end_;  // the end of the fields the record had (or of those appended since)
};

}  // namespace rtcrypto
