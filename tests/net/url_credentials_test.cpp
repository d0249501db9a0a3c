#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>

#include "rtcrypto/net/credentials.hpp"
#include "rtcrypto/net/url.hpp"
#include "test_support.hpp"

namespace rtcrypto::net {
namespace {

TEST(Url, Parses) {
  auto u = parse_url("wss://127.0.0.1:18443");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->host, "127.0.0.1");
  EXPECT_EQ(u->port, "18443");
  EXPECT_EQ(u->target, "/");
  EXPECT_EQ(u->path_prefix(), "");
  EXPECT_EQ(u->host_header(), "127.0.0.1:18443");
  auto g = parse_url("https://api.gemini.com/prefix/?x=1");
  ASSERT_TRUE(g);
  EXPECT_EQ(g->port, "443");
  EXPECT_EQ(g->host_header(), "api.gemini.com");
  EXPECT_EQ(g->path_prefix(), "/prefix");
  auto v6 = parse_url("wss://[::1]:9000/x");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_TRUE(is_ip_literal(v6->host));
  EXPECT_FALSE(is_ip_literal("api.gemini.com"));
  EXPECT_FALSE(parse_url("ftp://x"));
  EXPECT_FALSE(parse_url("https://"));
  EXPECT_FALSE(parse_url("https://host:abc"));
}

TEST(Credentials, FileMustBeOwnerOnly) {
  test::TempDir dir;
  std::string f = (dir / "creds.json").string();
  std::ofstream(f) << R"({"key":"account-k1","secret":"TOPSECRET","nonce":"s"})";
  ::chmod(f.c_str(), 0644);
  try {
    read_credentials_file(f);
    FAIL() << "a world-readable file was accepted";
  } catch (const CredentialsError& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("0644"), std::string::npos);
    EXPECT_EQ(m.find("TOPSECRET"), std::string::npos);
  }
  ::chmod(f.c_str(), 0600);
  ApiCredentials c = read_credentials_file(f);
  EXPECT_EQ(c.key, "account-k1");
  EXPECT_EQ(c.secret.reveal(), "TOPSECRET");
  EXPECT_EQ(c.nonce_unit, NonceUnit::Seconds);
}

TEST(Credentials, EnvLinesAndEnvironment) {
  test::TempDir dir;
  std::string f = (dir / "creds.env").string();
  std::ofstream(f) << "# sandbox key\nexport GEMINI_API_KEY=k2\nGEMINI_API_SECRET=\"s2\"\n";
  ::chmod(f.c_str(), 0600);
  auto c = load_credentials(f);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->key, "k2");
  EXPECT_EQ(c->secret.reveal(), "s2");

  std::string missing = (dir / "nosecret").string();
  std::ofstream(missing) << "GEMINI_API_KEY=k3\n";
  ::chmod(missing.c_str(), 0600);
  EXPECT_THROW(load_credentials(missing), CredentialsError);

  ::setenv("GEMINI_API_KEY", "envkey", 1);
  ::setenv("GEMINI_API_SECRET", "envsecret", 1);
  auto e = load_credentials();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->key, "envkey");
  ::unsetenv("GEMINI_API_SECRET");
  EXPECT_THROW(load_credentials(), CredentialsError);
  ::unsetenv("GEMINI_API_KEY");
  EXPECT_FALSE(load_credentials());
}

}  // namespace
}  // namespace rtcrypto::net
