#pragma once
// Seeded synthetic order flow for the simulator: a mid-price random walk (or a path of minute
// closes to follow), a market maker that keeps a realistic ladder of resting orders around the
// mid, random adds and cancels, and takers that trade through the top of the book. Everything
// goes through the matching engine under one unlimited "market" account, so accounts' orders
// meet the same flow. Also keeps the minute candles (history before the start + live minutes).
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "rtcrypto/core/time.hpp"
#include "rtcrypto/sim/matching_engine.hpp"
#include "rtcrypto/sim/sim_config.hpp"

namespace rtcrypto::sim {

struct Candle {
  TimeNs ts = 0;  // minute open time
  double open = 0, high = 0, low = 0, close = 0, volume = 0;
};

// Minute candles of one symbol: generated history, then minutes built from the live mid path
// and trades.
class CandleSeries {
 public:
  void set_history(std::vector<Candle> oldest_first) { minutes_ = std::move(oldest_first); }
  void on_price(TimeNs ts, double price, double volume);
  // Newest first, like Gemini's /v2/candles.
  std::vector<Candle> newest_first(std::size_t limit = 100000) const;
  std::size_t size() const { return minutes_.size(); }

 private:
  std::vector<Candle> minutes_;  // oldest first
};

class SyntheticMarket {
 public:
  static constexpr const char* kMarketAccount = "__market__";

  // Registers the market account in `engine`; generates each symbol's candle history ending
  // at `start` with the configured start price.
  SyntheticMarket(MatchingEngine& engine, const SimConfig& config, TimeNs start);

  // Places the initial ladders (call once, before the first step).
  void seed_books();
  // Moves the market forward to market time `now`.
  void step(TimeNs now);
  // Feeds a trade into the candles (the server calls this for every engine trade).
  void on_trade(const std::string& symbol, TimeNs ts, double price, double amount);

  double mid(const std::string& symbol) const;
  const CandleSeries& candles(const std::string& symbol) const;

 private:
  struct State {
    const SymbolInfo* info = nullptr;
    double mid = 0;
    double walk = 0;  // the random walk before the cycle (equal to mid when no cycle)
    std::mt19937_64 rng;
    CandleSeries candles;
  };
  void place(State& s, Side side, double price, double size, TimeInForce tif);
  void ladder(State& s, Side side, int levels);
  double target_mid(State& s, TimeNs now, double dt_min);
  double cycle_log(TimeNs t) const;  // the cycle's log offset at market time t (0 when off)

  MatchingEngine& engine_;
  const SimConfig& config_;
  TimeNs start_;
  TimeNs last_ = 0;
  std::map<std::string, State> states_;
};

}  // namespace rtcrypto::sim
