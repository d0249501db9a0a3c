#pragma once
// Rebuilds a Record of a fixed shape in place, field by field in order: the n-th put
// overwrites the n-th field (a string value keeps its buffer, a key is a view), and the
// fields past the last put are dropped when the rewriter goes. A record rebuilt this way for
// every window allocates nothing once warmed up; its fields, their order and values are
// exactly those of the puts, as if the record had been built afresh with Record::add.
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include "rtcrypto/core/record.hpp"

namespace rtcrypto {

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

  // Any FieldValue alternative (or what converts to one: bool, int64, double, Decimal,
  // std::string, std::monostate, a FieldValue).
  template <class T>
  void put(FieldKey key, T&& value) {
    if (n_ < r_.fields.size()) {
      auto& f = r_.fields[n_];
      f.first = key;
      f.second = std::forward<T>(value);
    } else {
      r_.fields.emplace_back(key, std::forward<T>(value));
    }
    ++n_;
  }
  // A string value, copied into the field's own string when it already holds one.
  void put_string(FieldKey key, std::string_view value) {
    if (n_ < r_.fields.size()) {
      auto& f = r_.fields[n_];
      f.first = key;
      if (auto* s = std::get_if<std::string>(&f.second)) {
        s->assign(value);
      } else {
        f.second.emplace<std::string>(value);
      }
    } else {
      r_.fields.emplace_back(key, FieldValue(std::in_place_type<std::string>, value));
    }
    ++n_;
  }

 private:
  Record& r_;
  std::size_t n_ = 0;
};

}  // namespace rtcrypto
