#include "rtcrypto/sim/synthetic_market.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <numbers>
#include <stdexcept>

namespace rtcrypto::sim {

void CandleSeries::on_price(TimeNs ts, double price, double volume) {
  const TimeNs minute = floor_to_period(ts, kNsPerMin);
  if (minutes_.empty() || minutes_.back().ts < minute) {
    const double open = minutes_.empty() ? price : minutes_.back().close;
    minutes_.push_back(
        Candle{minute, open, std::max(open, price), std::min(open, price), price, 0});
  }
  Candle& c = minutes_.back();
  if (c.ts != minute) return;  // a late price for an older minute: ignore
  c.high = std::max(c.high, price);
  c.low = std::min(c.low, price);
  c.close = price;
  c.volume += volume;
}

std::vector<Candle> CandleSeries::newest_first(std::size_t limit) const {
  std::vector<Candle> out;
  for (auto it = minutes_.rbegin(); it != minutes_.rend() && out.size() < limit; ++it) {
    out.push_back(*it);
  }
  return out;
}

SyntheticMarket::SyntheticMarket(MatchingEngine& engine, const SimConfig& config, TimeNs start)
    : engine_(engine), config_(config), start_(start), last_(start) {
  engine_.add_account(kMarketAccount, {}, true);
  for (const auto& info : engine_.symbols()) {
    State s;
    s.info = engine_.symbol(info.symbol);
    s.rng.seed(config.seed * 0x9E3779B97F4A7C15ULL + std::hash<std::string>{}(info.symbol));
    double start_price = default_start_price(info.symbol);
    if (auto it = config.start_prices.find(info.symbol); it != config.start_prices.end()) {
      start_price = it->second;
    }
    if (!config.follow_closes.empty()) start_price = config.follow_closes.front();
    s.mid = start_price;
    s.walk = start_price * std::exp(-cycle_log(start));

    // History: a walk of the same process whose last close is the start price.
    const int minutes = std::max(0, config.history_minutes);
    constexpr int kSub = 12;
    std::normal_distribution<double> n01(0.0, 1.0);
    std::vector<double> rets(static_cast<std::size_t>(minutes) * kSub);
    const double sub_vol = config.flow.vol_per_minute / std::sqrt(double(kSub));
    for (auto& r : rets) r = sub_vol * n01(s.rng);
    double log_p = std::log(s.walk);
    for (auto r : rets) log_p -= r;  // walk at the start of the history
    std::vector<Candle> hist;
    hist.reserve(minutes);
    const double tick = info.quote_increment.to_double();
    auto round_tick = [&](double p) { return std::round(p / tick) * tick; };
    std::lognormal_distribution<double> vol_noise(0.0, 0.5);
    for (int m = 0; m < minutes; ++m) {
      Candle c;
      c.ts = floor_to_period(start, kNsPerMin) - (minutes - m) * kNsPerMin;
      c.open = round_tick(std::exp(log_p + cycle_log(c.ts)));
      c.high = c.low = c.open;
      double p = c.open;
      for (int k = 0; k < kSub; ++k) {
        log_p += rets[static_cast<std::size_t>(m) * kSub + k];
        p = round_tick(std::exp(log_p + cycle_log(c.ts + (k + 1) * kNsPerMin / kSub)));
        c.high = std::max(c.high, p);
        c.low = std::min(c.low, p);
      }
      c.close = p;
      c.volume = config.flow.trade_rate * 60 * config.flow.mean_size * vol_noise(s.rng);
      hist.push_back(c);
    }
    s.candles.set_history(std::move(hist));
    states_.emplace(info.symbol, std::move(s));
  }
}

double SyntheticMarket::cycle_log(TimeNs t) const {
  const FlowParams& f = config_.flow;
  if (f.cycle_minutes <= 0 || f.cycle_bps == 0) return 0.0;
  // The phase from the epoch, like Prophet's Fourier terms, so a fitted seasonality lines up.
  const double minutes = std::fmod(double(t) / double(kNsPerMin), f.cycle_minutes);
  return f.cycle_bps * 1e-4 * std::sin(2.0 * std::numbers::pi * minutes / f.cycle_minutes);
}

double SyntheticMarket::mid(const std::string& symbol) const {
  auto it = states_.find(normalize_symbol(symbol));
  return it == states_.end() ? 0.0 : it->second.mid;
}

const CandleSeries& SyntheticMarket::candles(const std::string& symbol) const {
  auto it = states_.find(normalize_symbol(symbol));
  if (it == states_.end()) throw std::out_of_range("unknown symbol " + symbol);
  return it->second.candles;
}

void SyntheticMarket::on_trade(const std::string& symbol, TimeNs ts, double price, double amount) {
  auto it = states_.find(symbol);
  if (it != states_.end()) it->second.candles.on_price(ts, price, amount);
}

void SyntheticMarket::place(State& s, Side side, double price, double size, TimeInForce tif) {
  const SymbolInfo& info = *s.info;
  if (price <= 0) return;
  auto p = Decimal::from_double(price, info.price_digits);
  auto q = Decimal::from_double(size, info.qty_digits);
  if (!p || !q) return;
  NewOrder o;
  o.account = kMarketAccount;
  o.symbol = info.symbol;
  o.side = side == Side::Bid ? OrderSide::Buy : OrderSide::Sell;
  o.price =
      side == Side::Bid ? p->floor_to(info.quote_increment) : p->ceil_to(info.quote_increment);
  o.amount = max(q->floor_to(info.tick_size), info.min_order_size);
  o.tif = tif;
  engine_.place(o);
}

void SyntheticMarket::ladder(State& s, Side side, int levels) {
  const double half =
      std::max(s.info->quote_increment.to_double(), s.mid * config_.flow.half_spread_bps / 1e4);
  std::exponential_distribution<double> gap(1.0 / (config_.flow.level_gap_bps * 1e-4 * s.mid));
  std::exponential_distribution<double> size(1.0 / config_.flow.mean_size);
  double dist = half;
  for (int i = 0; i < levels; ++i) {
    const double price = side == Side::Bid ? s.mid - dist : s.mid + dist;
    place(s, side, price, size(s.rng) * (1.0 + i * 0.15), TimeInForce::GoodTillCancel);
    dist += gap(s.rng);
  }
}

void SyntheticMarket::seed_books() {
  for (auto& [sym, s] : states_) {
    ladder(s, Side::Bid, config_.flow.levels_per_side);
    ladder(s, Side::Ask, config_.flow.levels_per_side);
    s.candles.on_price(start_, s.mid, 0);
  }
}

double SyntheticMarket::target_mid(State& s, TimeNs now, double dt_min) {
  std::normal_distribution<double> n01(0.0, 1.0);
  const auto& closes = config_.follow_closes;
  if (closes.empty()) {
    s.walk *= std::exp(config_.flow.vol_per_minute * std::sqrt(dt_min) * n01(s.rng));
    return s.walk * std::exp(cycle_log(now));
  }
  // Follow the closes: interpolate inside the minute, plus a little noise.
  const double minutes = double(now - start_) / double(kNsPerMin);
  const auto k = static_cast<std::size_t>(std::max(0.0, minutes));
  const double a = closes[std::min(k, closes.size() - 1)];
  const double b = closes[std::min(k + 1, closes.size() - 1)];
  const double frac = minutes - std::floor(minutes);
  return (a + (b - a) * frac) * std::exp(0.1 * config_.flow.vol_per_minute * n01(s.rng));
}

void SyntheticMarket::step(TimeNs now) {
  if (now <= last_) return;
  const double dt_s = double(now - last_) / double(kNsPerSec);
  const double dt_min = dt_s / 60.0;
  last_ = now;
  const FlowParams& f = config_.flow;
  for (auto& [sym, s] : states_) {
    const double prev = s.mid;
    s.mid = target_mid(s, now, dt_min);
    const double tick = s.info->quote_increment.to_double();
    const double half = std::max(tick, s.mid * f.half_spread_bps / 1e4);
    const double bid_edge = s.mid - half;
    const double ask_edge = s.mid + half;

    // The maker steps back from a mid that moved through its quotes.
    for (auto id : engine_.resting_ids(kMarketAccount, sym, Side::Bid)) {
      const SimOrder* o = engine_.resting(id);
      if (o && o->price.to_double() > bid_edge) engine_.cancel(kMarketAccount, id);
    }
    for (auto id : engine_.resting_ids(kMarketAccount, sym, Side::Ask)) {
      const SimOrder* o = engine_.resting(id);
      if (o && o->price.to_double() < ask_edge) engine_.cancel(kMarketAccount, id);
    }

    std::exponential_distribution<double> size(1.0 / f.mean_size);
    std::exponential_distribution<double> depth(1.0 / (f.level_gap_bps * 1e-4 * s.mid * 4));
    std::uniform_real_distribution<double> u01(0.0, 1.0);

    // Refill a thin side near the top.
    for (Side side : {Side::Bid, Side::Ask}) {
      const int have = static_cast<int>(engine_.book(sym).depth(side));
      if (have < f.levels_per_side / 2) ladder(s, side, f.levels_per_side / 2 - have + 2);
    }

    // Takers first (they lean with the move), then adds and cancels.
    std::poisson_distribution<int> trades(f.trade_rate * dt_s);
    const double lean = std::clamp((s.mid - prev) / (prev * f.vol_per_minute + 1e-12), -2.0, 2.0);
    for (int n = trades(s.rng); n > 0; --n) {
      const bool buy = u01(s.rng) < 0.5 + 0.15 * lean;
      const double px = buy ? ask_edge * 1.002 : bid_edge * 0.998;
      place(s, buy ? Side::Bid : Side::Ask, px, size(s.rng) * 0.5, TimeInForce::ImmediateOrCancel);
    }
    std::poisson_distribution<int> adds(f.add_rate * dt_s);
    for (int n = adds(s.rng); n > 0; --n) {
      const Side side = u01(s.rng) < 0.5 ? Side::Bid : Side::Ask;
      const double d = depth(s.rng);
      place(s, side, side == Side::Bid ? bid_edge - d : ask_edge + d, size(s.rng),
            TimeInForce::GoodTillCancel);
    }
    std::poisson_distribution<int> cancels(f.cancel_rate * dt_s);
    for (int n = cancels(s.rng); n > 0; --n) {
      const Side side = u01(s.rng) < 0.5 ? Side::Bid : Side::Ask;
      auto ids = engine_.resting_ids(kMarketAccount, sym, side);
      if (static_cast<int>(ids.size()) <= f.levels_per_side / 2) continue;
      std::uniform_int_distribution<std::size_t> pick(0, ids.size() - 1);
      engine_.cancel(kMarketAccount, ids[pick(s.rng)]);
    }
    // Trim a ladder that grew too deep: the farthest orders go.
    for (Side side : {Side::Bid, Side::Ask}) {
      auto ids = engine_.resting_ids(kMarketAccount, sym, side);  // best price first
      for (auto i = ids.size(); i > static_cast<std::size_t>(f.levels_per_side) * 3; --i) {
        engine_.cancel(kMarketAccount, ids[i - 1]);
      }
    }
    s.candles.on_price(now, s.mid, 0);
  }
}

}  // namespace rtcrypto::sim
