#include "rtcrypto/bars/minute_bars.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <chrono>
#include <fstream>

#include "test_support.hpp"

namespace rtcrypto {
namespace {

constexpr TimeNs kT0 = 1'600'000'020LL * kNsPerSec;  // 2020-09-13 12:27:00 UTC, a minute start

void write_text(const std::filesystem::path& p, const std::string& s) {
  std::ofstream(p, std::ios::binary) << s;
}

void write_gzip(const std::filesystem::path& p, const std::string& s) {
  gzFile gz = gzopen(p.c_str(), "wb");
  ASSERT_NE(gz, nullptr);
  ASSERT_EQ(gzwrite(gz, s.data(), static_cast<unsigned>(s.size())), static_cast<int>(s.size()));
  gzclose(gz);
}

TEST(MinuteBars, BitstampSkipsNanRowsAndKeepsWeightedPrice) {
  std::string text =
      "Timestamp,Open,High,Low,Close,Volume_(BTC),Volume_(Currency),Weighted_Price\n"
      "1600000020,10,11,9,10.5,2,21,10.4\n"
      "1600000080,NaN,NaN,NaN,NaN,NaN,NaN,NaN\n"
      "1600000140,10.5,12,10,11,1,11,11.2\n";
  BarsReport rep;
  auto bars = parse_minute_bars(text, &rep);
  ASSERT_EQ(bars.size(), 2u);
  EXPECT_EQ(rep.layout, "bitstamp");
  EXPECT_EQ(rep.rows_read, 3u);
  EXPECT_EQ(rep.rows_skipped, 1u);
  EXPECT_EQ(rep.gaps, 1u);  // the NaN minute is missing
  EXPECT_EQ(bars[0].ts, kT0);
  EXPECT_DOUBLE_EQ(bars[0].weighted_price, 10.4);
  EXPECT_DOUBLE_EQ(model_price(bars[1]), 11.2);
  EXPECT_DOUBLE_EQ(bars[1].volume, 1.0);
  EXPECT_FALSE(consecutive(bars[0], bars[1]));
}

TEST(MinuteBars, CryptoDataDownloadNewestFirstMixedSecondsAndMilliseconds) {
  std::string text =
      "https://www.CryptoDataDownload.com\r\n"
      "unix,date,symbol,open,high,low,close,Volume BTC,Volume USD\r\n"
      "1600000140000,2020-09-13 12:29:00,BTC/USD,3,3,3,3.5,1,3\r\n"
      "1600000080000,2020-09-13 12:28:00,BTC/USD,2,2,2,2.5,1,2\r\n"
      "1600000020,2020-09-13 12:27:00,BTC/USD,1,1,1,1.5,1,1\r\n";
  BarsReport rep;
  auto bars = parse_minute_bars(text, &rep);
  EXPECT_EQ(rep.layout, "cryptodatadownload");
  ASSERT_EQ(bars.size(), 3u);
  EXPECT_EQ(bars[0].ts, kT0);
  EXPECT_EQ(bars[2].ts, kT0 + 2 * kNsPerMin);
  EXPECT_DOUBLE_EQ(bars[0].close, 1.5);
  EXPECT_DOUBLE_EQ(bars[2].close, 3.5);
  EXPECT_EQ(rep.gaps, 0u);
  EXPECT_TRUE(consecutive(bars[0], bars[1]));
}

TEST(MinuteBars, BinanceKlinesWithAndWithoutHeader) {
  std::string rows =
      "1600000020000,1,2,0.5,1.5,10,1600000079999,15,3,5,7,0\n"
      "1600000080000,1.5,2,1,1.75,11,1600000139999,16,4,6,8,0\n";
  BarsReport rep;
  auto plain = parse_minute_bars(rows, &rep);
  EXPECT_EQ(rep.layout, "binance");
  ASSERT_EQ(plain.size(), 2u);
  EXPECT_EQ(plain[0].ts, kT0);
  EXPECT_DOUBLE_EQ(plain[1].close, 1.75);
  EXPECT_DOUBLE_EQ(plain[1].volume, 11);

  auto headed = parse_minute_bars(
      "open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,"
      "taker_buy_quote_volume,ignore\n" +
          rows,
      &rep);
  EXPECT_EQ(rep.layout, "binance");
  ASSERT_EQ(headed.size(), 2u);
  EXPECT_EQ(headed[1].ts, kT0 + kNsPerMin);
}

TEST(MinuteBars, BinanceMicrosecondTimestamps) {
  auto bars = parse_minute_bars("1600000020000000,1,2,0.5,1.5,10,0,0,0,0,0,0\n");
  ASSERT_EQ(bars.size(), 1u);
  EXPECT_EQ(bars[0].ts, kT0);
}

TEST(MinuteBars, PlainUnsortedDuplicatesAndGapsMakeSegments) {
  std::string text =
      "timestamp,open,high,low,close,volume\n"
      "1600000080,2,2,2,2,1\n"
      "1600000020,1,1,1,1,1\n"
      "1600000080,9,9,9,9,9\n"  // duplicate minute: the first one in the file wins
      "1600007220,4,4,4,4,1\n"  // two hours later: a new segment
      "1600000200,3,3,3,3,1\n"  // 2 missing minutes before it: a gap, same segment
      "garbage,row\n"
      "1600000260,abc,3,3,3,1\n";
  BarsReport rep;
  auto bars = parse_minute_bars(text, &rep, 60);
  EXPECT_EQ(rep.layout, "plain");
  ASSERT_EQ(bars.size(), 4u);
  EXPECT_EQ(rep.duplicates, 1u);
  EXPECT_EQ(rep.rows_skipped, 2u);
  EXPECT_EQ(rep.gaps, 2u);
  EXPECT_EQ(rep.segments, 2u);
  EXPECT_DOUBLE_EQ(bars[1].close, 2.0);
  EXPECT_EQ(bars[0].segment, 0);
  EXPECT_EQ(bars[2].segment, 0);
  EXPECT_EQ(bars[3].segment, 1);
  for (std::size_t i = 1; i < bars.size(); ++i) EXPECT_LT(bars[i - 1].ts, bars[i].ts);
}

TEST(MinuteBars, IsoDatesInPlainLayout) {
  auto bars =
      parse_minute_bars("timestamp,open,high,low,close,volume\n2020-09-13 12:27:30,1,1,1,1,0\n");
  ASSERT_EQ(bars.size(), 1u);
  EXPECT_EQ(bars[0].ts, kT0);  // floored to the minute
}

TEST(MinuteBars, SharedLayoutHonoursSegmentIdsFromGzip) {
  test::TempDir dir;
  std::string text =
      "open_time_ms,open,high,low,close,volume_btc,segment_id,source_id\n"
      "1600000020000,1,1,1,1,0.5,3,0\n"
      "1600000080000,1,1,1,1.25,0.5,3,0\n"
      "1600000140000,1,1,1,1.5,0.5,4,1\n";
  write_gzip(dir / "bars.csv.gz", text);
  write_text(dir / "bars.csv", text);
  for (const char* name : {"bars.csv.gz", "bars.csv"}) {
    BarsReport rep;
    auto bars = read_minute_bars(dir / name, &rep);
    EXPECT_EQ(rep.layout, "shared");
    ASSERT_EQ(bars.size(), 3u) << name;
    EXPECT_EQ(bars[0].segment, 3);
    EXPECT_EQ(bars[2].segment, 4);
    EXPECT_EQ(rep.segments, 2u);
    EXPECT_FALSE(consecutive(bars[1], bars[2]));  // adjacent minutes, different segments
    EXPECT_DOUBLE_EQ(bars[0].volume, 0.5);
  }
}

TEST(MinuteBars, ClearErrors) {
  test::TempDir dir;
  EXPECT_THROW(read_minute_bars(dir / "missing.csv"), std::runtime_error);
  EXPECT_THROW(parse_minute_bars("foo,bar\n1,2\n"), std::runtime_error);
  EXPECT_THROW(parse_minute_bars(""), std::runtime_error);
  std::string text = "timestamp,open,high,low,close,volume\n";
  for (int i = 0; i < 2000; ++i)
    text += std::to_string(1600000020 + 60 * i) + ",1.2345,1.2345,1.2345,1.2345,17.5\n";
  write_gzip(dir / "full.csv.gz", text);
  auto size = std::filesystem::file_size(dir / "full.csv.gz");
  std::filesystem::resize_file(dir / "full.csv.gz", size / 2);
  EXPECT_THROW(read_minute_bars(dir / "full.csv.gz"), std::runtime_error);
}

TEST(MinuteBars, ReadsTheSharedTrainFileQuickly) {
  RTC_SHARED_FILE_OR_SKIP(file, "bars/binance-BTCUSDT-1m-train-2019-2023.csv.gz");
  auto start = std::chrono::steady_clock::now();
  BarsReport rep;
  auto bars = read_minute_bars(file, &rep);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(bars.size(), 329'571u);
  EXPECT_EQ(rep.layout, "shared");
  EXPECT_EQ(rep.segments, 12u);
  EXPECT_EQ(rep.rows_skipped, 0u);
  EXPECT_EQ(bars.front().segment, 0);
  EXPECT_EQ(bars.back().segment, 11);
  EXPECT_EQ(bars.front().ts, 1571176200000LL * kNsPerMs);
  EXPECT_DOUBLE_EQ(bars.front().close, 8144.08);
  EXPECT_LT(secs, 2.0);
}

}  // namespace
}  // namespace rtcrypto
