#pragma once
// Exact fixed-point decimal for prices and quantities: a 128-bit integer counting 1e-18
// units. Gemini quotes down to 1e-9 and sizes to 1e-8, and some books carry values above
// 1e10, so 64 bits with a fixed scale cannot hold both ends; 128 bits at 1e-18 can
// (|x| < 1.7e20) and still compare and add as plain integers.
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rtcrypto {

class Decimal {
 public:
  using Rep = __int128;
  static constexpr int kScale = 18;
  static constexpr Rep kOne = static_cast<Rep>(1'000'000'000'000'000'000LL);

  constexpr Decimal() = default;
  static constexpr Decimal from_raw(Rep raw) {
    Decimal d;
    d.raw_ = raw;
    return d;
  }
  static constexpr Decimal from_int(std::int64_t v) { return from_raw(static_cast<Rep>(v) * kOne); }
  // Nearest decimal to a double, rounded to `digits` fractional digits (analytics only).
  static std::optional<Decimal> from_double(double v, int digits = 12);

  // Exact parse of "123", "-0.5", "1e-08", "1.5E+3". Rejects empty strings, garbage,
  // NaN/Inf, values beyond the range and digits finer than 1e-18 that are not zero.
  static std::optional<Decimal> parse(std::string_view text) noexcept;

  constexpr Rep raw() const { return raw_; }
  double to_double() const;
  // Canonical text: no exponent, no trailing fractional zeros ("60646.4", "0", "-1e-8" ->
  // "-0.00000001"). parse(to_string()) == *this for every value.
  std::string to_string() const;
  // Appends to_string() to `out` without a temporary (hot paths).
  void append_to(std::string& out) const;

  constexpr bool is_zero() const { return raw_ == 0; }
  constexpr bool is_negative() const { return raw_ < 0; }
  constexpr bool is_positive() const { return raw_ > 0; }

  constexpr Decimal operator-() const { return from_raw(-raw_); }
  constexpr Decimal operator+(Decimal o) const { return from_raw(raw_ + o.raw_); }
  constexpr Decimal operator-(Decimal o) const { return from_raw(raw_ - o.raw_); }
  constexpr Decimal& operator+=(Decimal o) {
    raw_ += o.raw_;
    return *this;
  }
  constexpr Decimal& operator-=(Decimal o) {
    raw_ -= o.raw_;
    return *this;
  }
  constexpr auto operator<=>(const Decimal&) const = default;

  // Product truncated toward zero at 1e-18; nullopt on overflow.
  std::optional<Decimal> checked_mul(Decimal o) const;
  // Product that saturates on overflow (callers that already bound their inputs).
  Decimal operator*(Decimal o) const;
  // Quotient truncated toward zero; nullopt on division by zero or overflow.
  std::optional<Decimal> checked_div(Decimal o) const;

  // Largest multiple of `step` not above *this (toward -inf); returns *this when step <= 0.
  Decimal floor_to(Decimal step) const;
  // Smallest multiple of `step` not below *this.
  Decimal ceil_to(Decimal step) const;
  bool is_multiple_of(Decimal step) const;

 private:
  Rep raw_ = 0;
};

inline Decimal abs(Decimal d) { return d.is_negative() ? -d : d; }
inline Decimal min(Decimal a, Decimal b) { return a < b ? a : b; }
inline Decimal max(Decimal a, Decimal b) { return a < b ? b : a; }

// Parses or throws std::invalid_argument naming the text (for config and tests).
Decimal decimal_or_throw(std::string_view text);

namespace literals {
inline Decimal operator""_d(const char* s, std::size_t n) { return decimal_or_throw({s, n}); }
}  // namespace literals

}  // namespace rtcrypto
