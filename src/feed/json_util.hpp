#pragma once
// Private helpers for the feed parsers: a reusable padded buffer for simdjson's DOM parser
// and strict accessors (numbers must be decimal strings; wrong types are errors).
#include <simdjson.h>

#include <cstring>
#include <memory>
#include <optional>
#include <string_view>

#include "rtcrypto/core/decimal.hpp"
#include "rtcrypto/core/time.hpp"

namespace rtcrypto::feed_detail {

namespace dom = simdjson::dom;

// A frame copied into a buffer with simdjson's padding, reused across frames (no per-frame
// allocation once it has grown to the largest frame).
class PaddedBuffer {
 public:
  const char* assign(std::string_view s) {
    const std::size_t need = s.size() + simdjson::SIMDJSON_PADDING;
    if (need > capacity_) {
      capacity_ = need < 4096 ? 4096 : need + need / 2;
      data_ = std::make_unique<char[]>(capacity_);
    }
    std::memcpy(data_.get(), s.data(), s.size());
    std::memset(data_.get() + s.size(), 0, simdjson::SIMDJSON_PADDING);
    return data_.get();
  }

 private:
  std::unique_ptr<char[]> data_;
  std::size_t capacity_ = 0;
};

// A DOM parser plus its padded buffer: parse() returns the root, or an error.
class JsonFrame {
 public:
  simdjson::error_code parse(std::string_view frame, dom::element& root) {
    const char* p = buf_.assign(frame);
    return parser_.parse(p, frame.size(), false).get(root);
  }

 private:
  PaddedBuffer buf_;
  dom::parser parser_;
};

inline bool has_key(dom::object o, std::string_view key) {
  return o.at_key(key).error() == simdjson::SUCCESS;
}

// A string field; false when missing or not a string.
inline bool get_string(dom::object o, std::string_view key, std::string_view& out) {
  return o.at_key(key).get(out) == simdjson::SUCCESS;
}

inline bool get_int64(dom::object o, std::string_view key, std::int64_t& out) {
  return o.at_key(key).get(out) == simdjson::SUCCESS;
}

// A decimal given as a JSON string ("123.45", "1e-08"). JSON numbers are refused: a double
// cannot carry an exact price.
inline bool get_decimal(dom::element e, Decimal& out) {
  std::string_view s;
  if (e.get(s) != simdjson::SUCCESS) return false;
  auto d = Decimal::parse(s);
  if (!d) return false;
  out = *d;
  return true;
}

inline bool get_decimal(dom::object o, std::string_view key, Decimal& out) {
  dom::element e;
  if (o.at_key(key).get(e) != simdjson::SUCCESS) return false;
  return get_decimal(e, out);
}

// A price must be > 0, a quantity >= 0.
inline bool valid_price(Decimal d) {
  return d.is_positive();
}
inline bool valid_quantity(Decimal d) {
  return !d.is_negative();
}

}  // namespace rtcrypto::feed_detail
