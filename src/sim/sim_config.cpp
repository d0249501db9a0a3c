#include "rtcrypto/sim/sim_config.hpp"

#include <stdexcept>

#include "rtcrypto/core/types.hpp"

namespace rtcrypto::sim {

namespace {
std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    const auto pos = s.find(sep, start);
    out.push_back(s.substr(start, pos == std::string_view::npos ? s.npos : pos - start));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  return out;
}
}  // namespace

AccountSpec parse_account_spec(std::string_view text) {
  const auto parts = split(text, ':');
  if (parts.size() < 3 || parts.size() > 4 || parts[0].empty() || parts[1].empty()) {
    throw std::invalid_argument(
        "--account wants KEY:SECRET:CUR=AMOUNT,... (optionally :roles=...)");
  }
  AccountSpec a;
  a.key = std::string(parts[0]);
  a.secret = std::string(parts[1]);
  if (!parts[2].empty()) {
    for (auto item : split(parts[2], ',')) {
      const auto eq = item.find('=');
      if (eq == std::string_view::npos) {
        throw std::invalid_argument("--account for key " + a.key + ": balance '" +
                                    std::string(item) + "' is not CUR=AMOUNT");
      }
      auto amount = Decimal::parse(item.substr(eq + 1));
      if (!amount || amount->is_negative() || eq == 0) {
        throw std::invalid_argument("--account for key " + a.key + ": bad balance '" +
                                    std::string(item) + "'");
      }
      a.balances[normalize_symbol(item.substr(0, eq))] = *amount;
    }
  }
  if (parts.size() == 4) {
    std::string_view roles = parts[3];
    if (roles.substr(0, 6) != "roles=") {
      throw std::invalid_argument("--account for key " + a.key + ": 4th field must be roles=...");
    }
    a.trader = a.auditor = a.fund_manager = false;
    for (auto r : split(roles.substr(6), '+')) {
      if (r == "trader") {
        a.trader = true;
      } else if (r == "auditor") {
        a.auditor = true;
      } else if (r == "fundmanager") {
        a.fund_manager = true;
      } else if (!r.empty()) {
        throw std::invalid_argument("--account for key " + a.key + ": unknown role '" +
                                    std::string(r) + "' (trader, auditor, fundmanager)");
      }
    }
  }
  return a;
}

double default_start_price(std::string_view symbol) {
  const std::string s = normalize_symbol(symbol);
  if (s.rfind("BTC", 0) == 0) return 60000.0;
  if (s.rfind("ETH", 0) == 0) return 3000.0;
  if (s.rfind("SOL", 0) == 0) return 150.0;
  return 100.0;
}

}  // namespace rtcrypto::sim
