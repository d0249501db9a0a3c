// WindowAggregator sums price x remaining as doubles from the raw 128-bit decimals; its
// conversion must round exactly like the compiler's int128 -> double.
#include <gtest/gtest.h>

#include <limits>
#include <random>

#include "rtcrypto/window/window_aggregator.hpp"

namespace rtcrypto {
namespace {

TEST(Int128ToDouble, RoundsLikeTheBuiltInConversion) {
  using I = __int128;
  std::vector<I> values = {0,
                           1,
                           -1,
                           std::numeric_limits<std::int64_t>::max(),
                           std::numeric_limits<std::int64_t>::min(),
                           static_cast<I>(std::numeric_limits<std::int64_t>::max()) + 1,
                           static_cast<I>(std::numeric_limits<std::int64_t>::min()) - 1,
                           static_cast<I>(std::numeric_limits<std::uint64_t>::max()),
                           static_cast<I>(std::numeric_limits<std::uint64_t>::max()) + 1,
                           std::numeric_limits<I>::max(),
                           std::numeric_limits<I>::min(),
                           std::numeric_limits<I>::min() + 1};
  // Ties and near-ties at the 53-bit rounding point, at several magnitudes.
  for (int bits = 54; bits < 127; ++bits) {
    const I base = static_cast<I>(1) << bits;
    const I half = static_cast<I>(1) << (bits - 53);
    for (I d : {half - 1, half, half + 1, 3 * half, 3 * half - 1, 3 * half + 1}) {
      values.push_back(base + d);
      values.push_back(-(base + d));
    }
  }
  std::mt19937_64 rng(3);
  for (int n = 0; n < 200'000; ++n) {
    const int bits = 1 + static_cast<int>(rng() % 127);
    unsigned __int128 u = (static_cast<unsigned __int128>(rng()) << 64) | rng();
    u >>= (128 - bits);
    values.push_back(rng() % 2 ? static_cast<I>(u) : -static_cast<I>(u));
  }
  for (I v : values) {
    ASSERT_EQ(int128_to_double(v), static_cast<double>(v))
        << static_cast<double>(v) << " hi=" << static_cast<std::int64_t>(v >> 64)
        << " lo=" << static_cast<std::uint64_t>(v);
  }
}

}  // namespace
}  // namespace rtcrypto
