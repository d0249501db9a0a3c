#pragma once
// The part of a paper account that must survive a restart: balances (totals; holds are
// derived from the open orders), the open orders, and the order id counter.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rtcrypto/exec/exchange.hpp"
#include "rtcrypto/paper/paper_config.hpp"

namespace rtcrypto {

struct PaperOpenOrder {
  Order order;
  Decimal executed_notional;  // Σ price × amount of its fills, for an exact average price
};

struct PaperState {
  PaperBalances balances;                   // currency -> total amount, sorted by currency
  std::vector<PaperOpenOrder> open_orders;  // by order id
  std::uint64_t next_order_id = 1;
};

// One JSON object: {"version":1,"next_order_id":N,"balances":{"USD":"99.5",...},
// "open_orders":[{Gemini order fields as strings..., "fee", "executed_notional"}]}.
std::string to_json(const PaperState& state);
// Throws std::invalid_argument naming the key on malformed input.
PaperState paper_state_from_json(std::string_view json);

}  // namespace rtcrypto
