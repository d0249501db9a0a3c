#include "rtcrypto/book/order_book.hpp"

#include <algorithm>

namespace rtcrypto {
namespace {

// Position of `price` in a side vector: the index of the first level that is not "better"
// than price in the vector's order (a lower bound). Most changes land near the best end
// (the back), so the top 8 levels are counted without branches first; deeper prices take
// a branch-free binary search (its trip count depends only on the depth).
template <class Less>
std::size_t lower_bound_in(const BookLevel* first, std::size_t len, Decimal price, Less less) {
  if (len == 0) return 0;
  const BookLevel* const base = first;
  while (len > 1) {
    const std::size_t half = len / 2;
    first += half & (std::size_t{0} - static_cast<std::size_t>(less(first[half].price, price)));
    len -= half;
  }
  return static_cast<std::size_t>(first - base) +
         static_cast<std::size_t>(less(first->price, price));
}

template <class Less>
std::size_t find_pos(const std::vector<BookLevel>& v, Decimal price, Less less) {
  constexpr std::size_t kTop = 8;
  const std::size_t n = v.size();
  if (n <= kTop) return lower_bound_in(v.data(), n, price, less);
  const BookLevel* top = v.data() + (n - kTop);
  if (!less(top[0].price, price)) return lower_bound_in(v.data(), n - kTop, price, less);
  std::size_t below = 0;  // top levels before price in the vector's order
  for (std::size_t k = 0; k < kTop; ++k)
    below += static_cast<std::size_t>(less(top[k].price, price));
  return n - kTop + below;
}

// On the raw integers: the defaulted <=> of Decimal costs a three-way compare per step.
struct BidLess {
  bool operator()(Decimal a, Decimal b) const { return a.raw() < b.raw(); }
};
struct AskLess {
  bool operator()(Decimal a, Decimal b) const { return a.raw() > b.raw(); }
};

template <class Less>
Decimal set_in(std::vector<BookLevel>& v, Decimal price, Decimal qty, Less less) {
  std::size_t i = find_pos(v, price, less);
  bool found = i < v.size() && v[i].price == price;
  Decimal prev;
  if (found) {
    prev = v[i].quantity;
    if (qty.is_positive()) {
      v[i].quantity = qty;
    } else {
      v.erase(v.begin() + static_cast<std::ptrdiff_t>(i));
    }
  } else if (qty.is_positive()) {
    v.insert(v.begin() + static_cast<std::ptrdiff_t>(i), BookLevel{price, qty});
  }
  return prev;
}

}  // namespace

Decimal OrderBook::update_level(Side side, Decimal price, Decimal quantity) {
  return side == Side::Bid ? set_in(bids_, price, quantity, BidLess{})
                           : set_in(asks_, price, quantity, AskLess{});
}

void OrderBook::clear() {
  bids_.clear();
  asks_.clear();
  whole_ = false;
  bulk_ = false;
}

void OrderBook::begin_bulk() {
  bulk_ = true;
}

namespace {
template <class Less>
void sort_side(std::vector<BookLevel>& v, Less less) {
  // One pass: is the side strictly ordered best-first (a snapshot), or already in the
  // vector's order, and does it hold levels to drop (zero quantities)?
  bool best_first = true, in_order = true, zeros = false;
  for (std::size_t i = 0; i < v.size(); ++i) {
    zeros |= !v[i].quantity.is_positive();
    if (i == 0) continue;
    best_first &= less(v[i].price, v[i - 1].price);
    in_order &= less(v[i - 1].price, v[i].price);
  }
  if (best_first || in_order) {
    // Strictly ordered: no price repeats, so only zero quantities go.
    if (best_first) std::reverse(v.begin(), v.end());
    if (zeros) {
      std::erase_if(v, [](const BookLevel& l) { return !l.quantity.is_positive(); });
    }
    return;
  }
  // Stable sort keeps arrival order among equal prices, so the last one is the total.
  std::stable_sort(v.begin(), v.end(),
                   [&](const BookLevel& a, const BookLevel& b) { return less(a.price, b.price); });
  std::size_t out = 0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i + 1 < v.size() && v[i + 1].price == v[i].price) continue;  // a later value wins
    if (v[i].quantity.is_positive()) v[out++] = v[i];
  }
  v.resize(out);
}
}  // namespace

void OrderBook::end_bulk() {
  if (!bulk_) return;
  bulk_ = false;
  sort_side(bids_, BidLess{});
  sort_side(asks_, AskLess{});
}

std::optional<BookLevel> OrderBook::best(Side side) const {
  const auto& v = levels(side);
  if (v.empty()) return std::nullopt;
  return v.back();
}

std::optional<Decimal> OrderBook::quantity_at(Side side, Decimal price) const {
  const auto& v = levels(side);
  std::size_t i = side == Side::Bid ? find_pos(v, price, BidLess{}) : find_pos(v, price, AskLess{});
  if (i < v.size() && v[i].price == price) return v[i].quantity;
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

bool OrderBook::crossed() const {
  return !bids_.empty() && !asks_.empty() && bids_.back().price >= asks_.back().price;
}

namespace {
template <class F>
void for_band(const std::vector<BookLevel>& v, Side side, double mid, double pct, F f) {
  double lo = mid * (1.0 - pct / 100.0), hi = mid * (1.0 + pct / 100.0);
  for (auto it = v.rbegin(); it != v.rend(); ++it) {
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
  for_band(levels(side), side, m->to_double(), pct, [&](double, double q) { sum += q; });
  return sum;
}

double OrderBook::depth_notional_within(Side side, double pct) const {
  auto m = mid();
  if (!m) return 0.0;
  double sum = 0;
  for_band(levels(side), side, m->to_double(), pct, [&](double p, double q) { sum += p * q; });
  return sum;
}

}  // namespace rtcrypto
