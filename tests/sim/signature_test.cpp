#include "rtcrypto/sim/signature.hpp"

#include <gtest/gtest.h>

namespace rtcrypto::sim {
namespace {

// The vectors of ../shared/reference/gemini-rest-and-legacy-ws.md §4.2 and the websocket API §3.
TEST(Signature, DocsVector) {
  const std::string json =
      "{\n    \"request\": \"/v1/order/status\",\n    \"nonce\": 123456,\n\n    \"order_id\": "
      "18834\n}\n";
  const std::string b64 = base64_encode(json);
  EXPECT_EQ(
      b64,
      "ewogICAgInJlcXVlc3QiOiAiL3YxL29yZGVyL3N0YXR1cyIsCiAgICAibm9uY2UiOiAxMjM0NTYsCgogICAgIm9y"
      "ZGVyX2lkIjogMTg4MzQKfQo=");
  EXPECT_EQ(
      hmac_sha384_hex("1234abcd", b64),
      "337cc8b4ea692cfe65b4a85fcc9f042b2e3f702ac956fd098d600ab15705775017beae402be773ceee10719"
      "ff70d710f");
}

TEST(Signature, CcapiVector) {
  const std::string b64 =
      base64_encode(R"({"request":"/v1/order/status","nonce":123456,"order_id":18834})");
  EXPECT_EQ(b64,
            "eyJyZXF1ZXN0IjoiL3YxL29yZGVyL3N0YXR1cyIsIm5vbmNlIjoxMjM0NTYsIm9yZGVyX2lkIjoxODgzNH0=");
  EXPECT_TRUE(verify_signature(
      "3zMnjHV5B1nxsfh6b8Jx7AdHZHiw", b64,
      "7c3929f78a3b4cb6c14c1ca76e851fb095d2aad9a224e0b94a9bca45d0dac6b36e7923d0e4b9469706379ec58924"
      "9783"));
}

TEST(Signature, OrderNewVector) {
  const std::string b64 = base64_encode(
      R"({"request":"/v1/order/new","nonce":1700000000000,"client_order_id":"mm-1","symbol":"btcusd","amount":"0.001","price":"30000.00","side":"buy","type":"exchange limit","options":["maker-or-cancel"]})");
  EXPECT_EQ(hmac_sha384_hex("1234abcd", b64),
            "c580528cd1047dd8be406e6889be5780dd5b5422227a60838306f0a9c0b8ce4d4e2f8fff893cece3cac34"
            "7604f2c55ad");
}

TEST(Signature, WebsocketHandshakeVector) {
  const std::string b64 = base64_encode("1700000000");
  EXPECT_EQ(b64, "MTcwMDAwMDAwMA==");
  EXPECT_EQ(hmac_sha384_hex("secret", b64),
            "22fa03be9bd97fe41399cd35a4294e723ce2a5cded5283bd505d80986e152318d39dfe290ed3c012efdab"
            "79d34dc163c");
}

TEST(Signature, RejectsWrongSecretTamperingAndUppercaseIsFine) {
  const std::string b64 = base64_encode("{\"request\":\"/v1/balances\",\"nonce\":1}");
  std::string sig = hmac_sha384_hex("s3cret", b64);
  EXPECT_TRUE(verify_signature("s3cret", b64, sig));
  EXPECT_FALSE(verify_signature("wrong", b64, sig));
  EXPECT_FALSE(verify_signature("s3cret", b64 + "=", sig));
  EXPECT_FALSE(verify_signature("s3cret", b64, sig.substr(1)));
  for (char& c : sig) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_TRUE(verify_signature("s3cret", b64, sig));
}

TEST(Base64, RoundTripAndStrictDecode) {
  for (std::string s : {"", "a", "ab", "abc", "abcd", "\xff\x00\x10 binary"}) {
    auto d = base64_decode(base64_encode(s));
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(*d, s);
  }
  EXPECT_FALSE(base64_decode("ab$c").has_value());
  EXPECT_FALSE(base64_decode("abcde").has_value());
}

}  // namespace
}  // namespace rtcrypto::sim
