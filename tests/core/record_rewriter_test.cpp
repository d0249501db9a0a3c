// FieldKey and RecordRewriter: keys that allocate nothing, records rebuilt in place that end
// up exactly as records built afresh.
#include "rtcrypto/core/record_rewriter.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace rtcrypto {
namespace {

TEST(FieldKey, LiteralsAreViewsAndRuntimeNamesAreInterned) {
  FieldKey k = "window_start";
  EXPECT_EQ(k, "window_start");
  EXPECT_EQ(k.size(), 12u);

  std::string name = "volume_";
  name += "BTC";
  FieldKey a(name), b(std::string("volume_BTC"));
  EXPECT_EQ(a, "volume_BTC");
  EXPECT_EQ(a.view().data(), b.view().data());  // one interned copy
  name = "changed";
  EXPECT_EQ(a, "volume_BTC");  // the key does not see its source change
}

// Interned names stay where they are while the table grows (records point at them).
TEST(FieldKey, InternedNamesStayPutWhileManyMoreAreAdded) {
  const std::string_view first = FieldKey::intern("intern_test_first");
  const std::string_view again = FieldKey::intern(std::string("intern_test_") + "first");
  EXPECT_EQ(first.data(), again.data());
  std::vector<std::string_view> more;
  for (int i = 0; i < 2000; ++i)
    more.push_back(FieldKey::intern("intern_test_" + std::to_string(i)));
  EXPECT_EQ(FieldKey::intern("intern_test_first").data(), first.data());
  EXPECT_EQ(first, "intern_test_first");
  for (int i = 0; i < 2000; ++i) {
    EXPECT_EQ(more[i], "intern_test_" + std::to_string(i));
    EXPECT_EQ(FieldKey::intern("intern_test_" + std::to_string(i)).data(), more[i].data());
  }
  EXPECT_NE(more[1].data(), more[10].data());
}

TEST(Record, SetAddAndGetWorkWithKeys) {
  Record r;
  r.add("a", std::int64_t{1}).set("b", 2.5).set("a", std::string("x"));
  r.set("dyn_" + std::string("USD"), true);
  ASSERT_EQ(r.fields.size(), 3u);
  EXPECT_EQ(r.fields[0].first, "a");
  EXPECT_EQ(std::get<std::string>(*r.get("a")), "x");
  EXPECT_EQ(std::get<double>(*r.get("b")), 2.5);
  EXPECT_TRUE(std::get<bool>(*r.get("dyn_USD")));
  EXPECT_EQ(r.get("missing"), nullptr);
}

Record fresh(int variant) {
  Record r;
  r.doc_type = "decision";
  r.symbol = "BTCUSD";
  r.ts = 5;
  r.add("i", std::int64_t{variant});
  r.add("s", variant % 2 ? FieldValue(std::string("a rather long detail text, heap allocated"))
                         : FieldValue{});
  r.add("d", variant % 3 ? FieldValue(decimal_or_throw("1.25")) : FieldValue(0.5));
  r.add("b", variant % 2 == 0);
  if (variant < 3) r.add("tail", std::string("t"));
  return r;
}

void rewrite(Record& r, int variant) {
  RecordRewriter f(r, 5);
  f.put("i", std::int64_t{variant});
  if (variant % 2) {
    f.put_string("s", "a rather long detail text, heap allocated");
  } else {
    f.put("s", std::monostate{});
  }
  if (variant % 3) {
    f.put("d", std::optional<Decimal>(decimal_or_throw("1.25")));
  } else {
    f.put("d", 0.5);
  }
  f.put("b", variant % 2 == 0);
  if (variant < 3) f.put_string("tail", "t");
}

TEST(RecordRewriter, RewrittenRecordEqualsAFreshOne) {
  Record r;
  r.doc_type = "decision";
  r.symbol = "BTCUSD";
  for (int variant : {0, 1, 2, 3, 4, 5, 1, 0, 4}) {
    rewrite(r, variant);
    const Record want = fresh(variant);
    EXPECT_EQ(to_document_json(r, "run"), to_document_json(want, "run")) << variant;
    EXPECT_EQ(r.fields.size(), want.fields.size());
  }
}

TEST(RecordRewriter, StringValueKeepsItsBuffer) {
  Record r;
  {
    RecordRewriter f(r, 1);
    f.put_string("detail", std::string(100, 'x'));
  }
  const char* buffer = std::get<std::string>(r.fields[0].second).data();
  {
    RecordRewriter f(r, 2);
    f.put_string("detail", std::string(90, 'y'));
  }
  EXPECT_EQ(std::get<std::string>(r.fields[0].second), std::string(90, 'y'));
  EXPECT_EQ(std::get<std::string>(r.fields[0].second).data(), buffer);
  EXPECT_EQ(r.ts, 2);
}

TEST(RecordRewriter, StringValueMayBeAPieceOfItself) {
  Record r;
  {
    RecordRewriter f(r, 1);
    f.put_string("detail", "abcdefghijklmnopqrstuvwxyz");
  }
  const std::string& held = std::get<std::string>(r.fields[0].second);
  {
    RecordRewriter f(r, 2);
    f.put_string("detail", std::string_view(held).substr(3, 5));
  }
  EXPECT_EQ(std::get<std::string>(r.fields[0].second), "defgh");
  {
    RecordRewriter f(r, 3);
    f.put_string("detail", "xy");
  }
  EXPECT_EQ(std::get<std::string>(r.fields[0].second), "xy");
}

// The rewriter walks the fields with a cursor: growing past the old end (reallocating the
// fields on the way) and shrinking again must leave exactly the puts, in order.
TEST(RecordRewriter, GrowsAcrossReallocationsAndShrinks) {
  Record r;
  for (int n : {3, 40, 1, 0, 17, 64, 2}) {
    {
      RecordRewriter f(r, n);
      for (int i = 0; i < n; ++i) {
        if (i % 3 == 0) {
          f.put_string("k", std::to_string(i));
        } else {
          f.put("k", std::int64_t{i});
        }
      }
    }
    Record want;
    want.ts = n;
    for (int i = 0; i < n; ++i)
      want.add("k", i % 3 == 0 ? FieldValue(std::to_string(i)) : FieldValue(std::int64_t{i}));
    ASSERT_EQ(r.fields.size(), static_cast<std::size_t>(n));
    EXPECT_EQ(r.ts, n);
    EXPECT_EQ(to_document_json(r, "run"), to_document_json(want, "run")) << n;
  }
}

// same_text is == for every length around its cases, with
// one byte changed anywhere.
TEST(RecordRewriter, SameTextIsEquality) {
  const std::string base = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  for (std::size_t n = 0; n <= 24; ++n) {
    const std::string a = base.substr(0, n);
    EXPECT_TRUE(same_text(a, std::string(a))) << n;
    EXPECT_FALSE(same_text(a, base.substr(0, n + 1))) << n;
    for (std::size_t i = 0; i < n; ++i) {
      std::string b = a;
      b[i] = 'x';
      EXPECT_FALSE(same_text(a, b)) << n << " at " << i;
      EXPECT_EQ(same_text(a, b), std::string_view(a) == std::string_view(b));
    }
  }
}

// rewrite_text is assign for every pair of lengths around copy_text's cases (in place,
// grown, through assign), from strings of any room, and for a piece of the string itself.
TEST(RecordRewriter, RewriteTextIsAssign) {
  const std::string base = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghijklmnopqrstuvwxyz";
  for (std::size_t from = 0; from <= 40; ++from) {
    for (std::size_t to = 0; to <= 40; ++to) {
      for (std::size_t room : {std::size_t{0}, std::size_t{20}, std::size_t{64}}) {
        std::string s = base.substr(from % 7, from);
        s.reserve(room);
        const std::string value = base.substr(to % 5 + 3, to);
        rewrite_text(s, value);
        ASSERT_EQ(s, value) << from << " -> " << to << " room " << room;
        ASSERT_EQ(s.size(), to);
        ASSERT_EQ(s.c_str()[to], '\0');
      }
    }
    std::string s = base.substr(0, from);
    const std::string want = s.substr(from / 3, from / 2);
    rewrite_text(s, std::string_view(s).substr(from / 3, from / 2));  // a piece of itself
    ASSERT_EQ(s, want) << from;
  }
}

}  // namespace
}  // namespace rtcrypto
