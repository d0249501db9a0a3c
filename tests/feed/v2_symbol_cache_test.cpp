// The v2 parser's symbol cache: equal keys exactly for equal symbols of 1..16 bytes (every
// length, random bytes, single-byte changes anywhere), no key for empty or longer symbols,
// and a cache that answers only for the key it was given.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "../../src/feed/v2_symbol_cache.hpp"

namespace rtcrypto::feed_detail {
namespace {

TEST(SymbolKey, EqualExactlyForEqualSymbols) {
  std::mt19937 rng(7);
  for (std::size_t n = 1; n <= 16; ++n) {
    for (int round = 0; round < 200; ++round) {
      std::string a(n, ' ');
      for (char& c : a) c = static_cast<char>('A' + rng() % 26);
      const SymbolKey ka = SymbolKey::of(a);
      ASSERT_TRUE(ka.valid());
      EXPECT_EQ(ka, SymbolKey::of(std::string(a)));  // same bytes elsewhere in memory
      // Any one byte changed changes the key; so does any other length.
      for (std::size_t i = 0; i < n; ++i) {
        std::string b = a;
        b[i] = static_cast<char>(b[i] == 'Z' ? 'a' : b[i] + 1);
        EXPECT_NE(ka, SymbolKey::of(b)) << a << " vs " << b;
      }
      EXPECT_NE(ka, SymbolKey::of(a + "A"));
      EXPECT_NE(ka, SymbolKey::of(std::string_view(a).substr(0, n - 1)));
    }
  }
  // Prefixes within the same words still differ by length.
  EXPECT_NE(SymbolKey::of("BTCUSD"), SymbolKey::of("BTCUSDBTCUSD"));
  EXPECT_NE(SymbolKey::of("AA"), SymbolKey::of("AAA"));
}

TEST(SymbolKey, NoneForEmptyOrLongSymbols) {
  EXPECT_FALSE(SymbolKey::of("").valid());
  EXPECT_FALSE(SymbolKey::of("ABCDEFGHIJKLMNOPQ").valid());  // 17 bytes
  EXPECT_TRUE(SymbolKey::of("ABCDEFGHIJKLMNOP").valid());
}

TEST(SymbolCache, AnswersOnlyForItsKey) {
  SymbolCache<int, 4> cache;  // few slots: collisions replace
  int values[40];
  std::vector<std::string> names;
  for (int i = 0; i < 40; ++i) names.push_back("SYM" + std::to_string(i * 7919));
  for (int i = 0; i < 40; ++i) {
    const SymbolKey k = SymbolKey::of(names[static_cast<std::size_t>(i)]);
    EXPECT_EQ(cache.find(k), nullptr) << names[static_cast<std::size_t>(i)];
    cache.put(k, &values[i]);
    EXPECT_EQ(cache.find(k), &values[i]);
  }
  // Whatever is still cached answers with its own value.
  for (int i = 0; i < 40; ++i) {
    const int* v = cache.find(SymbolKey::of(names[static_cast<std::size_t>(i)]));
    if (v) {
      EXPECT_EQ(v, &values[i]);
    }
  }
  cache.clear();
  for (const std::string& s : names) EXPECT_EQ(cache.find(SymbolKey::of(s)), nullptr);
}

}  // namespace
}  // namespace rtcrypto::feed_detail
