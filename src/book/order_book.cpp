#include "rtcrypto/book/order_book.hpp"

#include <algorithm>

namespace rtcrypto {
namespace {

// Position of `price` in a side vector, searched from the back (the best end), where
// nearly all changes land. Returns the index of the first element that is not "better"
// than price in the vector's order.
template <class Less>
std::size_t find_pos(const std::vector<BookLevel>& v, Decimal price, Less less) {
  // Linear scan over the top few levels, then binary search.
  std::size_t n = v.size();
  std::size_t scan = std::min<std::size_t>(n, 8);
  for (std::size_t k = 0; k < scan; ++k) {
    std::size_t i = n - 1 - k;
    if (!less(price, v[i].price)) return less(v[i].price, price) ? i + 1 : i;
  }
  auto it = std::lower_bound(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(n - scan), price,
                             [&](const BookLevel& l, Decimal p) { return less(l.price, p); });
  return static_cast<std::size_t>(it - v.begin());
}

struct BidLess {
  bool operator()(Decimal a, Decimal b) const { return a < b; }
};
struct AskLess {
  bool operator()(Decimal a, Decimal b) const { return a > b; }
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

Decimal OrderBook::set_level(Side side, Decimal price, Decimal quantity) {
  if (bulk_) {
    levels(side).push_back(BookLevel{price, quantity});
    return Decimal{};
  }
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
  auto strictly = [&](auto before) {
    for (std::size_t i = 1; i < v.size(); ++i) {
      if (!before(v[i - 1].price, v[i].price)) return false;
    }
    return true;
  };
  if (strictly([&](Decimal a, Decimal b) { return less(b, a); })) {
    // Snapshots list the best level first: the reverse of the vector's order, no repeats.
    std::reverse(v.begin(), v.end());
  } else if (!strictly(less)) {
    // Stable sort keeps arrival order among equal prices, so the last one is the total.
    std::stable_sort(v.begin(), v.end(), [&](const BookLevel& a, const BookLevel& b) {
      return less(a.price, b.price);
    });
  }
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
