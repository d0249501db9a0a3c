#include "rtcrypto/net/gemini_auth.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "test_support.hpp"

namespace rtcrypto::net {
namespace {

TEST(GeminiAuth, DocsVectorWithWhitespace) {
  std::string json =
      "{\n    \"request\": \"/v1/order/status\",\n    \"nonce\": 123456,\n\n    \"order_id\": "
      "18834\n}\n";
  auto s = sign_payload(json, SecretString("1234abcd"));
  EXPECT_EQ(s.payload,
            "ewogICAgInJlcXVlc3QiOiAiL3YxL29yZGVyL3N0YXR1cyIsCiAgICAibm9uY2UiOiAxMjM0NTYsCgogICAgIm"
            "9yZGVyX2lkIjogMTg4MzQKfQo=");
  EXPECT_EQ(s.signature,
            "337cc8b4ea692cfe65b4a85fcc9f042b2e3f702ac956fd098d600ab15705775017beae402be773ceee1071"
            "9ff70d710f");
}

TEST(GeminiAuth, CcapiVector) {
  auto s = sign_payload(R"({"request":"/v1/order/status","nonce":123456,"order_id":18834})",
                        SecretString("3zMnjHV5B1nxsfh6b8Jx7AdHZHiw"));
  EXPECT_EQ(s.payload,
            "eyJyZXF1ZXN0IjoiL3YxL29yZGVyL3N0YXR1cyIsIm5vbmNlIjoxMjM0NTYsIm9yZGVyX2lkIjoxODgzNH0=");
  EXPECT_EQ(s.signature,
            "7c3929f78a3b4cb6c14c1ca76e851fb095d2aad9a224e0b94a9bca45d0dac6b36e7923d0e4b9469706379e"
            "c589249783");
}

TEST(GeminiAuth, OrderNewVector) {
  auto s = sign_payload(
      R"({"request":"/v1/order/new","nonce":1700000000000,"client_order_id":"mm-1","symbol":"btcusd","amount":"0.001","price":"30000.00","side":"buy","type":"exchange limit","options":["maker-or-cancel"]})",
      SecretString("1234abcd"));
  EXPECT_EQ(s.signature,
            "c580528cd1047dd8be406e6889be5780dd5b5422227a60838306f0a9c0b8ce4d4e2f8fff893cece3cac347"
            "604f2c55ad");
}

TEST(GeminiAuth, WebsocketHandshakeVector) {
  // The new API signs base64(nonce digits) — same primitive.
  EXPECT_EQ(base64_encode("1700000000"), "MTcwMDAwMDAwMA==");
  EXPECT_EQ(hmac_sha384_hex(SecretString("secret"), "MTcwMDAwMDAwMA=="),
            "22fa03be9bd97fe41399cd35a4294e723ce2a5cded5283bd505d80986e152318d39dfe290ed3c012efdab7"
            "9d34dc163c");
}

TEST(GeminiAuth, Base64Padding) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("a"), "YQ==");
  EXPECT_EQ(base64_encode("ab"), "YWI=");
  EXPECT_EQ(base64_encode("abc"), "YWJj");
  std::string longer(200, 'x');
  EXPECT_EQ(base64_encode(longer).find('\n'), std::string::npos);
}

TEST(GeminiAuth, SecretNeverPrints) {
  ApiCredentials c;
  c.key = "account-abcdefghijklmnop";
  c.secret = SecretString("SUPERSECRETVALUE");
  EXPECT_EQ(c.secret.to_string(), "<redacted>");
  std::string s = c.to_string();
  EXPECT_EQ(s.find("SUPERSECRETVALUE"), std::string::npos);
  EXPECT_NE(s.find("<redacted>"), std::string::npos);
  SecretString moved = std::move(c.secret);
  EXPECT_TRUE(c.secret.empty());  // NOLINT: moved-from is wiped on purpose
  EXPECT_EQ(moved.reveal(), "SUPERSECRETVALUE");
}

TEST(NonceSource, StrictlyIncreasingWithFrozenClock) {
  TimeNs now = 1'700'000'000'000'000'000;
  NonceSource n(NonceUnit::Microseconds, 0, {}, [&] { return now; });
  std::int64_t prev = n.next();
  EXPECT_EQ(prev, now / 1000);
  for (int i = 0; i < 1000; ++i) {
    std::int64_t x = n.next();
    ASSERT_GT(x, prev);
    prev = x;
  }
  now -= 5 * kNsPerSec;  // clock steps back: still increasing
  EXPECT_GT(n.next(), prev);
}

TEST(NonceSource, Units) {
  TimeNs now = 1'700'000'000'123'456'789;
  EXPECT_EQ(NonceSource(NonceUnit::Seconds, 0, {}, [&] { return now; }).next(), 1'700'000'000);
  EXPECT_EQ(NonceSource(NonceUnit::Milliseconds, 0, {}, [&] { return now; }).next(),
            1'700'000'000'123);
  EXPECT_EQ(parse_nonce_unit("s"), NonceUnit::Seconds);
  EXPECT_EQ(parse_nonce_unit("us"), NonceUnit::Microseconds);
  EXPECT_FALSE(parse_nonce_unit("minutes"));
}

TEST(NonceSource, PersistsAheadAndSurvivesRestartWithClockBehind) {
  test::TempDir dir;
  std::string file = (dir / "nonce").string();
  TimeNs now = 1'700'000'000'000'000'000;
  std::int64_t last = 0;
  int writes = 0;
  {
    NonceSource n(
        NonceUnit::Microseconds, load_nonce_high_water(file),
        [&](std::int64_t hw) {
          ++writes;
          save_nonce_high_water(file, hw);
        },
        [&] { return now; }, /*reserve=*/1000);
    for (int i = 0; i < 2500; ++i) last = n.next();
  }
  EXPECT_EQ(writes, 3);  // once per 1000 nonces, not per request
  std::int64_t hw = load_nonce_high_water(file);
  EXPECT_GE(hw, last);
  now -= 60 * kNsPerSec;  // restarted with a clock one minute behind
  NonceSource again(NonceUnit::Microseconds, hw, {}, [&] { return now; });
  EXPECT_GT(again.next(), last);
}

TEST(NonceSource, MissingFileIsZeroBadFileThrows) {
  test::TempDir dir;
  EXPECT_EQ(load_nonce_high_water((dir / "none").string()), 0);
  std::ofstream((dir / "bad").string()) << "garbage";
  EXPECT_THROW(load_nonce_high_water((dir / "bad").string()), std::runtime_error);
}

}  // namespace
}  // namespace rtcrypto::net
