#include "rtcrypto/paper/paper_config.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace rtcrypto {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

PaperBalances parse_paper_balances(std::string_view text) {
  PaperBalances out;
  if (trim(text).empty()) throw std::invalid_argument("paper balances: empty");
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t comma = text.find(',', pos);
    if (comma == std::string_view::npos) comma = text.size();
    std::string_view item = trim(text.substr(pos, comma - pos));
    pos = comma + 1;
    const std::string shown(item);
    std::size_t eq = item.find('=');
    if (eq == std::string_view::npos)
      throw std::invalid_argument("paper balances: '" + shown + "' is not CURRENCY=AMOUNT");
    std::string_view cur = trim(item.substr(0, eq));
    std::string_view amount = trim(item.substr(eq + 1));
    if (cur.empty() || !std::all_of(cur.begin(), cur.end(), [](char c) {
          return std::isalnum(static_cast<unsigned char>(c));
        }))
      throw std::invalid_argument("paper balances: bad currency in '" + shown + "'");
    auto value = Decimal::parse(amount);
    if (!value) throw std::invalid_argument("paper balances: bad amount in '" + shown + "'");
    if (value->is_negative())
      throw std::invalid_argument("paper balances: negative amount in '" + shown + "'");
    std::string currency(cur);
    for (char& c : currency) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    for (const auto& [c, v] : out)
      if (c == currency)
        throw std::invalid_argument("paper balances: currency " + currency + " given twice");
    out.emplace_back(std::move(currency), *value);
  }
  return out;
}

}  // namespace rtcrypto
