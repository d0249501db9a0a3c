// GeminiV2Parser scans canonical l2_updates frames directly and leaves everything else to
// simdjson. A leading space is valid JSON that the scanner never takes, so parsing
// " " + frame runs the simdjson path on the same content: both must give the same events
// and counters, on every shared frame and on malformed variants of them.
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "event_recorder.hpp"
#include "rtcrypto/feed/gemini_parsers.hpp"
#include "test_support.hpp"

namespace rtcrypto {
namespace {

using test::EventRecorder;

void expect_same_stats(const FeedStats& a, const FeedStats& b, const std::string& what) {
  EXPECT_EQ(a.frames, b.frames) << what;
  EXPECT_EQ(a.changes, b.changes) << what;
  EXPECT_EQ(a.snapshots, b.snapshots) << what;
  EXPECT_EQ(a.snapshot_levels, b.snapshot_levels) << what;
  EXPECT_EQ(a.trades, b.trades) << what;
  EXPECT_EQ(a.heartbeats, b.heartbeats) << what;
  EXPECT_EQ(a.rpc_errors, b.rpc_errors) << what;
  EXPECT_EQ(a.parse_errors, b.parse_errors) << what;
  EXPECT_EQ(a.unknown_types, b.unknown_types) << what;
  EXPECT_EQ(a.gaps, b.gaps) << what;
  EXPECT_EQ(a.dropped, b.dropped) << what;
}

void expect_same_events(const EventRecorder& a, const EventRecorder& b, const std::string& what) {
  ASSERT_EQ(a.log, b.log) << what;
  ASSERT_EQ(a.levels.size(), b.levels.size()) << what;
  for (std::size_t i = 0; i < a.levels.size(); ++i) {
    const auto &x = a.levels[i], &y = b.levels[i];
    ASSERT_TRUE(x.symbol == y.symbol && x.side == y.side && x.price == y.price &&
                x.remaining == y.remaining && x.reason == y.reason && x.ts == y.ts &&
                x.snapshot == y.snapshot)
        << what << " level " << i;
  }
  ASSERT_EQ(a.trades.size(), b.trades.size()) << what;
  for (std::size_t i = 0; i < a.trades.size(); ++i) {
    const auto &x = a.trades[i], &y = b.trades[i];
    ASSERT_TRUE(x.symbol == y.symbol && x.price == y.price && x.quantity == y.quantity &&
                x.taker == y.taker && x.has_taker == y.has_taker && x.ts == y.ts && x.id == y.id)
        << what << " trade " << i;
  }
  ASSERT_EQ(a.gaps.size(), b.gaps.size()) << what;
  for (std::size_t i = 0; i < a.gaps.size(); ++i) {
    ASSERT_EQ(a.gaps[i].symbol, b.gaps[i].symbol) << what;
    ASSERT_EQ(a.gaps[i].why, b.gaps[i].why) << what;
  }
  ASSERT_EQ(a.times, b.times) << what;
}

// Feeds `frames` to two parsers, the second through the simdjson path, and compares.
void expect_paths_agree(const std::vector<std::string>& frames, const std::string& what) {
  GeminiV2Parser fast, dom;
  EventRecorder a, b;
  TimeNs t = 1'617'645'247'991'257'000;
  for (const std::string& f : frames) {
    t += 1'000'000;
    fast.parse(f, t, a);
    dom.parse(" " + f, t, b);
  }
  expect_same_stats(fast.stats(), dom.stats(), what);
  expect_same_events(a, b, what);
}

TEST(V2L2Scanner, AllSharedFramesMatchTheDomPath) {
  RTC_SHARED_FILE_OR_SKIP(path, "gemini/v2-marketdata-frames.ndjson");
  const std::vector<std::string> frames = test::read_lines(path);
  ASSERT_EQ(frames.size(), 4038u);
  expect_paths_agree(frames, "shared frames");
  // And the frames really were applied (not all rejected the same way on both paths).
  GeminiV2Parser p;
  EventRecorder r;
  for (const std::string& f : frames) p.parse(f, 1, r);
  EXPECT_EQ(p.stats().parse_errors, 0u);
  EXPECT_EQ(p.stats().changes + p.stats().snapshot_levels, 48'041u);
}

TEST(V2L2Scanner, HandWrittenShapesMatchTheDomPath) {
  const std::vector<std::string> frames = {
      // canonical, keys in the exchange's order and sorted
      R"({"type":"l2_updates","symbol":"BTCUSD","changes":[["buy","100.5","1"],["sell","101","2.5"]],"trades":[{"type":"trade","symbol":"BTCUSD","event_id":5,"timestamp":1617645246508,"price":"100.7","quantity":"0.1","side":"sell"}],"auction_events":[]})",
      R"({"changes":[["buy","100.25","0"]],"symbol":"BTCUSD","type":"l2_updates"})",
      R"({"type":"l2_updates","symbol":"btcusd","changes":[]})",
      R"({"auction_events":[],"changes":[["sell","1e2","1E-8"]],"symbol":"ETHUSD","trades":[],"type":"l2_updates"})",
      R"({"type":"l2_updates","symbol":"ETHUSD","changes":[["buy","5","1"]],"trades":[{"price":"5","quantity":"1","tid":7,"event_id":8}]})",
      R"({"type":"l2_updates","symbol":"ETHUSD","changes":[["buy","5","1"]],"trades":[{"price":"5","quantity":"1","eventid":9}]})",
      R"({"type":"l2_updates","symbol":"LTCUSD","changes":[],"trades":[],"auction_events":[{"type":"auction_result","time_ms":1617566400000,"result":"failure","collar_price":"201.80","x":[-0.5,0,true,false,null,{}]}]})",
      R"({"type":"l2_updates","symbol":"LTCUSD","changes":[],"auction_events":[{"n":01}]})",
      R"({"type":"l2_updates","symbol":"LTCUSD","changes":[],"auction_events":[{"n":1e400}]})",
      R"({"type":"l2_updates","symbol":"LTCUSD","changes":[],"auction_events":[{"n":-}]})",
      R"({"type":"l2_updates","symbol":"LTCUSD","changes":[],"auction_events":[{"n":1.}]})",
      R"({"type":"l2_updates","symbol":"LTCUSD","changes":[],"auction_events":[[[[[[[[[[[]]]]]]]]]]]})",
      R"({"type":"l2_updates","symbol":"LTCUSD","changes":[],"auction_events":[tru]})",
      R"({"type":"l2_updates","symbol":"LTCUSD","changes":[],"auction_events":5})",
      R"({"type":"l2_updates","symbol":"LTCUSD","changes":[],"auction_events":[{"a":"é"}]})",
      R"({"type":"l2_updates","symbol":"LTCUSD","changes":[],"auction_events":[{"a":"é"}]})",
      // the DOM path decides these (whitespace, escapes, duplicates, unknown keys, types)
      R"({"type":"l2_updates", "symbol":"BTCUSD","changes":[["buy","1","1"]]})",
      R"({"type":"l2_updates","symbol":"BTC\u0055SD","changes":[["buy","1","1"]]})",
      R"({"type":"l2_updates","symbol":"BTCUSD","symbol":"ETHUSD","changes":[["buy","1","1"]]})",
      R"({"type":"l2_updates","symbol":"BTCUSD","changes":[["buy","1","1"]],"extra":1})",
      R"({"type":"l2_updates","symbol":"BTCUSD","changes":[["buy","1","1"]],"auction_events":[{"a":1}]})",
      R"({"type":"l2_updates","symbol":"BTCUSD","changes":[["buy",1,"1"]]})",
      R"({"type":"l2_updates","symbol":"BTCUSD","changes":[["buy","1","1","x"]]})",
      R"({"type":"l2_updates","symbol":"BTCUSD","changes":[["hold","1","1"]]})",
      R"({"type":"l2_updates","symbol":"BTCUSD","changes":[["buy","0","1"]]})",
      R"({"type":"l2_updates","symbol":"BTCUSD","changes":[["buy","1","-1"]]})",
      R"({"type":"l2_updates","symbol":"BTCUSD","changes":[["buy","1","1"]],"trades":{}})",
      R"({"type":"l2_updates","symbol":"BTCUSD","changes":[["buy","1","1"]],"trades":[{"price":"1"}]})",
      R"({"type":"l2_updates","symbol":"BTCUSD","changes":[["buy","1","1"]],"trades":[{"price":"1","quantity":"1","timestamp":1.5}]})",
      R"({"type":"l2_updates","symbol":"BTCUSD","changes":[["buy","1","1"]],"trades":[{"price":"1","quantity":"1","side":"hold"}]})",
      R"({"type":"l2_updates","symbol":"BTCUSD","changes":[["buy","1","1"]],"trades":[{"price":"1","quantity":"1","timestamp":0}]})",
      R"({"type":"l2_updates","symbol":"","changes":[["buy","1","1"]]})",
      R"({"type":"l2_updates","symbol":"BTCUSD","changes":[["buy","1","1"]]} )",
      R"({"type":"l2_updates","symbol":"BTCUSD","changes":[["buy","1","1"]]}x)",
      R"({"type":"l2_updates","symbol":"BTCUSD","changes":[["buy","1\"","1"]]})",
      R"({"type":"l2_updates","symbol":"BTCUSD"})",
      R"({"type":"l2_updates","changes":[]})",
      R"({"symbol":"BTCUSD","changes":[["buy","1","1"]]})",
      R"({"type":"trade","symbol":"BTCUSD","price":"1","quantity":"1"})",
      R"({"type":"heartbeat","timestamp":1617645246508})",
      R"({"changes":[["buy","100.25","0"]],"symbol":"BTCUSD","type":"l2_updates"})",
      // top-level trades and heartbeats: the scanner's shapes and what it leaves to the DOM
      R"({"type":"trade","symbol":"BTCUSD","event_id":5,"timestamp":1617645246508,"price":"100.7","quantity":"0.1","side":"sell"})",
      R"({"type":"trade","symbol":"ethusd","event_id":123456789012,"timestamp":1617645246,"price":"12345678.123456789","quantity":"0","side":"buy"})",
      R"({"event_id":6,"price":"1","quantity":"2","side":"buy","symbol":"X","tid":7,"timestamp":1617645246508,"type":"trade"})",
      R"({"type":"trade","symbol":"BTCUSD","price":"1e2","quantity":"1E-8","eventid":3})",
      R"({"type":"trade","symbol":"BTCUSD","event_id":5,"timestamp":0,"price":"1","quantity":"1","side":"sell"})",
      R"({"type":"trade","symbol":"BTCUSD","event_id":5,"timestamp":1.5,"price":"1","quantity":"1","side":"sell"})",
      R"({"type":"trade","symbol":"BTCUSD","event_id":5,"price":"0","quantity":"1","side":"sell"})",
      R"({"type":"trade","symbol":"BTCUSD","event_id":5,"price":"1","quantity":"-1","side":"sell"})",
      R"({"type":"trade","symbol":"BTCUSD","event_id":5,"price":"1","quantity":"1","side":"hold"})",
      R"({"type":"trade","symbol":"BTCUSD","event_id":5,"price":"1","quantity":"1","side":7})",
      R"({"type":"trade","symbol":"","price":"1","quantity":"1"})",
      R"({"type":"trade","price":"1","quantity":"1"})",
      R"({"type":"trade","symbol":"BTCUSD","price":"1"})",
      R"({"type":"trade","symbol":"BTCUSD","price":"1","quantity":"1","x":1})",
      R"({"type":"trade","symbol":"BTCUSD","symbol":"ETHUSD","price":"1","quantity":"1"})",
      R"({"type":"trade","symbol":"BTC\u0055SD","price":"1","quantity":"1"})",
      R"({"type":"trade","symbol":"BTCUSD","event_id":5,"timestamp":1617645246508,"price":"100.7","quantity":"0.1","side":"sell"} )",
      R"({"type":"trade","symbol":"BTCUSD","event_id":5,"timestamp":1617645246508,"price":"100.7","quantity":"0.1","side":"sell"}})",
      R"({"type":"trade","symbol":"BTCUSD","event_id":5,"timestamp":1617645246508,"price":"100.7","quantity":"0.1","side":"sell")",
      R"({"type":"tradex","symbol":"BTCUSD","price":"1","quantity":"1"})",
      R"({"type":"heartbeat","timestamp":1617645246})",
      R"({"type":"heartbeat","timestamp":0})",
      R"({"type":"heartbeat","timestamp":-5})",
      R"({"type":"heartbeat","timestamp":01})",
      R"({"type":"heartbeat","timestamp":1.5})",
      R"({"type":"heartbeat","timestamp":"1617645246508"})",
      R"({"type":"heartbeat","timestamp":1234567890123456789012})",
      R"({"type":"heartbeat","timestamp":1617645246508,"sequence":1})",
      R"({"type":"heartbeat","timestamp":1617645246508)",
      R"({"type":"heartbeat","timestamp":1617645246508}x)",
      R"({"type":"heartbeat"})",
  };
  for (std::size_t i = 0; i < frames.size(); ++i) {
    // Each on its own (with a snapshot first so deltas apply), and all in sequence.
    expect_paths_agree({frames[0], frames[i]}, "frame " + std::to_string(i) + ": " + frames[i]);
  }
  expect_paths_agree(frames, "all hand-written frames");
}

// Snapshots longer than one change-kernel call reads (16 KiB): the calls must join at every
// offset, and a change the kernels leave to the general reader may fall near a join.
// Trades (in snapshots and as frames) whose ids and times have every length from 1 to 20
// digits, leading zeros, signs, points and exponents: the short trade reader converts its
// two integers together and must give what the DOM path gives, or leave them to it.
TEST(V2L2Scanner, TradeIntegersOfEveryLengthMatchTheDomPath) {
  std::mt19937_64 rng(23);
  const auto digits = [&](int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += static_cast<char>('0' + rng() % 10);
    return s;
  };
  const auto integer = [&]() -> std::string {
    switch (rng() % 8) {
      case 0:
        return "0" + digits(static_cast<int>(rng() % 3));  // "0", leading zeros
      case 1: {
        static const char* odd[] = {"-1", "1.5", "1e3", "", "+7", "12a", "9E1", "0.0"};
        return odd[rng() % 8];
      }
      case 2: {
        // Around the units' bounds (seconds below 1e11 ms) and the largest time in ms.
        static const char* edge[] = {"99999999999",   "100000000000",   "9223372036854",
                                     "9223372036855", "99999999999999", "100000000000000"};
        return edge[rng() % 6];
      }
      default: {
        const int n = 1 + static_cast<int>(rng() % 20);
        return std::to_string(1 + rng() % 9) + digits(n - 1);
      }
    }
  };
  std::vector<std::string> frames;
  for (int i = 0; i < 3000; ++i) {
    const std::string trade = R"({"type":"trade","symbol":"BTCUSD","event_id":)" + integer() +
                              R"(,"timestamp":)" + (rng() % 2 ? "1617645246508" : integer()) +
                              R"(,"price":"100.7",)" + R"("quantity":"0.1","side":"sell"})";
    if (rng() % 2) {
      frames.push_back(trade);
    } else {
      frames.push_back(R"({"type":"l2_updates","symbol":"BTCUSD","changes":[["buy","100.5","1"]],)"
                       R"("trades":[)" +
                       trade + "," + trade + "]}");
    }
  }
  expect_paths_agree(frames, "trade integers");
}

// Trade prices and quantities of every shape a flat trade reader takes (1 to 15 integer
// digits, 0 to 14 after the point, zeros anywhere) and the shapes next to them it leaves to
// the general reader (16 digits, no digit before or after the point, a second point): the
// readers value both decimals of a trade together and must give what the DOM path gives.
TEST(V2L2Scanner, TradeDecimalsOfEveryShapeMatchTheDomPath) {
  std::mt19937_64 rng(41);
  const auto digits = [&](int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += static_cast<char>('0' + (rng() % 3 ? rng() % 10 : 0));
    return s;
  };
  const auto decimal = [&](int whole, int frac) {
    std::string d = digits(whole);
    if (frac >= 0) d += "." + digits(frac);
    return d;
  };
  const auto any_decimal = [&]() -> std::string {
    if (rng() % 10 == 0) {
      static const char* odd[] = {".5", "5.", "1.2.3", "-1", "1e5", "", "0", "00.000"};
      return odd[rng() % 8];
    }
    const int whole = static_cast<int>(rng() % 17);     // 0..16
    const int frac = static_cast<int>(rng() % 17) - 1;  // -1 (no point)..15
    return decimal(whole, frac);
  };
  std::vector<std::string> frames;
  std::string snapshot;
  for (int whole = 1; whole <= 16; ++whole) {
    for (int frac = -1; frac <= 15; ++frac) {
      for (int k = 0; k < 3; ++k) {
        const std::string price = k == 0 ? decimal(whole, frac) : any_decimal();
        const std::string qty = k == 1 ? decimal(whole, frac) : any_decimal();
        const std::string side = rng() % 2 ? "buy" : "sell";
        const std::string trade =
            rng() % 3 == 0
                ? R"({"event_id":7,"price":")" + price + R"(","quantity":")" + qty +
                      R"(","side":")" + side +
                      R"(","symbol":"BTCUSD","tid":8,"timestamp":1617645246508,"type":"trade"})"
                : R"({"type":"trade","symbol":"BTCUSD","event_id":7,"timestamp":1617645246508,"price":")" +
                      price + R"(","quantity":")" + qty + R"(","side":")" + side + R"("})";
        frames.push_back(trade);
        snapshot += (snapshot.empty() ? "" : ",") + trade;
        if (snapshot.size() > 3000) {
          frames.push_back(
              R"({"type":"l2_updates","symbol":"BTCUSD","changes":[["buy","100.5","1"]],"trades":[)" +
              snapshot + "]}");
          snapshot.clear();
        }
      }
    }
  }
  expect_paths_agree(frames, "trade decimals");
}

// Trades at the very end of a frame's readable bytes (the last trade of a big snapshot, or
// of a small frame's padded copy) are read from a zero-padded copy: every field length and
// shape there, both key orders, and the frame cut at every byte near its end, must give
// what the DOM path gives.
TEST(V2L2Scanner, TradesAtTheFrameEndMatchTheDomPath) {
  std::mt19937_64 rng(7);
  const auto digits = [&](int n) {
    std::string s = std::to_string(1 + rng() % 9);
    for (int i = 1; i < n; ++i) s += static_cast<char>('0' + rng() % 10);
    return s;
  };
  const auto decimal = [&]() -> std::string {
    switch (rng() % 6) {
      case 0:
        return digits(1 + static_cast<int>(rng() % 16));
      case 1: {
        static const char* odd[] = {"0", "1e2", "-1", "", ".5", "5.", "0.00", "1.2.3"};
        return odd[rng() % 8];
      }
      default:
        return digits(1 + static_cast<int>(rng() % 8)) + "." +
               digits(1 + static_cast<int>(rng() % 10));
    }
  };
  const auto trade = [&]() {
    const std::string sym =
        std::string("BTCUSD").substr(0, 1 + rng() % 6) + std::string(rng() % 12, 'X');
    const std::string id = digits(1 + static_cast<int>(rng() % 19));
    const std::string ms = rng() % 4 ? "1617645246508" : digits(1 + static_cast<int>(rng() % 19));
    const std::string side = rng() % 8 ? (rng() % 2 ? "buy" : "sell") : "hold";
    if (rng() % 4 == 0) {
      return R"({"event_id":)" + id + R"(,"price":")" + decimal() + R"(","quantity":")" +
             decimal() + R"(","side":")" + side + R"(","symbol":")" + sym + R"(","tid":)" + id +
             R"(,"timestamp":)" + ms + R"(,"type":"trade"})";
    }
    return R"({"type":"trade","symbol":")" + sym + R"(","event_id":)" + id + R"(,"timestamp":)" +
           ms + R"(,"price":")" + decimal() + R"(","quantity":")" + decimal() + R"(","side":")" +
           side + R"("})";
  };
  std::vector<std::string> frames;
  for (int i = 0; i < 1500; ++i) {
    // Small frames (read from a padded copy) and ones over 1 KiB (read in place).
    std::string f = R"({"type":"l2_updates","symbol":"BTCUSD","changes":[["buy","100.5","1"])";
    const int levels = rng() % 2 ? 0 : 20 + static_cast<int>(rng() % 30);
    for (int k = 0; k < levels; ++k) f += R"(,["sell","101.)" + std::to_string(k) + R"(","2"])";
    f += R"(],"trades":[)";
    const int n = 1 + static_cast<int>(rng() % 3);
    for (int k = 0; k < n; ++k) f += (k ? "," : "") + trade();
    f += rng() % 2 ? "]}" : R"(],"auction_events":[]})";
    frames.push_back(f);
    if (i % 10 == 0) {
      // Cut anywhere in the last trade and what follows it.
      const std::size_t cut = f.size() - 1 - rng() % std::min<std::size_t>(f.size() - 1, 240);
      frames.push_back(f.substr(0, cut));
    }
  }
  expect_paths_agree(frames, "trades at the frame end");
}

// The flat trade readers on the recorded snapshots' trades (both key orders), each frame
// with one byte of its trades replaced, deleted or inserted: what the DOM path gives.
TEST(V2L2Scanner, MutatedSnapshotTradesMatchTheDomPath) {
  RTC_SHARED_FILE_OR_SKIP(path, "gemini/v2-marketdata-frames.ndjson");
  std::vector<std::string> snapshots;
  for (const std::string& f : test::read_lines(path)) {
    if (f.find("\"trades\":[{") != std::string::npos) snapshots.push_back(f);
  }
  ASSERT_GT(snapshots.size(), 20u);
  std::mt19937_64 rng(11);
  const std::string& bytes = test::kMutationBytes;
  std::vector<std::string> frames;
  int mutated = 0;
  for (int n = 0; n < 4000; ++n) {
    std::string f = snapshots[rng() % snapshots.size()];
    const std::size_t begin = f.find("\"trades\":[{") + 10;
    const std::size_t end = f.find(']', begin);
    // Near a trade's start most of the time: its first keys and numbers.
    std::size_t at = begin + rng() % (end - begin);
    if (rng() % 2) at = std::min(end - 1, f.rfind('{', at) + rng() % 40);
    switch (rng() % 3) {
      case 0:
        f[at] = bytes[rng() % bytes.size()];
        break;
      case 1:
        f.erase(at, 1);
        break;
      default:
        f.insert(f.begin() + static_cast<std::ptrdiff_t>(at), bytes[rng() % bytes.size()]);
        break;
    }
    mutated += f != snapshots[0];
    frames.push_back(f);
  }
  expect_paths_agree(frames, "mutated snapshot trades");
  GeminiV2Parser p;
  EventRecorder r;
  for (const std::string& f : frames) p.parse(f, 1, r);
  EXPECT_GT(p.stats().parse_errors, 300u);  // mutations reached the DOM path's errors
  EXPECT_GT(p.stats().trades, 20'000u);     // and most trades were still taken
}

// Recorded trade objects (both key orders), alone as a trade frame and inside a snapshot:
// cut at every byte, with keys swapped, an extra key, an escaped symbol, an exponent and
// longer numbers. The flat readers take only the exact shapes, with the DOM path's values.
TEST(V2L2Scanner, RecordedTradesCutAndReshapedMatchTheDomPath) {
  RTC_SHARED_FILE_OR_SKIP(path, "gemini/v2-marketdata-frames.ndjson");
  std::vector<std::string> trades;  // every 25th recorded snapshot trade
  std::size_t seen = 0;
  for (const std::string& f : test::read_lines(path)) {
    const std::size_t begin = f.find("\"trades\":[{");
    if (begin == std::string::npos) continue;
    const std::size_t end = f.find(']', begin);
    for (std::size_t at = f.find('{', begin); at < end; at = f.find('{', at + 1)) {
      if (seen++ % 25 == 0) trades.push_back(f.substr(at, f.find('}', at) + 1 - at));
    }
  }
  ASSERT_GT(trades.size(), 80u);
  const auto replace = [](std::string s, const std::string& from, const std::string& to) {
    const std::size_t at = s.find(from);
    return at == std::string::npos ? s : s.replace(at, from.size(), to);
  };
  std::vector<std::string> frames;
  const auto both = [&](const std::string& trade) {
    frames.push_back(trade);
    frames.push_back(R"({"type":"l2_updates","symbol":"BTCUSD","changes":[["buy","1","1"]],)"
                     R"("trades":[)" +
                     trade + "," + trade + "]}");
  };
  for (const std::string& t : trades) {
    for (std::size_t cut = 0; cut <= t.size(); ++cut) both(t.substr(0, cut));
    // The keys' values swapped pairwise: the keys no longer in the order a flat reader knows.
    const std::size_t price = t.find("\"price\""), qty = t.find(",\"quantity\"");
    both(t.substr(0, price) + t.substr(qty + 1, t.find(',', qty + 1) - qty - 1) + "," +
         t.substr(price, qty - price) + t.substr(t.find(',', qty + 1)));
    both(replace(t, "{", R"({"x":1,)"));
    both(replace(t, "\"}", R"(","tid":5})"));
    both(replace(t, "\"side\"", R"("side" )"));
    both(replace(t, "USD\"", R"(U\u0053D")"));
    both(replace(t, "\"quantity\":\"", R"("quantity":"1e-2)"));
    both(replace(t, "\"price\":\"", R"("price":"00)"));
    both(replace(t, "\"price\":\"", R"("price":"123456789012345)"));
    both(replace(t, ":1", ":12345678901234567"));
    both(replace(t, ":1", ":-1"));
    both(replace(t, "\"buy\"", "\"sell\""));
    both(replace(t, "\"sell\"", "\"buy\""));
  }
  expect_paths_agree(frames, "recorded trades cut and reshaped");
  GeminiV2Parser p;
  EventRecorder r;
  for (const std::string& f : frames) p.parse(f, 1, r);
  EXPECT_GT(p.stats().parse_errors, frames.size() / 2);  // the cuts
  EXPECT_GT(p.stats().trades, 30 * trades.size());       // the whole and reshaped ones
}

// auction_events of every nesting depth around the skipper's bound (8), strings of 0 to 40
// bytes (escapes, controls, bytes >= 0x7f among them), numbers of every form and the
// literals: frames the skipper takes must match the DOM path, the rest go to it.
TEST(V2L2Scanner, AuctionEventsOfEveryShapeMatchTheDomPath) {
  std::mt19937_64 rng(37);
  const auto string = [&]() {
    std::string s = "\"";
    const int n = static_cast<int>(rng() % 41);
    for (int i = 0; i < n; ++i) {
      switch (rng() % 40) {
        case 0:
          s += "\\\"";
          break;
        case 1:
          s += '\x01';
          break;
        case 2:
          s += '\x7f';
          break;
        case 3:
          s += "\xc3\xa9";
          break;
        default:
          s += static_cast<char>('a' + rng() % 26);
      }
    }
    return s + "\"";
  };
  const auto number = [&]() -> std::string {
    static const char* forms[] = {"0",
                                  "-0",
                                  "7",
                                  "-12",
                                  "00",
                                  "01",
                                  "1.5",
                                  "1.",
                                  ".5",
                                  "1e3",
                                  "1E-2",
                                  "-",
                                  "1.2.3",
                                  "0.00",
                                  "1617566400000",
                                  "1234567890123456789",
                                  "123456789012345678"};
    return forms[rng() % (sizeof(forms) / sizeof(forms[0]))];
  };
  std::function<std::string(int)> value = [&](int depth) -> std::string {
    const int pick = static_cast<int>(rng() % (depth > 11 ? 4 : 7));
    switch (pick) {
      case 0:
        return string();
      case 1:
        return number();
      case 2: {
        static const char* lits[] = {"true", "false", "null", "tru", "nul"};
        return lits[rng() % 5];
      }
      case 3:
        return rng() % 2 ? "[]" : "{}";
      case 4:
      case 5: {
        std::string o = "{";
        const int n = 1 + static_cast<int>(rng() % 4);
        for (int i = 0; i < n; ++i) o += (i ? "," : "") + string() + ":" + value(depth + 1);
        return o + "}";
      }
      default: {
        std::string a = "[";
        const int n = 1 + static_cast<int>(rng() % 4);
        for (int i = 0; i < n; ++i) a += (i ? "," : "") + value(depth + 1);
        return a + "]";
      }
    }
  };
  std::vector<std::string> frames;
  for (int i = 0; i < 3000; ++i) {
    // Deep chains too: a string or number at each depth from 0 to 11.
    std::string events;
    if (i % 3 == 0) {
      const int d = static_cast<int>(rng() % 12);
      events = std::string(static_cast<std::size_t>(d), '[') + (rng() % 2 ? string() : number()) +
               std::string(static_cast<std::size_t>(d), ']');
      events = "[" + events + "]";
    } else {
      events = "[" + value(1) + "," + value(1) + "]";
    }
    frames.push_back(R"({"type":"l2_updates","symbol":"BTCUSD","changes":[["buy","1","1"]],)"
                     R"("trades":[],"auction_events":)" +
                     events + "}");
  }
  expect_paths_agree(frames, "auction events");
  GeminiV2Parser p;
  EventRecorder r;
  for (const std::string& f : frames) p.parse(f, 1, r);
  EXPECT_GT(p.stats().snapshots, 800u);     // many taken
  EXPECT_GT(p.stats().parse_errors, 300u);  // and many refused
}

TEST(V2L2Scanner, LongSnapshotsMatchTheDomPath) {
  std::vector<std::string> frames;
  for (int shift = 0; shift < 48; ++shift) {
    for (int odd : {-1, 620, 640, 650, 655, 660, 670, 700}) {
      std::string f = R"({"type":"l2_updates","symbol":"BTCUSD","changes":[)";
      for (int i = 0; i < 1400; ++i) {
        if (i) f += ',';
        const std::string price = std::to_string(1000 + i) + (i == odd ? "e0" : ".5");
        const std::string qty =
            i == 0 ? "1." + std::string(static_cast<std::size_t>(shift % 17) + 1, '7') : "2";
        f += (i % 2 ? R"(["sell",")" : R"(["buy",")") + price + R"(",")" + qty + R"("])";
      }
      f += R"(],"trades":[],"auction_events":[]})";
      if (shift >= 17)
        f.insert(f.find("BTCUSD"), std::string(static_cast<std::size_t>(shift - 16), 'X'));
      frames.push_back(f);
    }
  }
  expect_paths_agree(frames, "long snapshots");
  GeminiV2Parser p;
  EventRecorder r;
  for (const std::string& f : frames) p.parse(f, 1, r);
  EXPECT_EQ(p.stats().parse_errors, 0u);
  EXPECT_EQ(p.stats().snapshot_levels, 1400u * frames.size());
}

TEST(V2L2Scanner, MalformedVariantsOfSharedFramesMatchTheDomPath) {
  RTC_SHARED_FILE_OR_SKIP(path, "gemini/v2-BTCUSD-frames.ndjson");
  const std::vector<std::string> frames = test::read_lines(path);
  ASSERT_FALSE(frames.empty());
  std::mt19937_64 rng(42);
  const std::string& bytes = test::kMutationBytes;
  // Small frames (deltas) mutated many ways; each variant after a clean snapshot+delta run.
  std::vector<std::string> small;
  for (const std::string& f : frames) {
    if (f.size() < 400 && f.find("l2_updates") != std::string::npos) small.push_back(f);
  }
  ASSERT_GT(small.size(), 10u);
  std::vector<std::string> run;
  run.push_back(frames[0]);  // the snapshot
  int variants = 0;
  for (int n = 0; n < 3000; ++n) {
    std::string f = small[rng() % small.size()];
    switch (rng() % 4) {
      case 0:  // truncated
        f.resize(rng() % f.size());
        break;
      case 1:  // one byte replaced
        f[rng() % f.size()] = bytes[rng() % bytes.size()];
        break;
      case 2:  // one byte deleted
        f.erase(rng() % f.size(), 1);
        break;
      default:  // one byte inserted
        f.insert(f.begin() + static_cast<std::ptrdiff_t>(rng() % f.size()),
                 bytes[rng() % bytes.size()]);
        break;
    }
    run.push_back(f);
    // A small snapshot (a bad delta leaves the book waiting for one), then a good delta.
    run.push_back(R"({"type":"l2_updates","symbol":"BTCUSD","changes":[["buy","59000","1"],)"
                  R"(["sell","61000","1"]],"trades":[],"auction_events":[]})");
    run.push_back(small[rng() % small.size()]);
    ++variants;
  }
  expect_paths_agree(run, "mutated frames");
  // Mutations reached the DOM path's error handling (not only harmless ones).
  GeminiV2Parser p;
  EventRecorder r;
  for (const std::string& f : run) p.parse(f, 1, r);
  EXPECT_GT(p.stats().parse_errors, 500u);
  EXPECT_GT(p.stats().changes, 1000u);
  EXPECT_EQ(variants, 3000);
}

}  // namespace
}  // namespace rtcrypto
