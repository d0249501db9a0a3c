#include "rtcrypto/net/url.hpp"

#include <arpa/inet.h>

#include <algorithm>

namespace rtcrypto::net {

std::optional<Url> parse_url(std::string_view text) {
  Url u;
  auto sep = text.find("://");
  if (sep == std::string_view::npos) return std::nullopt;
  u.scheme = std::string(text.substr(0, sep));
  std::transform(u.scheme.begin(), u.scheme.end(), u.scheme.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  if (u.scheme != "https" && u.scheme != "http" && u.scheme != "wss" && u.scheme != "ws")
    return std::nullopt;
  std::string_view rest = text.substr(sep + 3);
  auto path_at = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, path_at);
  std::string_view target = path_at == std::string_view::npos ? "/" : rest.substr(path_at);
  if (authority.empty()) return std::nullopt;
  if (authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    u.host = std::string(authority.substr(1, close - 1));
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return std::nullopt;
      u.port = std::string(authority.substr(close + 2));
    }
  } else {
    auto colon = authority.rfind(':');
    u.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) u.port = std::string(authority.substr(colon + 1));
  }
  if (u.host.empty()) return std::nullopt;
  if (u.port.empty()) u.port = u.tls() ? "443" : "80";
  if (!std::all_of(u.port.begin(), u.port.end(), [](unsigned char c) { return std::isdigit(c); }))
    return std::nullopt;
  u.target = target.front() == '?' ? "/" + std::string(target) : std::string(target);
  return u;
}

std::string Url::host_header() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (port != (tls() ? "443" : "80")) h += ":" + port;
  return h;
}

std::string Url::path_prefix() const {
  std::string p = target.substr(0, target.find('?'));
  while (!p.empty() && p.back() == '/') p.pop_back();
  return p;
}

bool is_ip_literal(std::string_view host) {
  std::string h(host);
  unsigned char buf[16];
  return inet_pton(AF_INET, h.c_str(), buf) == 1 || inet_pton(AF_INET6, h.c_str(), buf) == 1;
}

}  // namespace rtcrypto::net
