// The v2 scanner's change kernels (baseline SSE2 and, where the CPU has them, AVX2 and
// AVX-512) give exactly Decimal::parse's values or leave the change to the general reader:
// randomized and edge decimals, every length around the AVX-512 layout's 8 + 8 digits,
// frames of every size (padded copies and in-place with a tail copy), frames ending at a
// guard page, and the shared frames, on which all kernels must agree.
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "../../src/feed/v2_change_run.hpp"
#include "rtcrypto/core/decimal.hpp"
#include "test_support.hpp"
#include "v2_test_frames.hpp"

namespace rtcrypto {
namespace {

using feed_detail::ChangeRunFn;
using feed_detail::L2Scan;
using feed_detail::LevelBuffer;
using feed_detail::PendingTrade;
using feed_detail::ScannedLevel;

struct Kernel {
  const char* name;
  ChangeRunFn run;
};

std::vector<Kernel> kernels() {
  std::vector<Kernel> k = {{"baseline", feed_detail::change_run_baseline}};
  if (feed_detail::avx2_usable()) k.push_back({"avx2", feed_detail::change_run_avx2});
  if (feed_detail::avx512_usable()) k.push_back({"avx512", feed_detail::change_run_avx512});
  return k;
}

using Change = test::V2Change;

std::string frame_of(const std::vector<Change>& changes, bool sorted_keys = false) {
  return test::l2_frame("BTCUSD", changes, sorted_keys);
}

// What the scanner must give: every change's decimals as Decimal::parse reads them (price
// > 0, quantity >= 0), or a refusal when one is not valid.
std::optional<std::vector<ScannedLevel>> expected(const std::vector<Change>& changes) {
  std::vector<ScannedLevel> out;
  for (const Change& c : changes) {
    const auto p = Decimal::parse(c.price);
    const auto q = Decimal::parse(c.quantity);
    if (!p || !q || !p->is_positive() || q->is_negative()) return std::nullopt;
    out.push_back(ScannedLevel::make(c.sell ? Side::Ask : Side::Bid, *p, *q));
  }
  return out;
}

void expect_scan(std::string_view frame, const std::vector<Change>& changes, const Kernel& k,
                 const std::string& what) {
  L2Scan scan;
  LevelBuffer levels;
  std::vector<PendingTrade> trades;
  const bool ok = feed_detail::scan_l2_updates(frame, 1, scan, levels, trades, k.run);
  const auto want = expected(changes);
  ASSERT_EQ(ok, want.has_value()) << k.name << " " << what;
  if (!ok) return;
  EXPECT_EQ(scan.symbol, "BTCUSD");
  ASSERT_EQ(levels.size(), want->size()) << k.name << " " << what;
  for (std::size_t i = 0; i < want->size(); ++i) {
    const ScannedLevel& got = levels.levels()[i];
    ASSERT_TRUE(got.signed_price == (*want)[i].signed_price && got.quantity == (*want)[i].quantity)
        << k.name << " " << what << " change " << i << ": " << changes[i].price << " "
        << changes[i].quantity << " read as " << got.price().to_string() << " "
        << got.remaining().to_string();
  }
}

// A decimal of the kinds a feed sends and the kinds it must not: plain ones of 1..20
// digits with and without a point, leading zeros, 18 and more fractional digits, and the
// odd shapes (trailing or leading point, exponents, signs, junk).
std::string random_decimal(std::mt19937_64& rng) {
  const auto digits = [&](int n) { return test::random_digits(rng, n); };
  const auto n = [&](int lo, int hi) { return lo + static_cast<int>(rng() % (hi - lo + 1)); };
  switch (rng() % 16) {
    case 0:
      return digits(n(1, 20));
    case 1:
      return std::string(n(1, 6), '0') + digits(n(1, 8));
    case 2:
      return digits(n(1, 3)) + "." + std::string(n(0, 10), '0') + digits(n(1, 8));
    case 3:
      return digits(n(1, 12)) + "." + digits(n(16, 20));  // 18 and more fractional digits
    case 4: {
      static const char* odd[] = {"0",    "0.0",  "0.00000001", "5.",   ".5",  ".",    "",
                                  "1e-8", "1E+3", "1.5e2",      "+1",   "-1",  "-0.5", "1.2.3",
                                  "1 ",   " 1",   "0x10",       "1..2", "00.", "1,5",  "9.9e"};
      return odd[rng() % (sizeof(odd) / sizeof(odd[0]))];
    }
    case 5:
      return "0." + digits(n(1, 18));
    case 6:
      return digits(n(8, 19)) + "." + digits(n(1, 4));
    default:  // the usual: up to 8 integral digits, up to 10 fractional ones
      return digits(n(1, 8)) + (rng() % 4 ? "." + digits(n(1, 10)) : "");
  }
}

TEST(V2ChangeRun, RandomDecimalsReadAsDecimalParseDoes) {
  std::mt19937_64 rng(7);
  for (const Kernel& k : kernels()) {
    for (int round = 0; round < 4000; ++round) {
      std::vector<Change> changes;
      // Mostly short frames (copied and padded); every 50th long enough to be read in place.
      const int count = round % 50 == 0 ? 60 + static_cast<int>(rng() % 40) : 1 + rng() % 6;
      for (int i = 0; i < count; ++i) {
        changes.push_back({rng() % 2 == 0, random_decimal(rng), random_decimal(rng)});
      }
      // Mostly valid frames: an invalid decimal anywhere refuses the whole frame.
      if (rng() % 3 != 0) {
        for (Change& c : changes) {
          const auto p = Decimal::parse(c.price), q = Decimal::parse(c.quantity);
          if (!p || !p->is_positive()) c.price = "1.5";
          if (!q || q->is_negative()) c.quantity = "0.25";
        }
      }
      const std::string f = frame_of(changes, round % 5 == 0);
      expect_scan(f, changes, k, "round " + std::to_string(round) + ": " + f.substr(0, 200));
      if (HasFatalFailure()) return;
    }
  }
}

TEST(V2ChangeRun, EdgeDecimalsReadAsDecimalParseDoes) {
  const std::vector<std::string> edges = {
      "1",
      "0",
      "00000000000000000001",
      "0000000000000001",
      "1234567890123456",   // 16 digits
      "12345678901234567",  // 17
      "1234567890123456789",
      "12345678901234567890",
      "0.00000001",
      "0.000000000000000001",   // 18 fractional digits
      "0.0000000000000000001",  // 19
      "0.0000000000000000010",
      "123456.123456789012",
      "9999999999999999.9",
      "999999999999999.9",
      "1.000000000000000",
      "5.",
      ".5",
      ".",
      "1e-8",
      "1E8",
      "+5",
      "-5",
      "",
  };
  for (const Kernel& k : kernels()) {
    for (const std::string& a : edges) {
      for (const std::string& b : edges) {
        for (bool sell : {false, true}) {
          const std::vector<Change> one = {{sell, a, b}};
          expect_scan(frame_of(one), one, k, a + " " + b);
          // Between usual changes, and in a frame read in place.
          std::vector<Change> many(3, Change{!sell, "29385.05", "0.01"});
          many.insert(many.begin() + 1, one[0]);
          expect_scan(frame_of(many), many, k, a + " " + b + " among others");
          std::vector<Change> big(80, Change{sell, "29385.05", "0.12345678"});
          big.push_back(one[0]);
          expect_scan(frame_of(big), big, k, a + " " + b + " at the end of a big frame");
          if (HasFatalFailure()) return;
        }
      }
    }
  }
}

// Snapshot-shaped frames: hundreds of bids then hundreds of asks (the AVX-512 kernel reads
// long spans with a loop per side), over more than one kernel span, random decimals
// among the usual ones so that changes are also left to the general reader mid-run.
TEST(V2ChangeRun, SnapshotSideRunsReadAsDecimalParseDoes) {
  std::mt19937_64 rng(13);
  for (const Kernel& k : kernels()) {
    for (int round = 0; round < 12; ++round) {
      std::vector<Change> changes;
      const int bids = 300 + static_cast<int>(rng() % 600);
      const int asks = 300 + static_cast<int>(rng() % 600);
      for (int i = 0; i < bids + asks; ++i) {
        Change c{i >= bids, "29385.05", "0.12345678"};
        if (rng() % 8 == 0) c.price = random_decimal(rng);
        if (rng() % 8 == 0) c.quantity = random_decimal(rng);
        const auto p = Decimal::parse(c.price), q = Decimal::parse(c.quantity);
        if (round % 3 != 0 && (!p || !p->is_positive())) c.price = "7.25";
        if (round % 3 != 0 && (!q || q->is_negative())) c.quantity = "0";
        changes.push_back(c);
      }
      expect_scan(frame_of(changes, round % 2 == 1), changes, k,
                  "snapshot round " + std::to_string(round));
      if (HasFatalFailure()) return;
    }
  }
}

// Every split of up to 10 integral and 10 fractional digits (with and without a point, a
// trailing point, a leading one) in the price and in the quantity: the lengths on both
// sides of the AVX-512 layout's 8 + 8 digits and of its 32-byte window.
TEST(V2ChangeRun, EveryLengthAroundTheLayoutReadsAsDecimalParseDoes) {
  std::vector<std::string> shapes;
  for (int i = 0; i <= 10; ++i) {
    const std::string integral = std::string("9876543210").substr(0, i);
    if (i > 0) shapes.push_back(integral);
    for (int f = 0; f <= 10; ++f) {
      shapes.push_back(integral + "." + std::string("1234567890").substr(0, f));
    }
  }
  for (const Kernel& k : kernels()) {
    for (const std::string& a : shapes) {
      for (const std::string& b : shapes) {
        const bool sell = (a.size() + b.size()) % 2 == 1;
        std::vector<Change> few = {{!sell, "29385.05", "0.01"}, {sell, a, b}, {sell, "1.5", "2"}};
        expect_scan(frame_of(few), few, k, a + " " + b);
        std::vector<Change> big(70, Change{sell, "29385.05", "0.12345678"});
        big.insert(big.begin() + 35, Change{!sell, a, b});
        expect_scan(frame_of(big, true), big, k, a + " " + b + " in a big frame");
        if (HasFatalFailure()) return;
      }
    }
  }
}

// A frame read in place ends right before an unreadable page: nothing reads past it.
TEST(V2ChangeRun, NoReadPastTheEndOfAFrame) {
  test::GuardedPages guarded(16);
  ASSERT_TRUE(guarded.ok());
  std::mt19937_64 rng(11);
  for (const Kernel& k : kernels()) {
    for (int round = 0; round < 600; ++round) {
      std::vector<Change> changes;
      // Small frames too: delta frames up to 1 KiB are read in place with a tail copy.
      const int count =
          round % 4 == 3 ? 1 + static_cast<int>(rng() % 24) : 40 + static_cast<int>(rng() % 200);
      for (int i = 0; i < count; ++i) {
        changes.push_back({rng() % 2 == 0, random_decimal(rng), random_decimal(rng)});
      }
      if (rng() % 2) {
        for (Change& c : changes) {
          const auto p = Decimal::parse(c.price), q = Decimal::parse(c.quantity);
          if (!p || !p->is_positive()) c.price = "7";
          if (!q || q->is_negative()) c.quantity = "0";
        }
      }
      std::string f = frame_of(changes, round % 2 == 1);
      if (round % 3 == 0) f.resize(f.size() - 1 - rng() % 40);  // truncated
      ASSERT_LE(f.size(), guarded.size());
      char* const at = guarded.place(f.data(), f.size());
      L2Scan scan;
      LevelBuffer levels;
      std::vector<PendingTrade> trades;
      const bool ok = feed_detail::scan_l2_updates({at, f.size()}, 1, scan, levels, trades, k.run);
      if (round % 3 == 0) {
        EXPECT_FALSE(ok) << k.name;
      } else {
        EXPECT_EQ(ok, expected(changes).has_value()) << k.name << " round " << round;
        expect_scan({at, f.size()}, changes, k, "at a guard page, round " + std::to_string(round));
      }
    }
  }
}

// The changes `[...],[...]` of text (a kernel's taken span) as Decimal::parse reads them;
// nullopt for a change not of the shape.
std::optional<std::vector<ScannedLevel>> parse_changes(std::string_view text,
                                                       std::vector<std::string>* numbers) {
  std::vector<ScannedLevel> out;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t end = text.find(']', at);
    if (end == std::string_view::npos || text[at] != '[') return std::nullopt;
    const std::string_view c = text.substr(at + 1, end - at - 1);  // "side","p","q"
    const std::size_t q1 = c.find("\",\""), q2 = c.rfind("\",\"");
    if (q1 == q2 || c.front() != '"' || c.back() != '"') return std::nullopt;
    const std::string_view side = c.substr(1, q1 - 1);
    const std::string price(c.substr(q1 + 3, q2 - q1 - 3)),
        qty(c.substr(q2 + 3, c.size() - q2 - 4));
    const auto p = Decimal::parse(price), q = Decimal::parse(qty);
    if ((side != "buy" && side != "sell") || !p || !q || !p->is_positive() || q->is_negative()) {
      return std::nullopt;
    }
    out.push_back(ScannedLevel::make(side == "sell" ? Side::Ask : Side::Bid, *p, *q));
    if (numbers) numbers->insert(numbers->end(), {price, qty});
    at = end + 2;  // past `],`
  }
  return out;
}

// The AVX-512 kernel called directly (return value and levels) on runs of changes: short
// spans (sides at random, the delta loop) and long ones (runs of one side, the side-run
// loop), numbers at the edges of its layout, bytes mutated, limits cut anywhere. Every level
// it gives is Decimal::parse's reading of the span it says it took, and it takes what the
// AVX2 kernel takes, and more only where a number has 8 + 8 digits (17 characters, which the
// AVX2 layout leaves to the general reader).
TEST(V2ChangeRun, Avx512ReadsMutatedRunsAsDecimalParseAndAvx2Do) {
  if (!feed_detail::avx512_usable()) GTEST_SKIP() << "no AVX-512 VBMI on this CPU";
  std::mt19937_64 rng(17);
  const auto n = [&](int lo, int hi) { return lo + static_cast<int>(rng() % (hi - lo + 1)); };
  const auto digits = [&](int count) { return test::random_digits(rng, count); };
  const auto number = [&]() -> std::string {
    switch (rng() % 8) {
      case 0:
        return std::string(n(1, 9), '9') + "." + std::string(n(0, 9), '9');
      case 1:
        return "0." + std::string(n(0, 8), '0') + "1";
      case 2:
        return random_decimal(rng);
      default:
        return digits(n(1, 8)) + (rng() % 4 ? "." + digits(n(0, 9)) : "");
    }
  };
  const std::string bytes = "[],\"\\ 0123456789.-eEbuysl\x01\xff";
  std::size_t taken = 0, more = 0;
  for (int round = 0; round < 6000; ++round) {
    const bool long_span = round % 3 == 0;
    const int count = long_span ? n(40, 160) : n(1, 8);
    bool sell = rng() % 2;
    std::string text;
    for (int i = 0; i < count; ++i) {
      if (!long_span || rng() % 40 == 0) sell = rng() % 2;
      if (i) text += ',';
      text += std::string("[\"") + (sell ? "sell" : "buy") + "\",\"" + number() + "\",\"" +
              number() + "\"]";
    }
    for (int m = n(0, 3); m > 0; --m) text[rng() % text.size()] = bytes[rng() % bytes.size()];
    // 64 readable bytes from every position before the limit.
    const std::string buffer = text + "]}" + std::string(80, ' ');
    const std::size_t limit = round % 4 == 0 ? rng() % (text.size() + 1) : text.size();
    const char* const b = buffer.data();
    const std::string what = "round " + std::to_string(round) + ": " + text;
    LevelBuffer la, lb;
    const char* const da = feed_detail::change_run_avx2(b, b + limit, la);
    const char* const db = feed_detail::change_run_avx512(b, b + limit, lb);
    ASSERT_EQ(da == nullptr, la.size() == 0) << what;
    ASSERT_EQ(db == nullptr, lb.size() == 0) << what;
    std::vector<std::string> numbers;
    const auto want = parse_changes({b, db ? static_cast<std::size_t>(db - b) : 0}, &numbers);
    ASSERT_TRUE(want.has_value()) << what;
    ASSERT_EQ(want->size(), lb.size()) << what;
    ASSERT_GE(lb.size(), la.size()) << what;
    for (std::size_t i = 0; i < lb.size(); ++i) {
      const ScannedLevel& got = lb.levels()[i];
      ASSERT_TRUE(got.signed_price == (*want)[i].signed_price &&
                  got.quantity == (*want)[i].quantity)
          << what << " level " << i;
      if (i < la.size()) {
        ASSERT_TRUE(la.levels()[i].signed_price == got.signed_price &&
                    la.levels()[i].quantity == got.quantity)
            << what << " level " << i;
      }
    }
    if (lb.size() == la.size()) {
      ASSERT_EQ(da, db) << what;
    } else {
      // The first change AVX2 left has a number of 17 characters.
      const std::size_t i = la.size();
      ASSERT_TRUE(numbers[2 * i].size() == 17 || numbers[2 * i + 1].size() == 17) << what;
      ++more;
    }
    taken += lb.size();
  }
  EXPECT_GT(taken, 15'000u);  // many changes are taken: the comparison is not vacuous
  EXPECT_GT(more, 0u);
}

// Each kernel on valid runs of 1..8 changes of every length they take (15 to 42 bytes: the
// two numbers fit the 32 bytes read from the price's quote, so the next change's `[` may
// be anywhere in the 32 bytes a kernel searches), with the frame's end after them: it
// takes every change, as Decimal::parse reads them, and stops after the last.
TEST(V2ChangeRun, KernelsTakeWholeValidRuns) {
  std::mt19937_64 rng(31);
  const auto digits = [&](int count) {
    std::string s = std::to_string(1 + rng() % 9);  // a price > 0
    for (int i = 1; i < count; ++i) s += static_cast<char>('0' + rng() % 10);
    return s;
  };
  // 1..16 characters, at most 8 + 7 digits around a point (every kernel's layout).
  const auto number = [&]() -> std::string {
    const int len = 1 + static_cast<int>(rng() % 16);
    if (len < 3 || rng() % 4 == 0) return digits(std::min(len, 15));
    const int frac = 1 + static_cast<int>(rng() % std::min(7, len - 2));
    const int whole = std::min(len - 1 - frac, 8);
    return digits(whole) + "." + digits(frac);
  };
  std::vector<Kernel> all = kernels();
  all.erase(all.begin());  // the baseline (SSE2) one is the scanner's, tested with it
  if (all.empty()) GTEST_SKIP() << "no AVX2 on this CPU";
  std::size_t long_changes = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string text;
    const int count = 1 + static_cast<int>(rng() % 8);
    for (int i = 0; i < count; ++i) {
      std::string price = number(), qty = number();
      while (price.size() + qty.size() > 28) qty = number();
      const std::string change = std::string("[\"") + (rng() % 2 ? "sell" : "buy") + "\",\"" +
                                 price + "\",\"" + qty + "\"]";
      if (change.size() > 32) ++long_changes;
      text += (i ? "," : "") + change;
    }
    const std::string buffer =
        text + (round % 2 ? "]}" : "],\"symbol\":\"X\"}") + std::string(80, round % 3 ? ' ' : '\0');
    const auto want = parse_changes(text, nullptr);
    ASSERT_TRUE(want.has_value()) << text;
    for (const Kernel& k : all) {
      LevelBuffer levels;
      const char* const d = k.run(buffer.data(), buffer.data() + text.size(), levels);
      ASSERT_EQ(d, buffer.data() + text.size()) << k.name << " " << text;
      ASSERT_EQ(levels.size(), want->size()) << k.name << " " << text;
      for (std::size_t i = 0; i < want->size(); ++i) {
        ASSERT_TRUE(levels.levels()[i].signed_price == (*want)[i].signed_price &&
                    levels.levels()[i].quantity == (*want)[i].quantity)
            << k.name << " " << text << " level " << i;
      }
    }
  }
  EXPECT_GT(long_changes, 5'000u);  // next changes' `[` past 32 bytes from a change's start
}

// Long spans (over 1024 bytes: the kernels' loops per side) with runs of every
// length from 1 (sides switching after odd and even counts), changes its layout refuses at
// any position of a run (longer numbers, read by the AVX2 routine mid-run), heads of
// neither side, bad digits, missing points and limits anywhere: the AVX2 kernel (its loop
// per side too) takes a prefix that Decimal::parse reads the same, and with no 17-character
// number (the only thing the AVX-512 layout takes beyond the AVX2 one) the AVX-512 kernel
// gives the same levels and stops at the same place.
TEST(V2ChangeRun, LongSpansOfSwitchingRunsReadAsDecimalParseDoes) {
  if (!feed_detail::avx2_usable()) GTEST_SKIP() << "no AVX2 on this CPU";
  const bool avx512 = feed_detail::avx512_usable();
  std::mt19937_64 rng(29);
  const auto n = [&](int lo, int hi) { return lo + static_cast<int>(rng() % (hi - lo + 1)); };
  const auto digits = [&](int count) { return test::random_digits(rng, count); };
  std::size_t taken = 0, long_numbers = 0, switches = 0, whole = 0;
  // Numbers of 1..16 characters: the usual ones, and ones of more than 8 integral or
  // fractional digits (which only the AVX2 layout takes).
  const auto number = [&]() -> std::string {
    switch (rng() % 12) {
      case 0:
        ++long_numbers;
        return digits(n(9, 14)) + (rng() % 2 ? "." + digits(1) : "");  // > 8 integral
      case 1:
        ++long_numbers;
        return "0." + digits(n(9, 14));  // > 8 fractional
      case 2:
        return digits(n(1, 16));  // 1..16 digits, no point
      case 3:
        return digits(n(1, 7)) + "." + digits(n(1, 8));
      default:
        return digits(n(1, 8)) + (rng() % 4 ? "." + digits(n(1, 7)) : "");
    }
  };
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    bool sell = rng() % 2;
    int run_left = n(1, 9);
    const std::size_t size = 1100 + rng() % 3000;
    while (text.size() < size) {
      if (--run_left < 0) {
        sell = !sell;
        run_left = round % 2 ? n(0, 7) : n(0, 80);
        ++switches;
      }
      const std::string price = number(), qty = number();
      if (!text.empty()) text += ',';
      text +=
          std::string("[\"") + (sell ? "sell" : "buy") + "\",\"" + price + "\",\"" + qty + "\"]";
    }
    // Mutations anywhere: a head of neither side, a bad digit, a point or a quote replaced.
    for (int m = round % 3 == 0 ? n(1, 3) : 0; m > 0; --m) {
      const std::size_t at = rng() % text.size();
      switch (rng() % 4) {
        case 0:
          if (text.compare(at, 3, "buy") == 0) {
            text.replace(at, 3, "bid");
          } else {
            text[at] = 'x';
          }
          break;
        case 1:
          if (text[at] >= '0' && text[at] <= '9')
            text[at] = static_cast<char>('0' + rng() % 10 + 1);
          break;
        case 2:
          if (text[at] == '.') text[at] = '5';
          break;
        default:
          if (text[at] == '"') text[at] = '\'';
      }
    }
    const std::string buffer = text + "]}" + std::string(80, ' ');
    const std::size_t limit = round % 4 == 0 ? 1030 + rng() % (text.size() - 1029) : text.size();
    const char* const b = buffer.data();
    const std::string what = "round " + std::to_string(round) + ": " + text;
    // The AVX2 kernel: a prefix of the span, as Decimal::parse reads it.
    LevelBuffer la;
    const char* const da = feed_detail::change_run_avx2(b, b + limit, la);
    const auto want = parse_changes({b, da ? static_cast<std::size_t>(da - b) : 0}, nullptr);
    ASSERT_TRUE(want.has_value()) << what;
    ASSERT_EQ(want->size(), la.size()) << what;
    for (std::size_t i = 0; i < la.size(); ++i) {
      ASSERT_TRUE((*want)[i].signed_price == la.levels()[i].signed_price &&
                  (*want)[i].quantity == la.levels()[i].quantity)
          << what << " level " << i;
    }
    // The AVX-512 kernel: the same (no 17-character number here).
    if (avx512) {
      LevelBuffer lb;
      const char* const db = feed_detail::change_run_avx512(b, b + limit, lb);
      ASSERT_EQ(da, db) << what;
      ASSERT_EQ(la.size(), lb.size()) << what;
      for (std::size_t i = 0; i < lb.size(); ++i) {
        ASSERT_TRUE(la.levels()[i].signed_price == lb.levels()[i].signed_price &&
                    la.levels()[i].quantity == lb.levels()[i].quantity)
            << what << " level " << i;
      }
    }
    taken += la.size();
    if (da == b + text.size()) ++whole;
  }
  // Not vacuous: many levels and whole spans, runs switching, changes read by the AVX2
  // routine mid-run.
  EXPECT_GT(taken, 50'000u);
  EXPECT_GT(whole, 300u);
  EXPECT_GT(switches, 10'000u);
  EXPECT_GT(long_numbers, 10'000u);
}

// A long span (the loops per side) of valid changes with one change made unreadable at each
// position in turn: a `[` inside its price, a bad digit, a side of neither kind, a price of
// 0, or no `]` after it. Each kernel takes exactly the changes before it, as Decimal::parse
// reads them, and stops before its comma (nothing at all when it is the first). The numbers
// have 1..16 characters (two of at most 28), so the changes' starts fall at every offset.
TEST(V2ChangeRun, LongSpansStopBeforeARefusedChangeAtEveryPosition) {
  std::vector<Kernel> all = kernels();
  all.erase(all.begin());  // the baseline (SSE2) one is the scanner's, tested with it
  if (all.empty()) GTEST_SKIP() << "no AVX2 on this CPU";
  std::mt19937_64 rng(41);
  const auto number = [&](bool price) {
    const int len = 1 + static_cast<int>(rng() % 16);
    std::string s = std::to_string(1 + rng() % 9);  // > 0, and never starts with a point
    for (int i = 1; i < len; ++i) s += static_cast<char>('0' + rng() % 10);
    if (len >= 3 && rng() % 3) s[1 + rng() % (len - 2)] = '.';  // a point inside
    if (!price && rng() % 5 == 0) s = "0";
    return s;
  };
  std::size_t positions = 0;
  for (int round = 0; round < 12; ++round) {
    std::vector<std::string> changes;
    std::size_t size = 0;
    bool sell = round % 2;
    while (size < 1100 + 400 * static_cast<std::size_t>(round % 3)) {
      if (rng() % (round < 6 ? 40 : 5) == 0) sell = !sell;  // long runs, then short ones
      // Both numbers within the 32 bytes read from the price's quote (longer ones are the
      // general reader's).
      std::string price = number(true), qty = number(false);
      while (price.size() + qty.size() > 28) qty = number(false);
      changes.push_back(std::string("[\"") + (sell ? "sell" : "buy") + "\",\"" + price + "\",\"" +
                        qty + "\"]");
      size += changes.back().size() + 1;
    }
    for (std::size_t bad = 0; bad < changes.size(); ++bad) {
      std::string text, before;
      for (std::size_t i = 0; i < changes.size(); ++i) {
        std::string c = changes[i];
        if (i == bad) {
          const std::size_t price = c.find("\",\"") + 3;
          switch ((bad + static_cast<std::size_t>(round)) % 5) {
            case 0:
              c.insert(price + 1, "[");
              break;
            case 1:
              c[price] = 'x';
              break;
            case 2:
              c[2] = 'x';  // "xuy" / "xell"
              break;
            case 3:
              c.replace(price, c.find('"', price) - price, "0.00");
              break;
            default:
              c.back() = '}';
          }
        }
        if (i) text += ',';
        if (i == bad) before = text;
        text += c;
      }
      const std::string buffer = text + "]}" + std::string(80, ' ');
      const char* const b = buffer.data();
      // What must be taken: the changes before `bad`, ending before the comma in front of it.
      const std::size_t taken_end = bad == 0 ? 0 : before.size() - 1;
      const auto want = parse_changes({b, taken_end}, nullptr);
      ASSERT_TRUE(want.has_value());
      ASSERT_EQ(want->size(), bad);
      for (const Kernel& k : all) {
        const std::string what = std::string(k.name) + " round " + std::to_string(round) +
                                 " refused change " + std::to_string(bad);
        LevelBuffer levels;
        const char* const d = k.run(b, b + text.size(), levels);
        ASSERT_EQ(d, bad == 0 ? nullptr : b + taken_end) << what;
        ASSERT_EQ(levels.size(), bad) << what;
        for (std::size_t i = 0; i < bad; ++i) {
          ASSERT_TRUE(levels.levels()[i].signed_price == (*want)[i].signed_price &&
                      levels.levels()[i].quantity == (*want)[i].quantity)
              << what << " level " << i;
        }
      }
      ++positions;
    }
  }
  EXPECT_GT(positions, 500u);  // every position of every span
}

// Every kernel gives the baseline's scan of every shared frame and of mutated ones.
TEST(V2ChangeRun, KernelsAgreeOnSharedAndMutatedFrames) {
  RTC_SHARED_FILE_OR_SKIP(path, "gemini/v2-marketdata-frames.ndjson");
  const std::vector<Kernel> all = kernels();
  if (all.size() < 2) GTEST_SKIP() << "no AVX2 on this CPU";
  const std::vector<std::string> recorded = test::read_lines(path);
  ASSERT_EQ(recorded.size(), 4038u);
  const std::vector<std::string> frames = test::with_byte_mutations(recorded, 5000, 5);
  for (std::size_t kernel = 1; kernel < all.size(); ++kernel) {
    std::size_t scanned = 0, levels_seen = 0;
    for (const std::string& f : frames) {
      L2Scan sa, sb;
      LevelBuffer la, lb;
      std::vector<PendingTrade> ta, tb;
      const bool a = feed_detail::scan_l2_updates(f, 9, sa, la, ta, all[0].run);
      const bool b = feed_detail::scan_l2_updates(f, 9, sb, lb, tb, all[kernel].run);
      ASSERT_EQ(a, b) << all[kernel].name << " " << f.substr(0, 300);
      if (!a) continue;
      ++scanned;
      ASSERT_EQ(sa.symbol, sb.symbol);
      ASSERT_EQ(sa.has_trades, sb.has_trades);
      ASSERT_EQ(sa.has_auction_events, sb.has_auction_events);
      ASSERT_EQ(la.size(), lb.size()) << all[kernel].name << " " << f.substr(0, 300);
      levels_seen += la.size();
      for (std::size_t i = 0; i < la.size(); ++i) {
        ASSERT_TRUE(la.levels()[i].signed_price == lb.levels()[i].signed_price &&
                    la.levels()[i].quantity == lb.levels()[i].quantity)
            << all[kernel].name << " " << f.substr(0, 300) << " level " << i;
      }
      ASSERT_EQ(ta.size(), tb.size());
      for (std::size_t i = 0; i < ta.size(); ++i) {
        ASSERT_TRUE(ta[i].price == tb[i].price && ta[i].quantity == tb[i].quantity &&
                    ta[i].taker == tb[i].taker && ta[i].ts == tb[i].ts && ta[i].id == tb[i].id);
      }
    }
    EXPECT_GT(scanned, 3900u) << all[kernel].name;
    EXPECT_GE(levels_seen, 48'041u) << all[kernel].name;
  }
}

}  // namespace
}  // namespace rtcrypto
