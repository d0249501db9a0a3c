#include "rtcrypto/book/order_book.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>

#include "apply_avx2.hpp"
#include "snapshot_load.hpp"

namespace rtcrypto {
namespace {

// A level's search key: its signed price (asks negated, so that both sides ascend toward
// the best) in units of 2^29 * 1e-18 (~5.4e-10, finer than any exchange's tick),
// saturated to the int64 range (prices up to ~4.9e9 keep distinct keys). Monotone in the
// signed price, so keys order levels except within one key, where the exact price decides.
inline std::int64_t search_key(Decimal::Rep signed_p) {
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  const Decimal::Rep k = signed_p >> 29;
  const auto low = static_cast<std::int64_t>(k);
  if (low == k) [[likely]]
    return low;
  return k < 0 ? -kMax : kMax;
}

// Side price <-> signed price.
template <bool kAsk>
constexpr Decimal::Rep flip(Decimal::Rep x) {
  return kAsk ? -x : x;
}
// The same with the side as a mask (0 bids, -1 asks): no branch on the side.
constexpr Decimal::Rep flip(Decimal::Rep x, Decimal::Rep mask) {
  return (x ^ mask) - mask;
}

// Index of the first key not below `x` (a lower bound), branch-free: the trip count
// depends only on the length.
inline std::size_t lower_bound_key(const std::int64_t* first, std::size_t len, std::int64_t x) {
  if (len == 0) return 0;
  const std::int64_t* const base = first;
  while (len > 1) {
    const std::size_t half = len / 2;
    first = first[half] < x ? first + half : first;
    len -= half;
  }
  return static_cast<std::size_t>(first - base) + static_cast<std::size_t>(*first < x);
}

// Index of the first of a side's n keys not below `key`. Most changes land a few levels
// from the best end (the back): one compare with the 16th key from the top tells whether
// the scan down the top keys ends above it, so the scan needs no bound check; a deeper
// key takes a binary search of the rest.
inline std::size_t key_pos(const std::int64_t* k, std::size_t n, std::int64_t key) {
  constexpr std::size_t kTop = 16;
  if (n == 0) return 0;
  const std::size_t stop = n > kTop ? n - kTop : 0;
  if (k[stop] >= key) [[unlikely]]
    return lower_bound_key(k, stop, key);
  const std::int64_t* p = k + n;
  while (p[-1] >= key) --p;  // ends above k[stop] < key
  return static_cast<std::size_t>(p - k);
}

// From the first level of a key, past the levels of that key with lower prices (prices
// within one key: never two on a tick grid, so out of line).
[[gnu::noinline]] std::size_t past_lower_prices(const BookSide& v, std::size_t i, std::int64_t key,
                                                Decimal::Rep signed_p, Decimal::Rep mask) {
  const std::int64_t* k = v.keys();
  const BookLevel* l = v.levels();
  while (i < v.size() && k[i] == key && flip(l[i].price.raw(), mask) < signed_p) ++i;
  return i;
}

// Position of a signed price in a side: the index of the first level not before it in the
// vector's order; `found` says whether that level has the price.
struct Pos {
  std::size_t i;
  bool found;
};
[[gnu::always_inline]] inline Pos find_pos(const BookSide& v, std::int64_t key,
                                           Decimal::Rep signed_p, Decimal::Rep mask) {
  const std::size_t n = v.size();
  const std::int64_t* k = v.keys();
  std::size_t i = key_pos(k, n, key);
  bool found = i < n && k[i] == key;
  // Within one key the price is nearly always the level's own; else the exact prices decide.
  const Decimal::Rep price = flip(signed_p, mask);
  if (found && v.levels()[i].price.raw() != price) [[unlikely]] {
    i = past_lower_prices(v, i, key, signed_p, mask);
    found = i < n && v.levels()[i].price.raw() == price;
  }
  return {i, found};
}

// Sets one level of a side (see OrderBook::set_level); `mask` is the side (see flip).
[[gnu::always_inline]] inline Decimal set_in(BookSide& v, Decimal::Rep signed_p, Decimal::Rep mask,
                                             Decimal qty) {
  const std::int64_t key = search_key(signed_p);
  const Pos pos = find_pos(v, key, signed_p, mask);
  Decimal prev;
  if (pos.found) {
    BookLevel& l = v.levels()[pos.i];
    prev = l.quantity;
    if (qty.is_positive()) {
      l.quantity = qty;
    } else {
      v.erase(pos.i);
    }
  } else if (qty.is_positive()) {
    v.insert(pos.i, BookLevel{Decimal::from_raw(flip(signed_p, mask)), qty}, key);
  }
  return prev;
}

template <bool kAsk>
void set_keys(BookSide& v) {
  for (std::size_t i = 0; i < v.size(); ++i) {
    v.keys()[i] = search_key(flip<kAsk>(v.levels()[i].price.raw()));
  }
}

}  // namespace

Decimal OrderBook::update_level(Side side, Decimal price, Decimal quantity) {
  const Decimal::Rep mask = side == Side::Ask ? -1 : 0;
  return set_in(slots(side), flip(price.raw(), mask), mask, quantity);
}

namespace {
// set_in out of line: the rare changes the fast path of apply() leaves (a price beyond the
// keys' range, prices within one key).
[[gnu::noinline]] void set_in_slow(BookSide& v, Decimal::Rep signed_p, Decimal::Rep mask,
                                   Decimal qty) {
  set_in(v, signed_p, mask, qty);
}
}  // namespace

void book_detail::set_level_general(BookSide& v, Decimal::Rep signed_p, Decimal qty) {
  set_in_slow(v, signed_p, signed_p >> 127, qty);
}

// Chosen once at start-up, not on first use: no guard to check per batch (a call before
// then, from another static initializer, takes the portable path).
const book_detail::ApplyKernel book_detail::apply_kernel =
    book_detail::apply_avx512_usable() ? book_detail::apply_avx512
    : book_detail::apply_avx2_usable() ? book_detail::apply_avx2
                                       : nullptr;

void OrderBook::apply_portable(std::span<const PackedLevel> levels) {
  for (const PackedLevel& l : levels) {
    // In 64-bit halves: GCC keeps 128-bit values in memory more than in registers.
    const auto lo = static_cast<std::uint64_t>(l.signed_price);
    const auto hi = static_cast<std::int64_t>(l.signed_price >> 64);
    // Frames mix the sides at random: the side is data (a selected side, a mask), not a
    // branch to mispredict.
    BookSide& v = hi < 0 ? asks_ : bids_;
    const std::uint64_t m64 = static_cast<std::uint64_t>(hi >> 63);
    // The fast path: a key in range (the high half within +-2^28) is the signed price but
    // its low 29 bits, so within one key the low halves of the prices tell an equal one.
    const auto key = static_cast<std::int64_t>((lo >> 29) | (static_cast<std::uint64_t>(hi) << 35));
    // One 128-bit compare (cmp/sbb): one branch on the result, none on the halves.
    const bool positive = l.quantity > 0;
    if ((static_cast<std::uint64_t>(hi) + (std::uint64_t{1} << 28)) >> 29) [[unlikely]] {
      set_in_slow(v, l.signed_price, l.signed_price >> 127, l.remaining());
      continue;
    }
    const std::size_t n = v.size();
    const std::int64_t* k = v.keys();
    const std::size_t i = key_pos(k, n, key);
    if (i < n && k[i] == key) {
      BookLevel& level = v.levels()[i];
      const auto low = static_cast<std::uint64_t>(level.price.raw());
      if (((low ^ m64) - m64) != lo) [[unlikely]] {
        set_in_slow(v, l.signed_price, l.signed_price >> 127, l.remaining());
      } else if (positive) {
        level.quantity = l.remaining();
      } else {
        v.erase(i);
      }
    } else if (positive) {
      v.insert(i, BookLevel{l.price(), l.remaining()}, key);
    }
  }
}

namespace {
template <bool kAsk>
bool on_side(const PackedLevel& l) {
  return (l.signed_price < 0) == kAsk;
}

// Writes a best-first run of n snapshot levels read backwards, which is the vector's
// order, with their keys. Returns whether the run is a clean one: strictly best first,
// positive quantities, all of the side.
// Whether the prices of n levels strictly ascend in the vector's order: for keys that
// repeat (prices within one key, or beyond the keys' range).
template <bool kAsk>
bool prices_ascend(const BookLevel* out, std::size_t n) {
  for (std::size_t k = 1; k < n; ++k) {
    if (!(flip<kAsk>(out[k - 1].price.raw()) < flip<kAsk>(out[k].price.raw()))) return false;
  }
  return true;
}

// For a run with prices beyond the keys' range, loaded with positive quantities: the keys
// set again (saturated), and whether the run is clean (one side, strictly ordered).
// One pass: a key in range from the price's 64-bit halves (as the loaders), a saturated one
// by search_key; prices compared only where keys do not ascend.
template <bool kAsk>
bool fix_keys_and_check_prices(const BookLevel* out, std::int64_t* out_keys, std::size_t n) {
  for (std::size_t k = 0; k < n; ++k) {
    const Decimal::Rep sp = flip<kAsk>(out[k].price.raw());
    const auto hi = static_cast<std::uint64_t>(sp >> 64);
    out_keys[k] =
        ((hi + (std::uint64_t{1} << 28)) >> 29) != 0
            ? search_key(sp)
            : static_cast<std::int64_t>((static_cast<std::uint64_t>(sp) >> 29) | (hi << 35));
    if (k && out_keys[k - 1] >= out_keys[k] &&
        !(out_keys[k - 1] == out_keys[k] && flip<kAsk>(out[k - 1].price.raw()) < sp)) [[unlikely]]
      return false;
  }
  return kAsk ? out_keys[n - 1] < 0 : out_keys[0] >= 0;
}

template <bool kAsk>
bool load_ordered(BookLevel* out, std::int64_t* out_keys, const PackedLevel* first, std::size_t n) {
  // In 64-bit halves (see apply). Gathered over the run, no branch per level: whether the
  // keys ascend strictly, whether every key is in range (each high half within +-2^28),
  // and whether every quantity is positive (no high half with the sign bit, and the
  // smallest OR of the halves not 0).
  bool strict = true;
  std::uint64_t out_of_range = 0, q_high_or = 0, q_min_or = ~std::uint64_t{0};
  std::int64_t prev = std::numeric_limits<std::int64_t>::min();
  const PackedLevel* src = first + n;
  for (std::size_t k = 0; k < n; ++k) {
    --src;
    const auto lo = static_cast<std::uint64_t>(src->signed_price);
    const auto hi = static_cast<std::uint64_t>(src->signed_price >> 64);
    const auto key = static_cast<std::int64_t>((lo >> 29) | (hi << 35));
    out_of_range |= (hi + (std::uint64_t{1} << 28)) >> 29;
    strict &= prev < key;
    prev = key;
    const auto q_lo = static_cast<std::uint64_t>(src->quantity);
    const auto q_hi = static_cast<std::uint64_t>(src->quantity >> 64);
    q_high_or |= q_hi;
    q_min_or = std::min(q_min_or, q_lo | q_hi);
    out[k] = BookLevel{Decimal::from_raw(flip<kAsk>(src->signed_price)),
                       Decimal::from_raw(src->quantity)};
    out_keys[k] = key;
  }
  if ((q_high_or >> 63) != 0 || q_min_or == 0) return false;
  if (out_of_range) return fix_keys_and_check_prices<kAsk>(out, out_keys, n);
  // Keys ascend with the signed price and keep its sign: the ends tell the side.
  if (kAsk ? out_keys[n - 1] >= 0 : out_keys[0] < 0) return false;
  return strict || prices_ascend<kAsk>(out, n);
}

// Loads the run of one side's snapshot levels that starts at `first` and returns its end.
// A clean run (see load_ordered) that starts an empty side goes in at once, keys set; its
// end is found by a binary search, as a snapshot lists one side and then the other (the
// load checks that guess). Anything else is appended in arrival order and the side left
// for end_bulk's sort (`sorted` false).
template <bool kAsk>
const PackedLevel* load_run(BookSide& v, bool& sorted, const PackedLevel* first,
                            const PackedLevel* end) {
  if (sorted && v.empty()) {
    const PackedLevel* q = std::partition_point(first, end, on_side<kAsk>);
    const auto n = static_cast<std::size_t>(q - first);
    v.reserve(n + n / 8 + 16);  // room for the inserts that follow
    static const bool avx2 = book_detail::snapshot_avx2_usable();
    using book_detail::RunLoad;
    const RunLoad r = avx2 ? book_detail::load_clean_run_avx2(v.levels(), v.keys(), first, n, kAsk)
                           : RunLoad::Flawed;
    if (r == RunLoad::Clean ||
        (r == RunLoad::KeysOutOfRange &&
         book_detail::fix_keys_avx2(v.levels(), v.keys(), n, kAsk)) ||
        (r == RunLoad::Flawed && load_ordered<kAsk>(v.levels(), v.keys(), first, n))) {
      v.commit(n);
      return q;
    }
  }
  const PackedLevel* q = first + 1;
  while (q != end && on_side<kAsk>(*q)) ++q;
  const auto n = static_cast<std::size_t>(q - first);
  v.reserve(n + n / 8 + 16);
  BookLevel* const out = v.levels() + v.size();
  for (std::size_t k = 0; k < n; ++k) {
    out[k] = BookLevel{Decimal::from_raw(flip<kAsk>(first[k].signed_price)),
                       Decimal::from_raw(first[k].quantity)};
  }
  v.commit(n);
  sorted = false;
  return q;
}
}  // namespace

void OrderBook::load_bulk(std::span<const PackedLevel> levels) {
  const PackedLevel* p = levels.data();
  const PackedLevel* const end = p + levels.size();
  while (p != end) {  // runs of one side: usually all bids, then all asks
    p = p->side() == Side::Bid ? load_run<false>(bids_, bids_sorted_, p, end)
                               : load_run<true>(asks_, asks_sorted_, p, end);
  }
}

void OrderBook::clear() {
  bids_.clear();
  asks_.clear();
  whole_ = false;
  bulk_ = false;
}

void OrderBook::begin_bulk() {
  bulk_ = true;
  // Levels already there (without a clear) are in order; later ones append after them.
  bids_sorted_ = bids_.empty();
  asks_sorted_ = asks_.empty();
}

namespace {
// Sorts a side filled in arrival order (last value per price wins, zeros dropped) and
// sets its keys.
template <bool kAsk>
void sort_side(BookSide& v) {
  BookLevel* const first = v.levels();
  BookLevel* const last = first + v.size();
  auto less = [](const BookLevel& a, const BookLevel& b) {
    return flip<kAsk>(a.price.raw()) < flip<kAsk>(b.price.raw());
  };
  // One pass: is the side strictly ordered best-first (a snapshot), or already in the
  // vector's order, and does it hold levels to drop (zero quantities)?
  bool best_first = true, in_order = true, zeros = false;
  for (std::size_t i = 0; i < v.size(); ++i) {
    zeros |= !first[i].quantity.is_positive();
    if (i == 0) continue;
    best_first &= less(first[i], first[i - 1]);
    in_order &= less(first[i - 1], first[i]);
  }
  if (best_first || in_order) {
    // Strictly ordered: no price repeats, so only zero quantities go.
    if (best_first) std::reverse(first, last);
    if (zeros) {
      BookLevel* kept =
          std::remove_if(first, last, [](const BookLevel& l) { return !l.quantity.is_positive(); });
      v.truncate(static_cast<std::size_t>(kept - first));
    }
  } else {
    // Stable sort keeps arrival order among equal prices, so the last one is the total.
    std::stable_sort(first, last, less);
    std::size_t out = 0;
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (i + 1 < v.size() && first[i + 1].price == first[i].price) continue;  // later wins
      if (first[i].quantity.is_positive()) first[out++] = first[i];
    }
    v.truncate(out);
  }
  set_keys<kAsk>(v);
}
}  // namespace

void OrderBook::end_bulk() {
  if (!bulk_) return;
  bulk_ = false;
  if (!bids_sorted_) sort_side<false>(bids_);
  if (!asks_sorted_) sort_side<true>(asks_);
}

std::optional<BookLevel> OrderBook::best(Side side) const {
  const auto& v = slots(side);
  if (v.empty()) return std::nullopt;
  return v.back();
}

std::optional<Decimal> OrderBook::quantity_at(Side side, Decimal price) const {
  const auto& v = slots(side);
  const Decimal::Rep mask = side == Side::Ask ? -1 : 0;
  const Decimal::Rep sp = flip(price.raw(), mask);
  const Pos pos = find_pos(v, search_key(sp), sp, mask);
  if (pos.found) return v.levels()[pos.i].quantity;
  return std::nullopt;
}

std::optional<Decimal> OrderBook::mid() const {
  if (bids_.empty() || asks_.empty()) return std::nullopt;
  Decimal sum = bids_.back().price + asks_.back().price;
  return Decimal::from_raw(sum.raw() / 2);
}

std::optional<Decimal> OrderBook::spread() const {
  if (bids_.empty() || asks_.empty()) return std::nullopt;
  return asks_.back().price - bids_.back().price;
}

namespace {
template <class F>
void for_band(const BookSide& v, Side side, double mid, double pct, F f) {
  double lo = mid * (1.0 - pct / 100.0), hi = mid * (1.0 + pct / 100.0);
  for (const BookLevel* it = v.levels() + v.size(); it-- != v.levels();) {
    double p = it->price.to_double();
    if (side == Side::Bid ? p < lo : p > hi) break;  // sorted from best outward
    if (p >= lo && p <= hi) f(p, it->quantity.to_double());
  }
}
}  // namespace

double OrderBook::depth_quantity_within(Side side, double pct) const {
  auto m = mid();
  if (!m) return 0.0;
  double sum = 0;
  for_band(slots(side), side, m->to_double(), pct, [&](double, double q) { sum += q; });
  return sum;
}

double OrderBook::depth_notional_within(Side side, double pct) const {
  auto m = mid();
  if (!m) return 0.0;
  double sum = 0;
  for_band(slots(side), side, m->to_double(), pct, [&](double p, double q) { sum += p * q; });
  return sum;
}

}  // namespace rtcrypto
