#include "rtcrypto/core/decimal.hpp"

#include "rtcrypto/core/pow10.hpp"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <stdexcept>

namespace rtcrypto {
namespace {

using Rep = Decimal::Rep;
using URep = unsigned __int128;

constexpr Rep kMax = std::numeric_limits<Rep>::max();

constexpr URep pow10_u(int n) {
  URep r = 1;
  for (int i = 0; i < n; ++i) r *= 10;
  return r;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// u / 10^18 and u % 10^18 without a 128-bit division (__udivti3 is slow): 10^18 = 2^18 *
// 5^18, and 5^18 < 2^42, so u >> 18 can be divided by 5^18 in 22-bit steps whose partial
// dividends fit 64 bits; the compiler turns each 64-bit division by a constant into a
// multiply.
struct DivMod1e18 {
  URep quot;
  std::uint64_t rem;
};
inline DivMod1e18 divmod_1e18(URep u) {
  constexpr std::uint64_t k5p18 = 3814697265625ULL;  // 5^18
  if ((u >> 64) == 0) {
    const auto v = static_cast<std::uint64_t>(u);
    return {v / 1000000000000000000ULL, v % 1000000000000000000ULL};
  }
#if defined(__x86_64__)
  // |value| < ~1.8e19: the quotient fits 64 bits, so one hardware 128/64 division does it.
  const auto hi = static_cast<std::uint64_t>(u >> 64);
  if (hi < 1000000000000000000ULL) {
    std::uint64_t q, r;
    __asm__("divq %4"
            : "=a"(q), "=d"(r)
            : "a"(static_cast<std::uint64_t>(u)), "d"(hi), "r"(1000000000000000000ULL));
    return {q, r};
  }
#endif
  const std::uint64_t low18 = static_cast<std::uint64_t>(u) & ((1ULL << 18) - 1);
  const URep v = u >> 18;  // < 2^110
  URep q = 0;
  std::uint64_t r = 0;
  for (int shift = 88; shift >= 0; shift -= 22) {  // five 22-bit chunks, high to low
    const std::uint64_t chunk = static_cast<std::uint64_t>(v >> shift) & ((1ULL << 22) - 1);
    const std::uint64_t cur = (r << 22) | chunk;  // r < 5^18 < 2^42: fits
    q = (q << 22) | (cur / k5p18);
    r = cur % k5p18;
  }
  return {q, (r << 18) | low18};
}

constexpr const std::uint64_t* kPow10u64 = kPow10U64;

// The exact parse for everything the fast path does not take (exponents, more than 19
// digits, more than 18 fractional digits, errors).
std::optional<Decimal> parse_exact(std::string_view s) noexcept;

}  // namespace

std::optional<Decimal> Decimal::parse(std::string_view s) noexcept {
  // Fast path: [+-]digits[.digits] with at most 19 digits in all (leading zeros included)
  // and at most 18 after the point, i.e. what Gemini sends for prices and sizes. The
  // digits fit a uint64 and one 64x64->128 multiply scales them to 1e-18 units.
  const char* p = s.data();
  const char* const end = p + s.size();
  bool neg = false;
  if (p != end && (*p == '+' || *p == '-')) {
    neg = *p == '-';
    ++p;
  }
  std::uint64_t mant = 0;
  const char* const digits_begin = p;
  while (p != end && static_cast<unsigned>(*p - '0') < 10u) {
    mant = mant * 10 + static_cast<unsigned>(*p - '0');
    ++p;
  }
  std::ptrdiff_t int_digits = p - digits_begin;
  std::ptrdiff_t frac_digits = 0;
  if (p != end && *p == '.') {
    const char* const frac_begin = ++p;
    while (p != end && static_cast<unsigned>(*p - '0') < 10u) {
      mant = mant * 10 + static_cast<unsigned>(*p - '0');
      ++p;
    }
    frac_digits = p - frac_begin;
  }
  if (p == end && int_digits + frac_digits > 0 && int_digits + frac_digits <= 19 &&
      frac_digits <= kScale) {
    // mant < 10^19 and the factor <= 10^18: the product < 10^37 fits, no overflow check.
    const auto raw = static_cast<Rep>(static_cast<URep>(mant) * kPow10u64[kScale - frac_digits]);
    return from_raw(neg ? -raw : raw);
  }
  return parse_exact(s);
}

namespace {

std::optional<Decimal> parse_exact(std::string_view s) noexcept {
  constexpr int kScale = Decimal::kScale;
  std::size_t i = 0;
  const std::size_t n = s.size();
  bool neg = false;
  if (i < n && (s[i] == '+' || s[i] == '-')) {
    neg = s[i] == '-';
    ++i;
  }
  // Mantissa digits are collected as an integer with a count of fractional digits;
  // leading zeros are skipped so that long zero prefixes cost nothing.
  URep mant = 0;
  int sig_digits = 0;   // significant digits kept in mant
  int frac_digits = 0;  // digits after the point that went into mant (or were zero-dropped)
  bool any_digit = false;
  bool dropped_nonzero = false;
  int dropped_int_digits = 0;  // integral digits beyond 38 significant ones
  for (; i < n && is_digit(s[i]); ++i) {
    any_digit = true;
    if (mant == 0 && s[i] == '0') continue;
    if (sig_digits < 38) {
      mant = mant * 10 + static_cast<unsigned>(s[i] - '0');
      ++sig_digits;
    } else {
      ++dropped_int_digits;  // certain overflow, reported below
    }
  }
  if (i < n && s[i] == '.') {
    ++i;
    for (; i < n && is_digit(s[i]); ++i) {
      any_digit = true;
      if (mant == 0 && s[i] == '0') {
        ++frac_digits;
        continue;
      }
      if (sig_digits < 38) {
        mant = mant * 10 + static_cast<unsigned>(s[i] - '0');
        ++sig_digits;
        ++frac_digits;
      } else if (s[i] != '0') {
        dropped_nonzero = true;
      }
    }
  }
  if (!any_digit) return std::nullopt;
  long exp10 = 0;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool eneg = false;
    if (i < n && (s[i] == '+' || s[i] == '-')) {
      eneg = s[i] == '-';
      ++i;
    }
    if (i >= n || !is_digit(s[i])) return std::nullopt;
    for (; i < n && is_digit(s[i]); ++i) {
      if (exp10 < 100000) exp10 = exp10 * 10 + (s[i] - '0');
    }
    if (eneg) exp10 = -exp10;
  }
  if (i != n) return std::nullopt;
  if (dropped_int_digits > 0) return std::nullopt;
  if (dropped_nonzero) return std::nullopt;
  if (mant == 0) return Decimal{};
  // value = mant * 10^(exp10 - frac_digits); we need mant * 10^(exp10 - frac_digits + 18).
  long shift = exp10 - frac_digits + kScale;
  if (shift < 0) {
    if (shift < -38) return std::nullopt;
    URep div = pow10_u(static_cast<int>(-shift));
    if (mant % div != 0) return std::nullopt;  // finer than 1e-18
    mant /= div;
  } else {
    if (shift > 38) return std::nullopt;
    URep mul = pow10_u(static_cast<int>(shift));
    if (mant > static_cast<URep>(kMax) / mul) return std::nullopt;
    mant *= mul;
  }
  if (mant > static_cast<URep>(kMax)) return std::nullopt;
  Rep r = static_cast<Rep>(mant);
  return Decimal::from_raw(neg ? -r : r);
}

}  // namespace

std::optional<Decimal> Decimal::from_double(double v, int digits) {
  if (!std::isfinite(v) || digits < 0 || digits > kScale) return std::nullopt;
  char buf[128];
  int len = std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  if (len <= 0 || len >= static_cast<int>(sizeof buf)) return std::nullopt;
  return parse(std::string_view(buf, static_cast<std::size_t>(len)));
}

double Decimal::to_double() const {
  // Split so that the integral part keeps its precision (integral part and remainder
  // truncated toward zero, both carrying the sign).
  const bool neg = raw_ < 0;
  const URep u = neg ? static_cast<URep>(-(raw_ + 1)) + 1 : static_cast<URep>(raw_);
  const DivMod1e18 d = divmod_1e18(u);
  const auto fp = static_cast<std::int64_t>(d.rem);  // < 10^18
  const double frac = static_cast<double>(neg ? -fp : fp) / 1e18;
  if (d.quot <= static_cast<URep>(std::numeric_limits<std::int64_t>::max())) {
    // int64 -> double rounds like int128 -> double, without the library call.
    const auto ip = static_cast<std::int64_t>(d.quot);
    return static_cast<double>(neg ? -ip : ip) + frac;
  }
  const auto ip = static_cast<Rep>(d.quot);
  return static_cast<double>(neg ? -ip : ip) + frac;
}

namespace {
// "00" .. "99": two digits per division by 100 instead of one per division by 10.
constexpr char kDigitPairs[] =
    "0001020304050607080910111213141516171819202122232425262728293031323334353637383940414243"
    "4445464748495051525354555657585960616263646566676869707172737475767778798081828384858687"
    "888990919293949596979899";
}  // namespace

void Decimal::append_to(std::string& out) const {
  URep u = raw_ < 0 ? static_cast<URep>(-(raw_ + 1)) + 1 : static_cast<URep>(raw_);
  const DivMod1e18 d = divmod_1e18(u);
  URep ip = d.quot;
  const std::uint64_t fp = d.rem;
  // The whole text in one buffer, appended once: the integer part written backward to end
  // at kPoint (at most 39 digits, a sign before them), the fraction forward from there.
  constexpr int kPoint = 41;
  char buf[kPoint + 1 + 18];
  int pos = kPoint;
  if (ip == 0) {
    buf[--pos] = '0';
  } else if ((ip >> 64) == 0) {  // 64-bit digits: no 128-bit library division per digit
    auto v = static_cast<std::uint64_t>(ip);
    for (; v >= 100; v /= 100) {
      pos -= 2;
      std::memcpy(buf + pos, kDigitPairs + 2 * (v % 100), 2);
    }
    if (v >= 10) {
      pos -= 2;
      std::memcpy(buf + pos, kDigitPairs + 2 * v, 2);
    } else {
      buf[--pos] = static_cast<char>('0' + v);
    }
  } else {
    while (ip > 0) {
      buf[--pos] = static_cast<char>('0' + static_cast<int>(ip % 10));
      ip /= 10;
    }
  }
  if (raw_ < 0) buf[--pos] = '-';
  int stop = kPoint;
  if (fp != 0) {
    // Two 9-digit halves (the low one only when it is not all zeros), then the trailing
    // zeros cut.
    buf[kPoint] = '.';
    const auto hi = static_cast<std::uint32_t>(fp / 1000000000U);
    const auto lo = static_cast<std::uint32_t>(fp % 1000000000U);
    const auto nine = [&](char* at, std::uint32_t v) {
      at[8] = static_cast<char>('0' + v % 10);
      v /= 10;
      for (int k = 6; k >= 0; k -= 2, v /= 100) std::memcpy(at + k, kDigitPairs + 2 * (v % 100), 2);
    };
    nine(buf + kPoint + 1, hi);
    stop = kPoint + 1 + 9;
    if (lo != 0) {
      nine(buf + kPoint + 10, lo);
      stop += 9;
    }
    while (buf[stop - 1] == '0') --stop;
  }
  out.append(buf + pos, buf + stop);
}

std::string Decimal::to_string() const {
  std::string s;
  append_to(s);
  return s;
}

std::optional<Decimal> Decimal::checked_mul(Decimal o) const {
  // (ai*1e18 + af) * (bi*1e18 + bf) / 1e18 = ai*bi*1e18 + ai*bf + af*bi + af*bf/1e18
  Rep a = raw_, b = o.raw_;
  bool neg = (a < 0) != (b < 0);
  if (a < 0) a = -a;
  if (b < 0) b = -b;
#if defined(__x86_64__)
  // One operand below 2^64 units (an amount, a fee rate; the other a price): the exact
  // product s * l in 192 bits, then floor(product / 1e18) by divmod_1e18 of its top 128 bits
  // and one hardware division of the rest. The same floor as the split below (all its terms
  // are non-negative, so it overflows exactly when the result exceeds Rep).
  const auto ua = static_cast<URep>(a), ub = static_cast<URep>(b);
  if ((ua >> 64) == 0 || (ub >> 64) == 0) {
    const bool a_small = (ua >> 64) == 0;
    const auto small = static_cast<std::uint64_t>(a_small ? ua : ub);
    const URep large = a_small ? ub : ua;
    const URep low = static_cast<URep>(small) * static_cast<std::uint64_t>(large);
    const URep top =
        static_cast<URep>(small) * static_cast<std::uint64_t>(large >> 64) + (low >> 64);
    const DivMod1e18 dt = divmod_1e18(top);
    if ((dt.quot >> 63) != 0) return {};  // the result is at least 2^127
    std::uint64_t q0, r0;
    __asm__("divq %4"
            : "=a"(q0), "=d"(r0)
            : "a"(static_cast<std::uint64_t>(low)), "d"(dt.rem), "r"(1000000000000000000ULL));
    (void)r0;
    const auto sum = static_cast<Rep>((dt.quot << 64) | q0);
    return from_raw(neg ? -sum : sum);
  }
#endif
  // (Split by divmod_1e18: a 64-bit or hardware division where a library call would be.)
  const DivMod1e18 da = divmod_1e18(static_cast<URep>(a)), db = divmod_1e18(static_cast<URep>(b));
  Rep ai = static_cast<Rep>(da.quot), af = static_cast<Rep>(da.rem);
  Rep bi = static_cast<Rep>(db.quot), bf = static_cast<Rep>(db.rem);
  Rep t1, t2, t3, sum;
  if (__builtin_mul_overflow(ai, bi, &t1) || __builtin_mul_overflow(t1, kOne, &t1)) return {};
  if (__builtin_mul_overflow(ai, bf, &t2) || __builtin_mul_overflow(af, bi, &t3)) return {};
  Rep t4 = af * bf / kOne;  // both < 1e18, product < 1e36 fits
  if (__builtin_add_overflow(t1, t2, &sum) || __builtin_add_overflow(sum, t3, &sum) ||
      __builtin_add_overflow(sum, t4, &sum))
    return {};
  return from_raw(neg ? -sum : sum);
}

Decimal Decimal::operator*(Decimal o) const {
  if (auto r = checked_mul(o)) return *r;
  bool neg = (raw_ < 0) != (o.raw_ < 0);
  return from_raw(neg ? -kMax : kMax);
}

std::optional<Decimal> Decimal::checked_div(Decimal o) const {
  if (o.raw_ == 0) return std::nullopt;
  Rep a = raw_, b = o.raw_;
  bool neg = (a < 0) != (b < 0);
  if (a < 0) a = -a;
  if (b < 0) b = -b;
  // q = floor(a*1e18/b). Operands below ~3.4e29 raw (|value| < ~3.4e11) take two steps
  // of base 1e9 (a*1e9 and r*1e9 fit 128 unsigned bits): the same quotient as the long
  // division below, with 2 library divisions instead of 19.
  constexpr URep kE9 = 1'000'000'000;
  constexpr URep kLimit = ~URep{0} / kE9;
  if (static_cast<URep>(a) <= kLimit && static_cast<URep>(b) <= kLimit) {
    const URep ua = static_cast<URep>(a) * kE9, ub = static_cast<URep>(b);
    const URep q1 = ua / ub, r1 = ua % ub;
    const URep d = r1 * kE9 / ub;
    constexpr URep kRepMax = ~URep{0} >> 1;
    if (q1 <= kRepMax / kE9) {
      const URep uq = q1 * kE9 + d;
      if (uq <= kRepMax) return from_raw(neg ? -static_cast<Rep>(uq) : static_cast<Rep>(uq));
    }
  }
  // Long division in base 10 keeps 128-bit intermediates: q = a*1e18/b.
  Rep q = a / b;
  Rep r = a % b;
  for (int k = 0; k < kScale; ++k) {
    Rep q10;
    if (__builtin_mul_overflow(q, static_cast<Rep>(10), &q10)) return std::nullopt;
    // r < b <= kMax, so r*10 may overflow for huge divisors: fall back to halving scale.
    Rep r10;
    if (__builtin_mul_overflow(r, static_cast<Rep>(10), &r10)) {
      // r*10/b with r < b: digit = floor(10r/b) computed as r/(b/10) approximately is unsafe;
      // use unsigned arithmetic, which has one more bit of headroom (b < 2^127).
      URep ur10 = static_cast<URep>(r) * 10u;
      URep ub = static_cast<URep>(b);
      q = q10 + static_cast<Rep>(ur10 / ub);
      r = static_cast<Rep>(ur10 % ub);
      continue;
    }
    q = q10 + r10 / b;
    r = r10 % b;
  }
  return from_raw(neg ? -q : q);
}

Decimal Decimal::floor_to(Decimal step) const {
  if (step.raw_ <= 0) return *this;
  Rep q = raw_ / step.raw_;
  if (raw_ < 0 && raw_ % step.raw_ != 0) --q;
  return from_raw(q * step.raw_);
}

Decimal Decimal::ceil_to(Decimal step) const {
  if (step.raw_ <= 0) return *this;
  Rep q = raw_ / step.raw_;
  if (raw_ > 0 && raw_ % step.raw_ != 0) ++q;
  return from_raw(q * step.raw_);
}

bool Decimal::is_multiple_of(Decimal step) const {
  if (step.raw_ <= 0) return true;
  return raw_ % step.raw_ == 0;
}

Decimal decimal_or_throw(std::string_view text) {
  auto d = Decimal::parse(text);
  if (!d) throw std::invalid_argument("not a decimal number: '" + std::string(text) + "'");
  return *d;
}

}  // namespace rtcrypto
