// The AVX2 trade kernel against the scanner's SSE2 trade reader (both chosen through
// set_trade_run) and both against the DOM path: same scans, same trades, same refusals, on
// recorded snapshots, their trades cut and mutated, and hand-written edges.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "../../src/feed/v2_change_run.hpp"
#include "../../src/feed/v2_trade_run.hpp"
#include "event_recorder.hpp"
#include "rtcrypto/feed/gemini_parsers.hpp"
#include "test_support.hpp"

namespace rtcrypto {
namespace {

using feed_detail::L2Scan;
using feed_detail::LevelBuffer;
using feed_detail::PendingTrade;
using feed_detail::TradeRunFn;

// Sets the scanner's trade kernel for one scope.
class TradeRunScope {
 public:
  explicit TradeRunScope(TradeRunFn run) : saved_(feed_detail::trade_run()) {
    feed_detail::set_trade_run(run);
  }
  ~TradeRunScope() { feed_detail::set_trade_run(saved_); }
  TradeRunScope(const TradeRunScope&) = delete;
  TradeRunScope& operator=(const TradeRunScope&) = delete;

 private:
  TradeRunFn saved_;
};

struct Scan {
  bool ok = false;
  std::string symbol;
  std::size_t levels = 0;
  std::vector<PendingTrade> trades;
};

Scan scan_with(const std::string& frame, TradeRunFn run) {
  TradeRunScope scope(run);
  Scan s;
  L2Scan out;
  LevelBuffer levels;
  s.ok = feed_detail::scan_l2_updates(frame, 9, out, levels, s.trades);
  if (s.ok) {
    s.symbol = std::string(out.symbol);
    s.levels = levels.size();
  }
  return s;
}

bool same_trade(const PendingTrade& a, const PendingTrade& b) {
  return a.price == b.price && a.quantity == b.quantity && a.taker == b.taker &&
         a.has_taker == b.has_taker && a.ts == b.ts && a.id == b.id;
}

// Recorded snapshots, then each with one byte of its trades replaced, deleted or inserted,
// or its trades cut short and the frame closed.
std::vector<std::string> snapshots_and_mutations() {
  std::vector<std::string> frames;
  const auto path = test::shared_data() / "gemini/v2-marketdata-frames.ndjson";
  for (const std::string& f : test::read_lines(path)) {
    if (f.find("\"trades\":[{") != std::string::npos) frames.push_back(f);
  }
  const std::size_t recorded = frames.size();
  std::mt19937_64 rng(17);
  const std::string& bytes = test::kMutationBytes;
  for (int n = 0; n < 6000 && recorded > 0; ++n) {
    std::string f = frames[rng() % recorded];
    const std::size_t begin = f.find("\"trades\":[{") + 10;
    const std::size_t end = f.find(']', begin);
    std::size_t at = begin + rng() % (end - begin);
    if (rng() % 2) at = std::min(end - 1, f.rfind('{', at) + rng() % 140);
    switch (rng() % 4) {
      case 0:
        f[at] = bytes[rng() % bytes.size()];
        break;
      case 1:
        f.erase(at, 1);
        break;
      case 2:
        f.insert(f.begin() + static_cast<std::ptrdiff_t>(at), bytes[rng() % bytes.size()]);
        break;
      default:
        f = f.substr(0, at) + "]}";
        break;
    }
    frames.push_back(f);
  }
  return frames;
}

TEST(V2TradeRun, Avx2KernelScansAsTheSse2ReaderDoes) {
  if (!feed_detail::avx2_usable()) GTEST_SKIP() << "no AVX2 on this CPU";
  RTC_SHARED_FILE_OR_SKIP(path, "gemini/v2-marketdata-frames.ndjson");
  const std::vector<std::string> frames = snapshots_and_mutations();
  ASSERT_GT(frames.size(), 6000u);
  std::size_t scanned = 0, trades = 0;
  for (const std::string& f : frames) {
    const Scan a = scan_with(f, nullptr);
    const Scan b = scan_with(f, feed_detail::trade_run_avx2);
    ASSERT_EQ(a.ok, b.ok) << f.substr(0, 300);
    if (!a.ok) continue;
    ++scanned;
    ASSERT_EQ(a.symbol, b.symbol);
    ASSERT_EQ(a.levels, b.levels);
    ASSERT_EQ(a.trades.size(), b.trades.size()) << f.substr(0, 300);
    for (std::size_t i = 0; i < a.trades.size(); ++i) {
      ASSERT_TRUE(same_trade(a.trades[i], b.trades[i])) << f.substr(0, 300) << " trade " << i;
    }
    trades += a.trades.size();
  }
  EXPECT_GT(scanned, 1000u);  // not vacuous: many frames scan, with their trades
  EXPECT_GT(trades, 50'000u);
}

// Both readers against the DOM path (a leading space sends a frame there).
TEST(V2TradeRun, BothReadersMatchTheDomPath) {
  RTC_SHARED_FILE_OR_SKIP(path, "gemini/v2-marketdata-frames.ndjson");
  std::vector<std::string> frames = snapshots_and_mutations();
  frames.resize(std::min<std::size_t>(frames.size(), 2500));  // (the DOM path is slow)
  std::vector<TradeRunFn> runs = {nullptr};
  if (feed_detail::avx2_usable()) runs.push_back(feed_detail::trade_run_avx2);
  for (TradeRunFn run : runs) {
    TradeRunScope scope(run);
    GeminiV2Parser fast, dom;
    test::EventRecorder a, b;
    TimeNs t = 1'617'645'247'991'257'000;
    for (const std::string& f : frames) {
      t += 1'000'000;
      fast.parse(f, t, a);
      dom.parse(" " + f, t, b);
    }
    EXPECT_EQ(fast.stats().parse_errors, dom.stats().parse_errors);
    EXPECT_EQ(fast.stats().trades, dom.stats().trades);
    EXPECT_GT(fast.stats().parse_errors, 500u);  // the mutations reached the errors
    ASSERT_EQ(a.trades.size(), b.trades.size());
    for (std::size_t i = 0; i < a.trades.size(); ++i) {
      const auto &x = a.trades[i], &y = b.trades[i];
      ASSERT_TRUE(x.symbol == y.symbol && x.price == y.price && x.quantity == y.quantity &&
                  x.taker == y.taker && x.has_taker == y.has_taker && x.ts == y.ts && x.id == y.id)
          << (run ? "avx2" : "sse2") << " trade " << i;
    }
  }
}

// Generated trades around every bound the readers have (integers of 1 to 20 digits, leading
// zeros; decimals of 0 to 17 digits before and after the point, odd forms; symbols of 0 to 17
// bytes), both shapes, in snapshots: both readers give what the DOM path gives.
TEST(V2TradeRun, BothReadersMatchTheDomPathAtEveryFieldLength) {
  std::mt19937_64 rng(29);
  const auto digits = [&](int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += static_cast<char>('0' + (i == 0 ? 1 + rng() % 9 : rng() % 10));
    return s;
  };
  const auto integer = [&]() -> std::string {
    if (rng() % 8 == 0) {
      static const char* odd[] = {"0", "01", "-1", "1.5", "1e3", "", "+7", "00"};
      return odd[rng() % 8];
    }
    return digits(1 + static_cast<int>(rng() % 20));
  };
  const auto decimal = [&]() -> std::string {
    if (rng() % 8 == 0) {
      static const char* odd[] = {".5", "5.", "1.2.3", "-1", "1e5", "", "0", ".", "0.0", "00.10"};
      return odd[rng() % 10];
    }
    const int whole = static_cast<int>(rng() % 18), frac = static_cast<int>(rng() % 19) - 1;
    return digits(whole) + (frac >= 0 ? "." + digits(frac) : "");
  };
  const auto trade = [&]() {
    const std::string sym = std::string("BTCUSDETHZECLTCXYZ").substr(0, rng() % 18);
    const std::string side = rng() % 10 ? (rng() % 2 ? "buy" : "sell") : "hold";
    const std::string ms = rng() % 3 ? "1617645246508" : integer();
    if (rng() % 3 == 0) {
      return R"({"event_id":)" + integer() + R"(,"price":")" + decimal() + R"(","quantity":")" +
             decimal() + R"(","side":")" + side + R"(","symbol":")" + sym + R"(","tid":)" +
             integer() + R"(,"timestamp":)" + ms + R"(,"type":"trade"})";
    }
    return R"({"type":"trade","symbol":")" + sym + R"(","event_id":)" + integer() +
           R"(,"timestamp":)" + ms + R"(,"price":")" + decimal() + R"(","quantity":")" + decimal() +
           R"(","side":")" + side + R"("})";
  };
  std::vector<std::string> frames;
  for (int i = 0; i < 1500; ++i) {
    std::string f =
        R"({"type":"l2_updates","symbol":"BTCUSD","changes":[["buy","1","1"]],"trades":[)";
    // Trades the readers take before and after the one under test, so a refusal shows.
    f += trade() + "," + trade() + "," + trade() + "]}";
    frames.push_back(f);
  }
  std::vector<TradeRunFn> runs = {nullptr};
  if (feed_detail::avx2_usable()) runs.push_back(feed_detail::trade_run_avx2);
  for (TradeRunFn run : runs) {
    TradeRunScope scope(run);
    GeminiV2Parser fast, dom;
    test::EventRecorder a, b;
    for (const std::string& f : frames) {
      fast.parse(f, 5, a);
      dom.parse(" " + f, 5, b);
    }
    EXPECT_EQ(fast.stats().parse_errors, dom.stats().parse_errors);
    EXPECT_GT(fast.stats().trades, 300u);
    ASSERT_EQ(a.trades.size(), b.trades.size());
    for (std::size_t i = 0; i < a.trades.size(); ++i) {
      const auto &x = a.trades[i], &y = b.trades[i];
      ASSERT_TRUE(x.symbol == y.symbol && x.price == y.price && x.quantity == y.quantity &&
                  x.taker == y.taker && x.has_taker == y.has_taker && x.ts == y.ts && x.id == y.id)
          << (run ? "avx2" : "sse2") << " trade " << i;
    }
  }
}

// The kernel called directly: the values of both shapes, and only while kTradeRunReadable
// bytes are readable from a trade's start.
TEST(V2TradeRun, KernelReadsValuesAndStopsAtTheReadableEnd) {
  if (!feed_detail::avx2_usable()) GTEST_SKIP() << "no AVX2 on this CPU";
  const std::string a =
      R"({"type":"trade","symbol":"BTCUSD","event_id":31931954246,"timestamp":1617577029092,)"
      R"("price":"58947.12","quantity":"0.00123456","side":"sell"})";
  const std::string b =
      R"({"event_id":17645517,"price":"0.927","quantity":"1","side":"buy","symbol":"ZECLTC",)"
      R"("tid":17645516,"timestamp":1617557957335,"type":"trade"})";
  std::string text = a + "," + b + "]";
  text.resize(text.size() + feed_detail::kTradeRunReadable, '\0');
  std::vector<PendingTrade> trades;
  const char* const p = text.data();
  const char* end = feed_detail::trade_run_avx2(p, p + text.size(), trades);
  ASSERT_EQ(end, p + a.size() + 1 + b.size());
  ASSERT_EQ(trades.size(), 2u);
  EXPECT_EQ(trades[0].price, *Decimal::parse("58947.12"));
  EXPECT_EQ(trades[0].quantity, *Decimal::parse("0.00123456"));
  EXPECT_EQ(trades[0].taker, OrderSide::Sell);
  EXPECT_TRUE(trades[0].has_taker);
  EXPECT_EQ(trades[0].ts, 1617577029092 * kNsPerMs);
  EXPECT_EQ(trades[0].id, 31931954246);
  EXPECT_EQ(trades[1].price, *Decimal::parse("0.927"));
  EXPECT_EQ(trades[1].quantity, *Decimal::parse("1"));
  EXPECT_EQ(trades[1].taker, OrderSide::Buy);
  EXPECT_EQ(trades[1].ts, 1617557957335 * kNsPerMs);
  EXPECT_EQ(trades[1].id, 17645516);  // the tid
  // The second trade one byte short of readable: only the first is taken.
  trades.clear();
  const char* const second = p + a.size() + 1;
  end = feed_detail::trade_run_avx2(p, second + feed_detail::kTradeRunReadable - 1, trades);
  EXPECT_EQ(end, p + a.size());
  EXPECT_EQ(trades.size(), 1u);
  trades.clear();
  EXPECT_EQ(feed_detail::trade_run_avx2(p, p + feed_detail::kTradeRunReadable - 1, trades),
            nullptr);
  EXPECT_TRUE(trades.empty());
}

// The kernel guesses each next trade's start ahead (the first `{` in a window past the
// trade's start). Trades too short or too long for the windows, and a `{` in a symbol inside
// them, make it guess wrong: it still reads on, one run, every trade with its values.
TEST(V2TradeRun, TradesTheNextStartWindowsMissAreReadInTheSameRun) {
  if (!feed_detail::avx2_usable()) GTEST_SKIP() << "no AVX2 on this CPU";
  const auto sorted = [](const std::string& sym, const std::string& tid, const std::string& qty) {
    return R"({"event_id":1234567890123,"price":"58947.123456","quantity":")" + qty +
           R"(","side":"buy","symbol":")" + sym + R"(","tid":)" + tid +
           R"(,"timestamp":1617577029092,"type":"trade"})";
  };
  const auto exchange = [](const std::string& sym, const std::string& id, const std::string& price,
                           const std::string& qty) {
    return R"({"type":"trade","symbol":")" + sym + R"(","event_id":)" + id +
           R"(,"timestamp":1617577029092,"price":")" + price + R"(","quantity":")" + qty +
           R"(","side":"sell"})";
  };
  const std::vector<std::string> list = {
      sorted("BTC{USD", "11", "0.00123456"),  // a `{` in its window
      sorted("ETHUSD", "12", "1"),
      sorted("{", "13", "1"),
      exchange("X", "14", "1", "1"),  // 110 bytes: below its window
      exchange("ETH{USD", "15", "58947.12", "0.1"),
      exchange("BTCUSDTESTLONG1", "1234567890123456", "1234567.12345678", "0.00000000000001"),
      R"({"event_id":123456789012345678,"price":"1234567.12345678","quantity":"0.00000000000001",)"
      R"("side":"buy","symbol":"BTCUSDTESTLONG1","tid":1234567890123416,"timestamp":1617577029092,)"
      R"("type":"trade"})",  // the longest sorted shape with a 13-digit time
      R"({"event_id":1,"price":"1","quantity":"1","side":"buy","symbol":"X","tid":16,)"
      R"("timestamp":1617577029092,"type":"trade"})",  // below its window
      exchange("BTCUSD", "31931954246", "58947.12", "0.5"),
      sorted("ETHUSD", "17", "1"),
  };
  const std::vector<std::int64_t> ids = {
      11, 12, 13, 14, 15, 1234567890123456, 1234567890123416, 16, 31931954246, 17};
  ASSERT_LT(list[3].size(), 111u);
  ASSERT_EQ(list[5].size(), 168u);
  ASSERT_EQ(list[6].size(), 192u);
  ASSERT_LT(list[7].size(), 135u);
  std::string text;
  for (const std::string& t : list) text += (text.empty() ? "" : ",") + t;
  const std::size_t end = text.size();
  text += "]";
  text.resize(text.size() + feed_detail::kTradeRunReadable, '\0');
  std::vector<PendingTrade> trades;
  const char* const p = text.data();
  EXPECT_EQ(feed_detail::trade_run_avx2(p, p + text.size(), trades), p + end);
  ASSERT_EQ(trades.size(), list.size());
  for (std::size_t i = 0; i < list.size(); ++i) {
    EXPECT_EQ(trades[i].id, ids[i]) << i;
    EXPECT_EQ(trades[i].ts, 1617577029092 * kNsPerMs) << i;
  }
  EXPECT_EQ(trades[5].quantity, *Decimal::parse("0.00000000000001"));
  EXPECT_EQ(trades[8].quantity, *Decimal::parse("0.5"));

  // Through the scanner, as the DOM path reads them.
  const std::string frame = R"({"type":"l2_updates","symbol":"BTCUSD","changes":[["buy","1","1"]],)"
                            R"("trades":[)" +
                            text.substr(0, end) + "]}";
  TradeRunScope scope(feed_detail::trade_run_avx2);
  GeminiV2Parser fast, dom;
  test::EventRecorder x, y;
  fast.parse(frame, 5, x);
  dom.parse(" " + frame, 5, y);
  EXPECT_EQ(fast.stats().parse_errors, 0u);
  ASSERT_EQ(x.trades.size(), list.size());
  ASSERT_EQ(y.trades.size(), list.size());
  for (std::size_t i = 0; i < list.size(); ++i) {
    EXPECT_EQ(x.trades[i].id, y.trades[i].id);
    EXPECT_EQ(x.trades[i].price, y.trades[i].price);
    EXPECT_EQ(x.trades[i].quantity, y.trades[i].quantity);
    EXPECT_EQ(x.trades[i].taker, y.trades[i].taker);
  }
}

}  // namespace
}  // namespace rtcrypto
