// The AVX-512 and AVX2 apply kernels (src/book/apply_avx*.cpp) and the portable apply
// against a model (a std::map per side): random operation sequences on books of every depth around
// the kernel's top 16 keys (empty and short sides read the keys' front pads), changes deep below
// the top, prices within one search key, prices beyond the keys' range, removals of absent levels,
// negative quantities, and growth of the storage mid-batch.
#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <map>
#include <random>
#include <vector>

#include "../../src/book/apply_avx2.hpp"
#include "rtcrypto/book/order_book.hpp"

namespace rtcrypto {
namespace {

constexpr Decimal::Rep kOne = static_cast<Decimal::Rep>(1'000'000'000'000'000'000);

// The model: price -> quantity per side, as set_level defines it.
struct Model {
  std::map<Decimal::Rep, Decimal::Rep> side[2];
  void set(const PackedLevel& l) {
    auto& m = side[l.signed_price < 0];
    const Decimal::Rep p = l.price().raw();
    if (l.quantity > 0) {
      m[p] = l.quantity;
    } else {
      m.erase(p);
    }
  }
};

void expect_matches(const OrderBook& b, const Model& m, const char* what) {
  for (Side s : {Side::Bid, Side::Ask}) {
    const auto& levels = m.side[s == Side::Ask];
    ASSERT_EQ(b.depth(s), levels.size()) << what;
    std::size_t i = 0;
    auto check = [&](auto first, auto last) {
      for (auto it = first; it != last; ++it, ++i) {
        ASSERT_EQ(b.level(s, i).price.raw(), it->first) << what << " level " << i;
        ASSERT_EQ(b.level(s, i).quantity.raw(), it->second) << what << " level " << i;
      }
    };
    if (s == Side::Bid) {
      check(levels.rbegin(), levels.rend());  // best (highest) first
    } else {
      check(levels.begin(), levels.end());
    }
    // Lookups agree with the model (the keys are right, not only the levels).
    for (const auto& [p, q] : levels) {
      const auto found = b.quantity_at(s, Decimal::from_raw(p));
      ASSERT_TRUE(found.has_value()) << what;
      ASSERT_EQ(found->raw(), q) << what;
    }
  }
}

// The kernels on bare sides, each the kernel OrderBook::apply would pick on its CPU.
struct Kernel {
  const char* name;
  bool usable;
  void (*apply)(BookSide&, BookSide&, const PackedLevel*, std::size_t);
};
std::vector<Kernel> kernels() {
  return {{"avx2", book_detail::apply_avx2_usable(), book_detail::apply_avx2},
          {"avx512", book_detail::apply_avx512_usable(), book_detail::apply_avx512}};
}
struct Sides {
  BookSide bids, asks;
};

// A side's levels (vector order: best at the back) and keys against the model.
void expect_side_matches(const BookSide& v, const std::map<Decimal::Rep, Decimal::Rep>& m, bool ask,
                         const char* what) {
  ASSERT_EQ(v.size(), m.size()) << what;
  std::vector<std::pair<Decimal::Rep, Decimal::Rep>> want(m.begin(), m.end());
  if (ask) std::reverse(want.begin(), want.end());
  for (std::size_t i = 0; i < v.size(); ++i) {
    ASSERT_EQ(v.levels()[i].price.raw(), want[i].first) << what << " " << i;
    ASSERT_EQ(v.levels()[i].quantity.raw(), want[i].second) << what << " " << i;
    const Decimal::Rep k = (ask ? -want[i].first : want[i].first) >> 29;
    const auto key =
        k > std::numeric_limits<std::int64_t>::max()   ? std::numeric_limits<std::int64_t>::max()
        : k < std::numeric_limits<std::int64_t>::min() ? -std::numeric_limits<std::int64_t>::max()
                                                       : static_cast<std::int64_t>(k);
    ASSERT_EQ(v.keys()[i], key) << what << " key " << i;
  }
}
void expect_sides_match(const Sides& s, const Model& m, const char* what) {
  expect_side_matches(s.bids, m.side[0], false, what);
  expect_side_matches(s.asks, m.side[1], true, what);
}

// A random change near a side's top (mostly), deep, within one key of a listed price, or
// beyond the keys' range.
PackedLevel random_change(std::mt19937_64& rng, const Model& m, int mix) {
  const bool ask = rng() % 2;
  const auto& levels = m.side[ask];
  Decimal::Rep price;
  const unsigned r = static_cast<unsigned>(rng() % 100);
  if (!levels.empty() && r < 45) {  // an existing level, mostly near the top
    std::size_t depth =
        rng() % 4 == 0 ? rng() % levels.size() : rng() % std::min<std::size_t>(levels.size(), 20);
    auto it = ask ? std::next(levels.begin(), static_cast<long>(depth))
                  : std::prev(levels.end(), static_cast<long>(depth) + 1);
    price = it->first;
    if (mix && rng() % 8 == 0) price += static_cast<Decimal::Rep>(rng() % 1000 + 1);  // same key
  } else if (mix > 1 && r < 48) {
    price = kOne * 5'000'000'000 + static_cast<Decimal::Rep>(rng() % 5) * kOne;  // beyond range
  } else {  // a tick near the spread (bids below 1000, asks above)
    const auto tick = static_cast<Decimal::Rep>(rng() % 60);
    price = ask ? kOne * 1000 + tick * kOne / 100 : kOne * 1000 - (tick + 1) * kOne / 100;
    if (mix && rng() % 16 == 0) price += static_cast<Decimal::Rep>(rng() % 1000);
  }
  const unsigned q = static_cast<unsigned>(rng() % 10);
  Decimal::Rep qty = q < 4 ? 0 : static_cast<Decimal::Rep>(q) * kOne / 3;
  if (q == 9) qty = -kOne;  // negative: removes, as zero does
  // Whole multiples of 2^64 (a low half of 0): positive or negative by the high half alone.
  if (q >= 8 && rng() % 4 == 0) {
    qty = static_cast<Decimal::Rep>(static_cast<std::int64_t>(rng() % 3 + 1)) << 64;
    if (q == 9) qty = -qty;
  }
  return PackedLevel{ask ? -price : price, qty};
}

// The same batches through OrderBook::apply, apply_portable and every usable kernel on bare
// sides, each checked against the model after every batch.
struct Appliers {
  OrderBook fast, portable;
  Sides sides[2];
  std::vector<Kernel> ks = kernels();

  void apply_and_check(const std::vector<PackedLevel>& batch, const Model& m) {
    fast.apply(batch);
    portable.apply_portable(batch);
    expect_matches(fast, m, "apply");
    expect_matches(portable, m, "apply_portable");
    for (std::size_t k = 0; k < ks.size(); ++k) {
      if (!ks[k].usable) continue;
      ks[k].apply(sides[k].bids, sides[k].asks, batch.data(), batch.size());
      expect_sides_match(sides[k], m, ks[k].name);
    }
  }
};

void run(unsigned seed, int mix, std::size_t steps, std::size_t max_batch) {
  std::mt19937_64 rng(seed);
  Appliers books;
  Model m;
  for (std::size_t step = 0; step < steps;) {
    std::vector<PackedLevel> batch(rng() % max_batch + 1);
    for (PackedLevel& l : batch) {
      l = random_change(rng, m, mix);
      m.set(l);
    }
    books.apply_and_check(batch, m);
    step += batch.size();
    if (testing::Test::HasFailure()) return;
  }
}

TEST(ApplyAvx2, RandomTopChangesMatchTheModel) {
  if (!book_detail::apply_avx2_usable()) GTEST_SKIP() << "no AVX2";
  for (unsigned seed = 1; seed <= 20; ++seed) run(seed, 0, 3000, 8);
}

TEST(ApplyAvx2, PricesWithinOneKeyAndBeyondTheRangeMatchTheModel) {
  if (!book_detail::apply_avx2_usable()) GTEST_SKIP() << "no AVX2";
  for (unsigned seed = 100; seed <= 110; ++seed) run(seed, 1, 3000, 8);
  for (unsigned seed = 200; seed <= 210; ++seed) run(seed, 2, 3000, 8);
}

// Long batches: the AVX-512 kernel keeps a side's top keys in registers through a run of
// that side's changes, reloading them after each change the general path takes.
TEST(ApplyAvx2, LongBatchesMatchTheModel) {
  if (!book_detail::apply_avx2_usable()) GTEST_SKIP() << "no AVX2";
  for (unsigned seed = 300; seed <= 305; ++seed) run(seed, 0, 4000, 64);
  for (unsigned seed = 310; seed <= 315; ++seed) run(seed, 2, 4000, 64);
}

// Changes spread over the top ~40 levels of sides of 0 to ~70 levels, in long batches: the
// AVX-512 kernel takes those 16 to 31 levels down by their own moves, keeping the top keys
// in registers, and sides shorter than 32 read the keys' front pads there.
TEST(ApplyAvx2, ChangesJustBelowTheTopMatchTheModel) {
  if (!book_detail::apply_avx2_usable()) GTEST_SKIP() << "no AVX2";
  for (unsigned seed = 400; seed <= 415; ++seed) {
    std::mt19937_64 rng(seed);
    Appliers books;
    Model m;
    const std::size_t ticks = 30 + seed % 8 * 10;  // of which about half are listed
    for (int round = 0; round < 150; ++round) {
      std::vector<PackedLevel> batch(rng() % 48 + 1);
      for (PackedLevel& l : batch) {
        const bool ask = rng() % 2;
        const auto tick = static_cast<Decimal::Rep>(rng() % ticks);
        const Decimal::Rep price =
            ask ? kOne * 1000 + tick * kOne / 100 : kOne * 1000 - (tick + 1) * kOne / 100;
        const Decimal::Rep qty =
            rng() % 5 < 2 ? 0 : static_cast<Decimal::Rep>(rng() % 7 + 1) * kOne;
        l = PackedLevel{ask ? -price : price, qty};
        m.set(l);
      }
      books.apply_and_check(batch, m);
      if (HasFailure()) return;
    }
  }
}

// Batches of one-side runs (the AVX-512 kernel takes a run with that side's top keys in
// registers): runs of inserts above the best that push the top up past 16 levels, erases
// of the best that bring it down again, changes anywhere near the top, and deep ones
// within a run; the runs alternate sides at random points of a batch.
TEST(ApplyAvx2, OneSideRunsMatchTheModel) {
  if (!book_detail::apply_avx2_usable()) GTEST_SKIP() << "no AVX2";
  for (unsigned seed = 500; seed <= 507; ++seed) {
    std::mt19937_64 rng(seed);
    Appliers books;
    Model m;
    for (int round = 0; round < 120; ++round) {
      std::vector<PackedLevel> batch;
      for (int run = static_cast<int>(rng() % 4); run >= 0; --run) {
        const bool ask = rng() % 2;
        const auto& levels = m.side[ask];
        const unsigned kind = static_cast<unsigned>(rng() % 4);
        for (std::size_t k = rng() % 24 + 1; k > 0; --k) {
          Decimal::Rep price;
          Decimal::Rep qty = static_cast<Decimal::Rep>(rng() % 5 + 1) * kOne;
          const auto tick = static_cast<Decimal::Rep>(rng() % 200);
          if (kind == 0 || levels.empty()) {  // above the best: the top climbs
            price = ask ? (levels.empty() ? kOne * 1100 : levels.begin()->first) - kOne / 100
                        : (levels.empty() ? kOne * 900 : levels.rbegin()->first) + kOne / 100;
          } else if (kind == 1) {  // the best removed: the top comes down
            price = ask ? levels.begin()->first : levels.rbegin()->first;
            qty = 0;
          } else if (kind == 2 || k % 5) {  // near the top, any operation
            const std::size_t depth = rng() % std::min<std::size_t>(levels.size(), 20);
            price = ask ? std::next(levels.begin(), static_cast<long>(depth))->first
                        : std::prev(levels.end(), static_cast<long>(depth) + 1)->first;
            if (rng() % 2) price += (ask ? 1 : -1) * kOne / 1000;
            if (rng() % 3 == 0) qty = 0;
          } else {  // deep: off the top keys mid-run
            price = ask ? kOne * 1200 + tick * kOne / 100 : kOne * 800 - tick * kOne / 100;
          }
          batch.push_back({ask ? -price : price, qty});
          m.set(batch.back());
        }
      }
      books.apply_and_check(batch, m);
      if (HasFailure()) return;
    }
  }
}

// Every depth from empty to past 16 levels: inserts at every position, then erases at
// every position, in one batch each (the storage grows mid-batch).
TEST(ApplyAvx2, EveryPositionOfShortAndLongSides) {
  if (!book_detail::apply_avx2_usable()) GTEST_SKIP() << "no AVX2";
  for (std::size_t n = 0; n <= 48; ++n) {
    for (std::size_t pos = 0; pos <= n; ++pos) {
      for (int op = 0; op < 3; ++op) {  // insert at pos, erase pos, update pos
        if (op > 0 && pos == n) continue;
        for (bool ask : {false, true}) {
          OrderBook fast, portable;
          Model m;
          std::vector<PackedLevel> batch;
          for (std::size_t j = 0; j < n; ++j) {  // prices 2, 4, ... (room between)
            const Decimal::Rep p = kOne * static_cast<Decimal::Rep>(2 * j + 2);
            batch.push_back({ask ? -p : p, kOne});
          }
          const Decimal::Rep p = kOne * static_cast<Decimal::Rep>(2 * pos + (op == 0 ? 1 : 2));
          batch.push_back({ask ? -p : p, op == 1 ? 0 : 3 * kOne});
          for (const PackedLevel& l : batch) m.set(l);
          fast.apply(batch);
          portable.apply_portable(batch);
          expect_matches(fast, m, "apply");
          expect_matches(portable, m, "apply_portable");
          for (const Kernel& k : kernels()) {
            if (!k.usable) continue;
            Sides sides;
            k.apply(sides.bids, sides.asks, batch.data(), batch.size());
            expect_sides_match(sides, m, k.name);
          }
          if (HasFailure()) return;
        }
      }
    }
  }
}

// An empty batch changes nothing, on sides without storage yet and on filled ones (the
// kernels make their storage per batch, from the batch's size).
TEST(ApplyAvx2, EmptyBatchesLeaveTheSidesAsTheyAre) {
  const std::vector<PackedLevel> levels = {{3 * kOne, kOne}, {-4 * kOne, 2 * kOne}};
  Model m;
  for (const PackedLevel& l : levels) m.set(l);
  for (const Kernel& k : kernels()) {
    if (!k.usable) continue;
    Sides fresh;
    k.apply(fresh.bids, fresh.asks, levels.data(), 0);
    expect_sides_match(fresh, Model{}, k.name);
    Sides filled;
    k.apply(filled.bids, filled.asks, levels.data(), levels.size());
    k.apply(filled.bids, filled.asks, levels.data(), 0);
    expect_sides_match(filled, m, k.name);
  }
  OrderBook book;
  book.apply({});
  EXPECT_TRUE(book.empty());
}

}  // namespace
}  // namespace rtcrypto
