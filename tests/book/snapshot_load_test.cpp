// The AVX2 snapshot loader against the plain definition of its output: every length
// around its four-level steps, both sides, prices whose low half is zero (the carry of the
// asks' negation), and each way a run can fail to be clean.
#include <gtest/gtest.h>

#include <limits>
#include <random>
#include <vector>

#include "../../src/book/snapshot_load.hpp"

namespace rtcrypto::book_detail {
namespace {

constexpr Decimal::Rep kTwo64 = static_cast<Decimal::Rep>(1) << 64;

// A clean best-first run of n levels of one side, some prices multiples of 2^64.
std::vector<PackedLevel> clean_run(std::size_t n, bool ask, std::mt19937_64& rng) {
  std::vector<PackedLevel> run;
  Decimal::Rep price = ask ? kTwo64 * 3 : kTwo64 * 900;
  for (std::size_t i = 0; i < n; ++i) {
    const Decimal::Rep step =
        rng() % 3 == 0 ? kTwo64 : static_cast<Decimal::Rep>(rng() % 1000 + 1) << 29;
    price += ask ? step : -step;
    const Decimal::Rep qty =
        rng() % 2 ? static_cast<Decimal::Rep>(rng() % 1000 + 1) : kTwo64 * 5 + 7;
    run.push_back({ask ? -price : price, qty});
  }
  return run;
}

struct Loaded {
  std::vector<BookLevel> levels;
  std::vector<std::int64_t> keys;
  RunLoad result;
  bool clean;
};

Loaded load(const std::vector<PackedLevel>& run, bool ask) {
  Loaded out{std::vector<BookLevel>(run.size()), std::vector<std::int64_t>(run.size()),
             RunLoad::Flawed, false};
  out.result = load_clean_run_avx2(out.levels.data(), out.keys.data(), run.data(), run.size(), ask);
  out.clean = out.result == RunLoad::Clean;
  return out;
}

TEST(SnapshotLoadAvx2, CleanRunsOfEveryLengthMatchTheDefinition) {
  if (!snapshot_avx2_usable()) GTEST_SKIP() << "no AVX2";
  std::mt19937_64 rng(5);
  for (bool ask : {false, true}) {
    for (std::size_t n = 1; n <= 41; ++n) {
      const std::vector<PackedLevel> run = clean_run(n, ask, rng);
      const Loaded got = load(run, ask);
      ASSERT_TRUE(got.clean) << n << " " << ask;
      for (std::size_t k = 0; k < n; ++k) {
        const PackedLevel& l = run[n - 1 - k];  // read backwards: best at the back
        EXPECT_EQ(got.levels[k].price, l.price()) << n << " " << k;
        EXPECT_EQ(got.levels[k].quantity, l.remaining()) << n << " " << k;
        EXPECT_EQ(got.keys[k], static_cast<std::int64_t>(l.signed_price >> 29)) << n << " " << k;
      }
    }
  }
}

TEST(SnapshotLoadAvx2, RunsThatAreNotCleanAreRefusedWhereverTheFlawIs) {
  if (!snapshot_avx2_usable()) GTEST_SKIP() << "no AVX2";
  std::mt19937_64 rng(9);
  for (bool ask : {false, true}) {
    for (std::size_t n : {2u, 3u, 4u, 5u, 8u, 9u, 13u}) {
      for (std::size_t at = 0; at < n; ++at) {
        const std::vector<PackedLevel> base = clean_run(n, ask, rng);
        auto flawed = [&](auto&& spoil) {
          std::vector<PackedLevel> run = base;
          spoil(run[at]);
          return load(run, ask).clean;
        };
        EXPECT_FALSE(flawed([](PackedLevel& l) { l.quantity = 0; })) << n << " " << at;
        EXPECT_FALSE(flawed([](PackedLevel& l) { l.quantity = -1; })) << n << " " << at;
        EXPECT_FALSE(flawed([](PackedLevel& l) { l.signed_price = -l.signed_price; }))
            << n << " " << at;  // the other side's level
        // Beyond the keys' range (the signed price's high half past 2^28).
        EXPECT_FALSE(flawed([&](PackedLevel& l) {
          l.signed_price = (ask ? -kTwo64 : kTwo64) * (Decimal::Rep{1} << 29);
        })) << n
            << " " << at;
        if (at > 0) {  // a repeat of the level before: not strictly best first
          std::vector<PackedLevel> run = base;
          run[at].signed_price = run[at - 1].signed_price;
          EXPECT_FALSE(load(run, ask).clean) << n << " " << at;
          run = base;  // worse than... better than the one before: out of order
          std::swap(run[at].signed_price, run[at - 1].signed_price);
          EXPECT_FALSE(load(run, ask).clean) << n << " " << at;
        }
      }
    }
  }
}

TEST(SnapshotLoadAvx2, PricesBeyondTheKeysRangeLeaveTheLevelsRightAndTheKeysToRedo) {
  if (!snapshot_avx2_usable()) GTEST_SKIP() << "no AVX2";
  const Decimal::Rep beyond = kTwo64 << 29;  // the high half at 2^29: past the keys' range
  for (bool ask : {false, true}) {
    for (std::size_t n = 1; n <= 9; ++n) {
      for (std::size_t from = 0; from < n; ++from) {  // levels from `from` on lie beyond
        std::vector<PackedLevel> run;
        for (std::size_t i = 0; i < n; ++i) {
          // (Not best first for bids: beyond the range the kernel only reports; the caller
          // checks the order by price.)
          const Decimal::Rep p = (i >= from ? beyond : kTwo64) + static_cast<Decimal::Rep>(i) * 7;
          run.push_back({ask ? -p : p, static_cast<Decimal::Rep>(i + 1)});
        }
        const Loaded got = load(run, ask);
        EXPECT_EQ(got.result, RunLoad::KeysOutOfRange) << n << " " << from;
        for (std::size_t k = 0; k < n; ++k) {
          EXPECT_EQ(got.levels[k].price, run[n - 1 - k].price());
          EXPECT_EQ(got.levels[k].quantity, run[n - 1 - k].remaining());
        }
        run[from].quantity = 0;  // a zero quantity still makes it Flawed
        EXPECT_EQ(load(run, ask).result, RunLoad::Flawed) << n << " " << from;
      }
    }
  }
}

// fix_keys_avx2 against the definition: every key the saturated search key of its signed
// price, and the run clean exactly when the signed prices strictly ascend and the ends keep
// the side's sign. Runs of every length around the four-level steps, with prices beyond the
// range at either end (ties of saturated keys), prices within one key, and disorder.
TEST(SnapshotLoadAvx2, FixedKeysMatchTheDefinition) {
  if (!snapshot_avx2_usable()) GTEST_SKIP() << "no AVX2";
  const Decimal::Rep beyond = kTwo64 << 29;
  auto key_of = [](Decimal::Rep sp) {
    const Decimal::Rep k = sp >> 29;
    constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
    if (k > kMax) return kMax;
    if (k < -kMax) return -kMax;
    return static_cast<std::int64_t>(k);
  };
  std::mt19937_64 rng(21);
  int clean = 0, flawed = 0;
  for (int round = 0; round < 3000; ++round) {
    const bool ask = rng() % 2;
    const std::size_t n = rng() % 14 + 1;
    // Signed prices ascending (the side's vector order), some beyond the range.
    std::vector<Decimal::Rep> sp;
    Decimal::Rep p = ask ? -(beyond * 2) : kTwo64;
    for (std::size_t i = 0; i < n; ++i) {
      const unsigned r = static_cast<unsigned>(rng() % 8);
      p += r == 0   ? 1       // within one key
           : r == 1 ? beyond  // far
                    : static_cast<Decimal::Rep>(rng() % 5000 + 1) << 29;
      sp.push_back(p);
    }
    if (!ask && rng() % 3 == 0) sp.back() = beyond * 3;   // bids beyond at the top
    if (ask && rng() % 4 == 0) sp.front() = -beyond * 4;  // asks beyond at the bottom
    if (rng() % 5 == 0) {                                 // disorder or a repeat
      const std::size_t a = rng() % n, b = rng() % n;
      if (rng() % 2)
        std::swap(sp[a], sp[b]);
      else
        sp[a] = sp[b];
    }
    std::vector<BookLevel> levels;
    for (Decimal::Rep x : sp)
      levels.push_back({Decimal::from_raw(ask ? -x : x), Decimal::from_raw(kTwo64 + 1)});
    std::vector<std::int64_t> keys(n, 12345);
    const bool got = fix_keys_avx2(levels.data(), keys.data(), n, ask);
    bool want = true;
    for (std::size_t i = 1; i < n; ++i) want &= sp[i - 1] < sp[i];
    want &= ask ? key_of(sp[n - 1]) < 0 : key_of(sp[0]) >= 0;
    ASSERT_EQ(got, want) << round;
    if (want) {
      ++clean;
      for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(keys[i], key_of(sp[i])) << round << " " << i;
    } else {
      ++flawed;
    }
  }
  EXPECT_GT(clean, 500);
  EXPECT_GT(flawed, 300);
}

}  // namespace
}  // namespace rtcrypto::book_detail
