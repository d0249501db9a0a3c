// GeminiV2Parser::parse() reads delta frames of the exchange's shape inline (in place, with
// a copy of their tail); these tests hold it to the DOM path (the same frame after a space)
// on every frame size around that path's limits, in every book state.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "event_recorder.hpp"
#include "rtcrypto/feed/gemini_parsers.hpp"

namespace rtcrypto {
namespace {

// Every event in order, as text (the views die with the frame).
class Log : public test::EventRecorder {
 public:
  void on_level_batch(const LevelBatch& b) override {
    std::string s = "batch " + std::string(b.symbol) + (b.snapshot ? " snap" : " upd") +
                    (b.reason == ChangeReason::Update ? "" : " r") + " ts " + std::to_string(b.ts);
    for (const PackedLevel& l : b.levels)
      s += " " + Decimal::from_raw(l.signed_price).to_string() + "/" +
           Decimal::from_raw(l.quantity).to_string();
    order.push_back(s);
  }
  void on_snapshot_begin(std::string_view s, TimeNs ts) override {
    order.push_back("begin " + std::string(s) + " " + std::to_string(ts));
  }
  void on_snapshot_end(std::string_view s, TimeNs ts) override {
    order.push_back("end " + std::string(s) + " " + std::to_string(ts));
  }
  void on_gap(std::string_view s, TimeNs ts, std::string_view why) override {
    order.push_back("gap " + std::string(s) + " " + std::to_string(ts) + " " + std::string(why));
  }
  void on_trades(std::span<const TradeEvent> ts) override {
    for (const TradeEvent& t : ts) order.push_back("trade " + std::string(t.symbol));
  }
  void on_time(TimeNs ts) override { order.push_back("time " + std::to_string(ts)); }
  std::vector<std::string> order;
};

// n changes; the first one's decimals take `extra` more digits (0..28), so consecutive
// `extra` give consecutive frame sizes.
std::string changes(int n, int extra) {
  std::string s = "[";
  for (int i = 0; i < n; ++i) {
    if (i) s += ',';
    const int e = i == 0 ? extra : 0;
    const int pw = std::min(e, 7), pf = std::min(std::max(e - 7, 0), 7);
    const int qw = std::min(std::max(e - 14, 0), 7), qf = std::max(e - 21, 0);
    std::string price = std::to_string(1 + i % 9) + std::string(pw, '0');
    if (pf) price += "." + std::string(pf, '5');
    std::string qty = std::to_string(i % 3) + std::string(qw, '1');
    if (qf) qty += "." + std::string(qf, '2');
    s += std::string(i % 2 ? "[\"sell\",\"" : "[\"buy\",\"") + price + "\",\"" + qty + "\"]";
  }
  return s + "]";
}

std::string delta(std::string_view symbol, const std::string& ch, bool type_first) {
  const std::string sym(symbol);
  return type_first ? R"({"type":"l2_updates","symbol":")" + sym + R"(","changes":)" + ch + "}"
                    : R"({"changes":)" + ch + R"(,"symbol":")" + sym + R"(","type":"l2_updates"})";
}

void expect_same(const GeminiV2Parser& fast, const GeminiV2Parser& dom) {
  const FeedStats& a = fast.stats();
  const FeedStats& b = dom.stats();
  EXPECT_EQ(a.frames, b.frames);
  EXPECT_EQ(a.changes, b.changes);
  EXPECT_EQ(a.snapshots, b.snapshots);
  EXPECT_EQ(a.snapshot_levels, b.snapshot_levels);
  EXPECT_EQ(a.parse_errors, b.parse_errors);
  EXPECT_EQ(a.gaps, b.gaps);
  EXPECT_EQ(a.dropped, b.dropped);
}

// Frames of 0..62 changes, every size from ~40 to ~1200 bytes (both sides of 64 and 1024),
// both key orders, three symbols (one in two spellings): first deltas (snapshots), live
// deltas, a lost frame, dropped deltas, then a resent snapshot.
TEST(GeminiV2DeltaPath, DeltaFramesOfEverySizeMatchTheDomPath) {
  GeminiV2Parser fast, dom;
  Log a, b;
  std::vector<std::string> reported_a, reported_b;
  TimeNs ts = 100;
  std::size_t smallest = 1 << 20, largest = 0, frames = 0;
  const auto both = [&](const std::string& f) {
    fast.parse(f, ts, a);
    dom.parse(" " + f, ts, b);
    for (std::string_view s : fast.new_symbols()) reported_a.emplace_back(s);
    for (std::string_view s : dom.new_symbols()) reported_b.emplace_back(s);
    fast.new_symbols().clear();
    dom.new_symbols().clear();
    smallest = std::min(smallest, f.size());
    largest = std::max(largest, f.size());
    ++frames, ++ts;
  };
  const char* symbols[] = {"ETHUSD", "btcusd", "BTCUSD", "SOLUSDPERPX"};
  for (int n = 0; n <= 62; ++n) {
    for (int extra = 0; extra <= 28; ++extra) {
      const std::string ch = changes(n, extra);
      const std::string_view sym = symbols[(n + extra) % 4];
      const bool type_first = (n + extra) % 3 != 0;
      both(delta(sym, ch, type_first));
      if (extra % 7 == 3) {  // lost: the book waits for a snapshot, dropping deltas
        both(delta(sym, R"([["buy","x","1"]])", type_first));
        both(delta(sym, ch, !type_first));
        both(R"({"type":"l2_updates","symbol":")" + std::string(sym) + R"(","changes":)" + ch +
             R"(,"trades":[],"auction_events":[]})");
      }
    }
  }
  EXPECT_LE(smallest, 60u);
  EXPECT_GE(largest, 1100u);
  EXPECT_EQ(a.order, b.order);
  EXPECT_EQ(reported_a, reported_b);
  expect_same(fast, dom);
  EXPECT_EQ(fast.stats().frames, frames);
  EXPECT_GT(fast.stats().changes, 10000u);
  EXPECT_GT(fast.stats().dropped, 100u);
  EXPECT_GT(fast.stats().gaps, 10u);
}

// A delta frame cut at every byte, or with one byte changed at every position: counted and
// skipped (or read) exactly as the DOM path does.
TEST(GeminiV2DeltaPath, CutAndMutatedDeltasMatchTheDomPath) {
  GeminiV2Parser fast, dom;
  Log a, b;
  TimeNs ts = 1;
  const auto both = [&](const std::string& f) {
    fast.parse(f, ts, a);
    dom.parse(" " + f, ts, b);
    ++ts;
  };
  const std::string snapshot =
      R"({"type":"l2_updates","symbol":"ETHUSD","changes":[["buy","1","1"]],"trades":[]})";
  for (const bool type_first : {true, false}) {
    const std::string f = delta("ETHUSD", changes(4, 5), type_first);
    for (std::size_t cut = 0; cut <= f.size(); ++cut) {
      both(snapshot);
      both(f.substr(0, cut));
    }
    for (std::size_t i = 0; i < f.size(); ++i) {
      for (const char c : {'"', ']', '}', ',', 'x', '\\', '\0', '9'}) {
        std::string g = f;
        g[i] = c;
        both(snapshot);
        both(g);
      }
    }
  }
  EXPECT_EQ(a.order, b.order);
  expect_same(fast, dom);
  EXPECT_GT(fast.stats().parse_errors, 100u);
}

}  // namespace
}  // namespace rtcrypto
