#pragma once
// Minimal URL split for the endpoints we talk to: scheme://host[:port][/path][?query].
#include <optional>
#include <string>
#include <string_view>

namespace rtcrypto::net {

struct Url {
  std::string scheme;  // "https", "wss", "http", "ws"
  std::string host;    // without brackets for IPv6 literals
  std::string port;    // defaulted from the scheme when absent
  std::string target;  // path + query, "/" when empty
  bool tls() const { return scheme == "https" || scheme == "wss"; }
  // "host:port" as used in a Host header (port omitted when it is the default).
  std::string host_header() const;
  // Path prefix without the query ("" for "/").
  std::string path_prefix() const;
};

// nullopt when the text is not an http(s)/ws(s) URL with a host.
std::optional<Url> parse_url(std::string_view text);

// True when `host` is an IPv4 or IPv6 literal (no SNI is sent for those).
bool is_ip_literal(std::string_view host);

}  // namespace rtcrypto::net
