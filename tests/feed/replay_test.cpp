#include <gtest/gtest.h>
#include <zlib.h>

#include <fstream>
#include <string>

#include "event_recorder.hpp"
#include "rtcrypto/book/book_builder.hpp"
#include "rtcrypto/feed/recording_writer.hpp"
#include "rtcrypto/feed/replay_driver.hpp"
#include "rtcrypto/feed/replay_reader.hpp"
#include "test_support.hpp"

namespace rtcrypto {
namespace {

using test::EventRecorder;
using test::TempDir;

void write_file(const std::filesystem::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary) << text;
}

void write_gz(const std::filesystem::path& p, const std::string& text) {
  gzFile g = gzopen(p.c_str(), "wb");
  ASSERT_NE(g, nullptr);
  ASSERT_EQ(gzwrite(g, text.data(), static_cast<unsigned>(text.size())),
            static_cast<int>(text.size()));
  ASSERT_EQ(gzclose(g), Z_OK);
}

std::string read_bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

constexpr const char* kSnapA =
    R"({"type":"l2_updates","symbol":"BTCUSD","changes":[["buy","100","1"],["sell","101","1"]],"trades":[],"auction_events":[]})";
constexpr const char* kDeltaA =
    R"({"type":"l2_updates","symbol":"BTCUSD","changes":[["buy","100","2"]]})";
constexpr const char* kSnapB =
    R"({"type":"l2_updates","symbol":"ETHUSD","changes":[["buy","10","1"],["sell","11","1"]],"trades":[],"auction_events":[]})";

std::string tsv_fixture() {
  return std::string("recv_ts_unix\tsession\tframe\n") + "1617645247.991257\ts1\t" + kSnapA + "\n" +
         "1617645248.5\ts1\t" + kSnapB + "\n" + "1617645249\ts1\t" + kDeltaA + "\n" +
         "1617645250.000000001\ts2\t" + kSnapA + "\n";
}

TEST(ParseSecondsNs, ExactConversion) {
  EXPECT_EQ(parse_seconds_ns("1617645247.991257"), 1617645247991257000);
  EXPECT_EQ(parse_seconds_ns("1617645250.000000001"), 1617645250000000001);
  EXPECT_EQ(parse_seconds_ns("12"), 12 * kNsPerSec);
  EXPECT_EQ(parse_seconds_ns("1.5000000000"), 1'500'000'000);
  EXPECT_FALSE(parse_seconds_ns("1.0000000001"));
  EXPECT_FALSE(parse_seconds_ns("-1.5"));
  EXPECT_FALSE(parse_seconds_ns("abc"));
  EXPECT_FALSE(parse_seconds_ns(""));
  EXPECT_FALSE(parse_seconds_ns(".5"));
  EXPECT_FALSE(parse_seconds_ns("1.5x"));
  EXPECT_FALSE(parse_seconds_ns("99999999999999"));
}

TEST(ReplayReader, ReadsTheTsvLayout) {
  TempDir dir;
  write_file(dir / "f.tsv", tsv_fixture());
  ReplayReader reader(dir / "f.tsv");
  ReplayFrame f;
  ASSERT_TRUE(reader.next(f));
  EXPECT_EQ(reader.layout(), ReplayLayout::Tsv);
  EXPECT_FALSE(reader.compressed());
  EXPECT_EQ(f.recv_ts, 1617645247991257000);
  EXPECT_EQ(f.session, "s1");
  EXPECT_EQ(f.feed, FeedKind::V2);
  EXPECT_EQ(f.frame, kSnapA);
  EXPECT_EQ(f.line, 2u);
  int n = 1;
  while (reader.next(f)) ++n;
  EXPECT_EQ(n, 4);
  EXPECT_EQ(f.session, "s2");
  EXPECT_EQ(reader.stats().header_lines, 1u);
  EXPECT_EQ(reader.stats().frames, 4u);
  EXPECT_EQ(reader.stats().bad_lines, 0u);
}

TEST(ReplayReader, MissingFileThrowsNamingIt) {
  try {
    ReplayReader reader("/nonexistent/x.tsv");
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/x.tsv"), std::string::npos);
  }
}

TEST(ReplayReader, BadLinesAndATruncatedLastLineAreCountedAndSkipped) {
  log::set_level(log::Level::Error);
  TempDir dir;
  std::string text = tsv_fixture();
  text += "not-a-time\ts2\t{}\n";  // bad recv_ts
  text += "no tabs at all\n";
  text += "\n";
  text += std::string("1617645251\ts2\t") + kDeltaA + "\n";
  text += std::string("1617645252\ts2\t") + std::string(kDeltaA).substr(0, 30);  // cut off
  write_file(dir / "t.tsv", text);
  ReplayReader reader(dir / "t.tsv");
  ReplayFrame f;
  int n = 0;
  while (reader.next(f)) ++n;
  EXPECT_EQ(n, 5);
  EXPECT_EQ(reader.stats().bad_lines, 2u);
  EXPECT_EQ(reader.stats().blank_lines, 1u);
  EXPECT_EQ(reader.stats().truncated_lines, 1u);
  EXPECT_EQ(f.frame, kDeltaA);  // the last good frame
  log::set_level(log::Level::Info);
}

TEST(ReplayReader, ALastLineWithoutNewlineIsKeptWhenComplete) {
  TempDir dir;
  std::string text = tsv_fixture();
  text.pop_back();
  write_file(dir / "t.tsv", text);
  ReplayReader reader(dir / "t.tsv");
  ReplayFrame f;
  int n = 0;
  while (reader.next(f)) ++n;
  EXPECT_EQ(n, 4);
  EXPECT_EQ(reader.stats().truncated_lines, 0u);
}

TEST(ReplayReader, GzipTsvIsSniffedByMagic) {
  TempDir dir;
  write_gz(dir / "f.data", tsv_fixture());  // no .gz extension: the magic bytes decide
  ReplayReader reader(dir / "f.data");
  ReplayFrame f;
  int n = 0;
  while (reader.next(f)) ++n;
  EXPECT_TRUE(reader.compressed());
  EXPECT_EQ(n, 4);
  EXPECT_EQ(f.recv_ts, 1617645250000000001);
}

TEST(ReplayReader, TruncatedGzipYieldsTheCompleteLinesAndCountsTheRest) {
  log::set_level(log::Level::Error);
  TempDir dir;
  std::string text;
  for (int i = 0; i < 2000; ++i) {
    text += std::to_string(1617645247 + i) + "\ts1\t" + kDeltaA + "\n";
  }
  write_gz(dir / "f.tsv.gz", text);
  std::string bytes = read_bytes(dir / "f.tsv.gz");
  write_file(dir / "cut.tsv.gz", bytes.substr(0, bytes.size() / 2));
  ReplayReader reader(dir / "cut.tsv.gz");
  ReplayFrame f;
  int n = 0;
  while (reader.next(f)) ++n;
  EXPECT_GT(n, 0);
  EXPECT_LT(n, 2000);
  EXPECT_EQ(f.frame, kDeltaA);
  EXPECT_EQ(reader.stats().read_errors + reader.stats().truncated_lines > 0, true);
  log::set_level(log::Level::Info);
}

TEST(RecordingWriter, RoundTripsPlainAndGzip) {
  TempDir dir;
  const std::string tricky = std::string(R"({"type":"trade","note":"tab	quote\" backslash\\ nl)") +
                             "\n" + "\x01" + R"("})";
  for (const char* name : {"rec.jsonl", "rec.jsonl.gz"}) {
    {
      RecordingWriter w(dir / name);
      EXPECT_EQ(w.compressed(), std::string(name).ends_with(".gz"));
      w.write(1617645247991257001, FeedKind::V1, "BTCUSD", "sess-1", tricky);
      w.write(1617645247991257002, FeedKind::Ws, "", "sess-1", R"({"id":1,"status":200})");
      w.write(1617645247991257003, FeedKind::V2, "", "sess-2", kSnapA);
      EXPECT_EQ(w.lines(), 3u);
    }
    ReplayReader reader(dir / name);
    ReplayFrame f;
    ASSERT_TRUE(reader.next(f)) << name;
    EXPECT_EQ(reader.layout(), ReplayLayout::Jsonl);
    EXPECT_EQ(reader.compressed(), std::string(name).ends_with(".gz"));
    EXPECT_EQ(f.recv_ts, 1617645247991257001);
    EXPECT_EQ(f.feed, FeedKind::V1);
    EXPECT_EQ(f.symbol, "BTCUSD");
    EXPECT_EQ(f.session, "sess-1");
    EXPECT_EQ(f.frame, tricky);
    ASSERT_TRUE(reader.next(f));
    EXPECT_EQ(f.feed, FeedKind::Ws);
    EXPECT_EQ(f.symbol, "");
    ASSERT_TRUE(reader.next(f));
    EXPECT_EQ(f.frame, kSnapA);
    EXPECT_EQ(f.session, "sess-2");
    EXPECT_FALSE(reader.next(f));
    EXPECT_EQ(reader.stats().bad_lines, 0u);
  }
  std::string line;
  RecordingWriter::format_line(line, 5, FeedKind::V2, "", "s", "{}");
  EXPECT_EQ(line, "{\"recv_ts_ns\":5,\"feed\":\"v2\",\"session\":\"s\",\"frame\":\"{}\"}\n");
}

TEST(ReplayReader, BadJsonlLinesAreCounted) {
  log::set_level(log::Level::Error);
  TempDir dir;
  std::string text;
  RecordingWriter::format_line(text, 1, FeedKind::V2, "", "s", kSnapA);
  text += R"({"recv_ts_ns":"x","feed":"v2","session":"s","frame":"{}"})"
          "\n";
  text += R"({"recv_ts_ns":2,"feed":"v9","session":"s","frame":"{}"})"
          "\n";
  text += R"({"recv_ts_ns":2,"feed":"v1","session":"s","frame":"{}"})"
          "\n";  // v1 needs symbol
  text += R"({"recv_ts_ns":2,"feed":"v2","session":"s"})"
          "\n";
  text += "{garbage\n";
  RecordingWriter::format_line(text, 3, FeedKind::V2, "", "s", kDeltaA);
  text += R"({"recv_ts_ns":4,"feed":"v2","session":"s","frame":"{\"type)";  // truncated
  write_file(dir / "r.jsonl", text);
  ReplayReader reader(dir / "r.jsonl");
  ReplayFrame f;
  int n = 0;
  while (reader.next(f)) ++n;
  EXPECT_EQ(n, 2);
  EXPECT_EQ(reader.stats().bad_lines, 5u);
  EXPECT_EQ(reader.stats().truncated_lines, 1u);
  log::set_level(log::Level::Info);
}

TEST(ReplayDriver, NewSessionResetsBooksAndParsers) {
  TempDir dir;
  write_file(dir / "f.tsv", tsv_fixture());
  ReplayReader reader(dir / "f.tsv");
  BookBuilder b;
  EventRecorder r;
  b.set_next(&r);
  int frame_ends = 0;
  ReplayOptions opt;
  opt.on_frame_end = [&](TimeNs ts) {
    b.end_of_frame(ts);
    ++frame_ends;
  };
  ReplayStats s = replay_into(reader, b, opt);
  EXPECT_EQ(frame_ends, 4);
  EXPECT_EQ(s.frames, 4u);
  EXPECT_EQ(s.sessions, 2u);
  EXPECT_EQ(s.feed.snapshots, 3u);
  EXPECT_EQ(s.feed.changes, 1u);
  EXPECT_EQ(s.reader.header_lines, 1u);
  EXPECT_EQ(r.log,
            (std::vector<std::string>{"begin BTCUSD", "end BTCUSD", "begin ETHUSD", "end ETHUSD",
                                      "gap BTCUSD", "gap ETHUSD", "begin BTCUSD", "end BTCUSD"}));
  EXPECT_EQ(r.gaps[0].why, "new session");
  EXPECT_EQ(r.gaps[0].ts, 1617645250000000001);
  EXPECT_TRUE(b.find("BTCUSD")->whole());
  EXPECT_FALSE(b.find("ETHUSD")->whole());
}

TEST(ReplayDriver, SymbolFilterSkipsOtherSymbolsButCountsTheirFrames) {
  TempDir dir;
  std::string text = tsv_fixture();
  text +=
      std::string("1617645251\ts2\t") + R"({"type":"heartbeat","timestamp":1617645251000})" + "\n";
  write_file(dir / "f.tsv", text);
  ReplayReader reader(dir / "f.tsv");
  EventRecorder r;
  ReplayOptions opt;
  opt.symbols = {"ETHUSD"};
  ReplayStats s = replay_into(reader, r, opt);
  EXPECT_EQ(s.frames, 5u);
  EXPECT_EQ(s.filtered, 3u);  // the three BTCUSD frames
  EXPECT_EQ(s.feed.frames, 2u);
  for (const auto& l : r.levels) EXPECT_EQ(l.symbol, "ETHUSD");
  EXPECT_EQ(r.levels.size(), 2u);
  EXPECT_EQ(r.log, (std::vector<std::string>{"begin ETHUSD", "end ETHUSD", "gap ETHUSD"}));
  EXPECT_EQ(r.times.back(), 1617645251000 * kNsPerMs);  // heartbeats still pass
}

TEST(ReplayDriver, MixedFeedsInOneRecording) {
  TempDir dir;
  {
    RecordingWriter w(dir / "mixed.jsonl.gz");
    w.write(
        1, FeedKind::V1, "BTCUSD", "a",
        R"({"type":"update","eventId":1,"socket_sequence":0,"events":[{"type":"change","reason":"initial","price":"100","delta":"1","remaining":"1","side":"bid"}]})");
    w.write(
        2, FeedKind::V1, "ETHUSD", "a",
        R"({"type":"update","eventId":1,"socket_sequence":0,"events":[{"type":"change","reason":"initial","price":"10","delta":"1","remaining":"1","side":"bid"}]})");
    w.write(
        3, FeedKind::Ws, "", "a",
        R"({"e":"depthUpdate","E":1751508260659505382,"s":"solusd","U":5,"u":5,"b":[["1","1"]],"a":[]})");
    w.write(4, FeedKind::V1, "BTCUSD", "a", R"({"type":"heartbeat","socket_sequence":1})");
  }
  ReplayReader reader(dir / "mixed.jsonl.gz");
  BookBuilder b;
  ReplayStats s = replay_into(reader, b);
  EXPECT_EQ(s.frames, 4u);
  EXPECT_EQ(s.feed.snapshots, 3u);
  EXPECT_EQ(s.feed.heartbeats, 1u);
  EXPECT_EQ(s.feed.gaps, 0u);  // each v1 symbol has its own socket_sequence
  EXPECT_TRUE(b.find("BTCUSD")->whole());
  EXPECT_TRUE(b.find("ETHUSD")->whole());
  EXPECT_TRUE(b.find("SOLUSD")->whole());
}

TEST(ReplayDriver, SharedTsvFilteredToBtcusd) {
  RTC_SHARED_FILE_OR_SKIP(path, "gemini/v2-marketdata-frames-with-recv-ts.tsv");
  ReplayReader reader(path);
  test::CountingSink sink;
  ReplayOptions opt;
  opt.symbols = {"BTCUSD"};
  ReplayStats s = replay_into(reader, sink, opt);
  EXPECT_EQ(s.frames, 4038u);
  EXPECT_EQ(s.feed.parse_errors, 0u);
  // 326 BTCUSD frames (v2-BTCUSD-frames.ndjson) + 40 heartbeats without a symbol.
  EXPECT_EQ(s.feed.frames, 326u + 40u);
  EXPECT_EQ(sink.snapshots, 2u);
}

}  // namespace
}  // namespace rtcrypto
