#pragma once
// A throw-away certificate authority and a server certificate it signed (CN 127.0.0.1, SAN
// IP:127.0.0.1 and DNS:localhost), made with OpenSSL at start so clients can verify the sim
// with host-name checks on, trusting only ca.pem.
#include <string>

namespace rtcrypto::sim {

struct TlsIdentity {
  std::string ca_cert_pem;
  std::string server_cert_pem;
  std::string server_key_pem;
};

// EC P-256 keys, valid from an hour ago for 30 days. Throws std::runtime_error on failure.
TlsIdentity make_tls_identity();

}  // namespace rtcrypto::sim
