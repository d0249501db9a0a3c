#pragma once
// A test strategy that wants to buy at the best ask on every decision, so that only the
// engine's guards (risk, the in-flight rule, the book's state) decide whether an order goes out.
#include <optional>
#include <string>

#include "rtcrypto/strategy/strategy.hpp"

namespace rtcrypto {

class AlwaysBuy final : public Strategy {
 public:
  // A fixed size, or (none) the symbol's minimum order size.
  explicit AlwaysBuy(std::optional<Decimal> amount = std::nullopt) : amount_(amount) {}

  Decision decide(const StrategyInput& in) override {
    Decision d;
    auto ask = in.book.best_ask();
    if (!ask) {
      d.reason = "no_ask";
      return d;
    }
    d.action = Action::Buy;
    d.reason = "buy";
    d.detail = "always buy";
    OrderRequest r;
    r.symbol = std::string(in.window.symbol);
    r.side = OrderSide::Buy;
    r.amount = amount_ ? *amount_ : in.rules.min_order_size;
    r.price = ask->price;
    d.order = r;
    return d;
  }
  std::string name() const override { return "always_buy"; }

 private:
  std::optional<Decimal> amount_;
};

}  // namespace rtcrypto
