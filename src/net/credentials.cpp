#include "rtcrypto/net/credentials.hpp"

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace rtcrypto::net {
namespace {
std::string trim(std::string s) {
  auto b = s.find_first_not_of(" \t\r\n");
  auto e = s.find_last_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  s = s.substr(b, e - b + 1);
  if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front())
    s = s.substr(1, s.size() - 2);
  return s;
}

void set_unit(ApiCredentials& c, const std::string& v, const std::string& file) {
  if (v.empty()) return;
  auto u = parse_nonce_unit(v);
  if (!u) throw CredentialsError(file + ": nonce must be us, ms or s");
  c.nonce_unit = *u;
}
}  // namespace

ApiCredentials read_credentials_file(const std::string& file) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0)
    throw CredentialsError("credentials file " + file + " not found");
  if (!S_ISREG(st.st_mode))
    throw CredentialsError("credentials file " + file + " is not a regular file");
  if ((st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    throw CredentialsError("credentials file " + file + " has mode " + mode +
                           "; refusing it (chmod 600 " + file + ")");
  }
  std::ifstream in(file);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  ApiCredentials c;
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_discarded() && j.is_object()) {
    auto get = [&](std::initializer_list<const char*> names) {
      for (const char* n : names)
        if (j.contains(n) && j[n].is_string()) return j[n].get<std::string>();
      return std::string();
    };
    c.key = get({"key", "api_key", "GEMINI_API_KEY"});
    c.secret = SecretString(get({"secret", "api_secret", "GEMINI_API_SECRET"}));
    c.account = get({"account", "GEMINI_ACCOUNT"});
    set_unit(c, get({"nonce", "nonce_unit", "GEMINI_NONCE"}), file);
  } else {
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
      line = trim(line);
      if (line.empty() || line[0] == '#') continue;
      if (line.rfind("export ", 0) == 0) line = line.substr(7);
      auto eq = line.find('=');
      if (eq == std::string::npos)
        throw CredentialsError(file + ": expected KEY=VALUE lines or JSON");
      std::string k = trim(line.substr(0, eq));
      std::string v = trim(line.substr(eq + 1));
      if (k == "GEMINI_API_KEY" || k == "key")
        c.key = v;
      else if (k == "GEMINI_API_SECRET" || k == "secret")
        c.secret = SecretString(v);
      else if (k == "GEMINI_ACCOUNT" || k == "account")
        c.account = v;
      else if (k == "GEMINI_NONCE" || k == "nonce")
        set_unit(c, v, file);
    }
  }
  if (c.key.empty()) throw CredentialsError(file + ": no API key (key / GEMINI_API_KEY)");
  if (c.secret.empty())
    throw CredentialsError(file + ": no API secret (secret / GEMINI_API_SECRET)");
  return c;
}

std::optional<ApiCredentials> load_credentials(const std::string& file) {
  if (!file.empty()) return read_credentials_file(file);
  const char* key = std::getenv("GEMINI_API_KEY");
  const char* secret = std::getenv("GEMINI_API_SECRET");
  if (!key || !*key) {
    if (secret && *secret)
      throw CredentialsError("GEMINI_API_SECRET is set but GEMINI_API_KEY is not");
    return std::nullopt;
  }
  if (!secret || !*secret)
    throw CredentialsError("GEMINI_API_KEY is set but GEMINI_API_SECRET is not");
  ApiCredentials c;
  c.key = key;
  c.secret = SecretString(secret);
  if (const char* acct = std::getenv("GEMINI_ACCOUNT")) c.account = acct;
  if (const char* unit = std::getenv("GEMINI_NONCE"); unit && *unit)
    set_unit(c, unit, "GEMINI_NONCE");
  return c;
}

}  // namespace rtcrypto::net
