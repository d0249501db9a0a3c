#include "rtcrypto/core/time.hpp"

#include <gtest/gtest.h>

namespace rtcrypto {
namespace {

TEST(Time, FormatsAndParsesUtc) {
  TimeNs t = 1617645247991257000;
  EXPECT_EQ(format_iso8601_ms(t), "2021-04-05T17:54:07.991Z");
  EXPECT_EQ(format_ymd_hms(t), "2021-04-05 17:54:07");
  EXPECT_EQ(*parse_ymd_hms("2021-04-05 17:54:07"), 1617645247 * kNsPerSec);
  EXPECT_EQ(*parse_ymd_hms("2021-04-05T17:54:07Z"), 1617645247 * kNsPerSec);
  EXPECT_EQ(*parse_ymd_hms("1970-01-01"), 0);
  EXPECT_FALSE(parse_ymd_hms("2021-13-01 00:00:00"));
  EXPECT_FALSE(parse_ymd_hms("yesterday"));
}

TEST(Time, FloorsToPeriods) {
  EXPECT_EQ(floor_to_period(125 * kNsPerSec, 60 * kNsPerSec), 120 * kNsPerSec);
  EXPECT_EQ(floor_to_period(-1, kNsPerSec), -kNsPerSec);
}

}  // namespace
}  // namespace rtcrypto
