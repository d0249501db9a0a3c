// PayloadSigner (HMAC keyed once) gives exactly what sign_payload gives: the reference
// vectors, and the same answer on every call (the keyed state is copied, never consumed).
#include <gtest/gtest.h>

#include "rtcrypto/net/gemini_auth.hpp"

namespace rtcrypto::net {
namespace {

TEST(PayloadSigner, ReferenceVectors) {
  PayloadSigner ccapi(SecretString("3zMnjHV5B1nxsfh6b8Jx7AdHZHiw"));
  auto s = ccapi.sign(R"({"request":"/v1/order/status","nonce":123456,"order_id":18834})");
  EXPECT_EQ(s.payload,
            "eyJyZXF1ZXN0IjoiL3YxL29yZGVyL3N0YXR1cyIsIm5vbmNlIjoxMjM0NTYsIm9yZGVyX2lkIjoxODgzNH0=");
  EXPECT_EQ(s.signature,
            "7c3929f78a3b4cb6c14c1ca76e851fb095d2aad9a224e0b94a9bca45d0dac6b36e7923d0e4b9469706379e"
            "c589249783");
  PayloadSigner docs(SecretString("1234abcd"));
  auto o = docs.sign(
      R"({"request":"/v1/order/new","nonce":1700000000000,"client_order_id":"mm-1","symbol":"btcusd","amount":"0.001","price":"30000.00","side":"buy","type":"exchange limit","options":["maker-or-cancel"]})");
  EXPECT_EQ(o.signature,
            "c580528cd1047dd8be406e6889be5780dd5b5422227a60838306f0a9c0b8ce4d4e2f8fff893cece3cac347"
            "604f2c55ad");
}

TEST(PayloadSigner, SameAsSignPayloadOnEveryCall) {
  const SecretString secret("a-secret-longer-than-the-sha384-block-" + std::string(200, 'k'));
  PayloadSigner signer(secret);
  std::string json = R"({"request":"/v1/order/new","nonce":)";
  for (int i = 0; i < 50; ++i) {
    std::string m = json + std::to_string(1000 + i) + std::string(i * 7, 'x') + "}";
    SignedPayload a = signer.sign(m);
    SignedPayload b = sign_payload(m, secret);
    EXPECT_EQ(a.payload, b.payload);
    EXPECT_EQ(a.signature, b.signature) << i;
  }
  EXPECT_EQ(signer.sign("{}").signature, signer.sign("{}").signature);
}

// sign_into over one SignedPayload reused for messages growing and shrinking (as the REST
// client's order buffers are): each answer is the one-shot answer, nothing left over.
TEST(PayloadSigner, SignIntoReusedBuffersMatchesSignPayload) {
  const SecretString secret("1234abcd");
  PayloadSigner signer(secret);
  SignedPayload reused;
  for (int len : {300, 10, 1, 0, 2, 3, 150, 4, 299}) {
    const std::string m(static_cast<std::size_t>(len), static_cast<char>('a' + len % 26));
    signer.sign_into(m, reused);
    SignedPayload b = sign_payload(m, secret);
    EXPECT_EQ(reused.payload, b.payload) << len;
    EXPECT_EQ(reused.signature, b.signature) << len;
  }
  std::string out = "stale bytes";
  write_base64(out, "Man");
  EXPECT_EQ(out, "TWFu");
  write_base64(out, "");
  EXPECT_EQ(out, "");
}

// Keys at the edges of the SHA-384 block (128 bytes): shorter keys are zero-padded, longer
// ones hashed first.
TEST(PayloadSigner, KeysAroundTheBlockSize) {
  for (std::size_t n : {0, 1, 127, 128, 129, 300}) {
    const SecretString secret(std::string(n, 'q'));
    PayloadSigner signer(secret);
    const std::string m = R"({"request":"/v1/balances","nonce":42})";
    EXPECT_EQ(signer.sign(m).signature, sign_payload(m, secret).signature) << n;
  }
}

}  // namespace
}  // namespace rtcrypto::net
