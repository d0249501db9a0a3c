// symbol_slot64: a slot by the symbol's text, not its address, in range, for every length.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "rtcrypto/core/types.hpp"

namespace rtcrypto {
namespace {

TEST(SymbolSlot, SameTextSameSlotWhereverItLies) {
  for (const std::string s : {"", "A", "BTC", "LINK", "BTCUSD", "LINKUSD", "ETHUSDT", "BTCUSDCPERP",
                              "SOLGUSDPERP12345", "AVERYLONGSYMBOLNAME"}) {
    // The same text at other addresses (inside a longer text, at an odd offset).
    const std::string in_frame = "{\"symbol\":\"" + s + "\",";
    const std::string_view view(in_frame.data() + 11, s.size());
    ASSERT_EQ(view, s);
    EXPECT_EQ(symbol_slot64(s), symbol_slot64(view)) << s;
    EXPECT_LT(symbol_slot64(s), 64u) << s;
  }
}

TEST(SymbolSlot, SpreadsSymbolsThatDifferInOneLetter) {
  // Symbols differing only in the first, middle or last letter, in each length class.
  std::set<std::size_t> slots;
  const std::vector<std::string> names = {"AAAUSD",      "BAAUSD",     "AAAUSE",  "AAAAUSD",
                                          "AAABUSD",     "AAAAUSE",    "BTCUSDT", "BTCUSDCPERP",
                                          "BTCUSDCPERQ", "ETHUSDCPERP"};
  for (const auto& n : names) slots.insert(symbol_slot64(n));
  EXPECT_GE(slots.size(), names.size() - 3);  // a few may share a slot, not most
}

}  // namespace
}  // namespace rtcrypto
