#include "rtcrypto/window/window_aggregator.hpp"

namespace rtcrypto {

std::string_view to_string(RatioMode m) {
  return m == RatioMode::AskOverBid ? "ask/bid" : "bid/ask";
}

bool parse_ratio_mode(std::string_view text, RatioMode& out) {
  if (text == "ask/bid" || text == "ask_over_bid") {
    out = RatioMode::AskOverBid;
    return true;
  }
  if (text == "bid/ask" || text == "bid_over_ask") {
    out = RatioMode::BidOverAsk;
    return true;
  }
  return false;
}

WindowAggregator::WindowAggregator(std::string symbol, WindowConfig config)
    : symbol_(std::move(symbol)), config_(config) {
  if (config_.length <= 0) config_.length = 60 * kNsPerSec;
}

void WindowAggregator::start_window(TimeNs t) {
  open_ = true;
  start_ = floor_to_period(t, config_.length);
  end_ = start_ + config_.length;
  ask_sum_ = bid_sum_ = 0;
  ask_changes_ = bid_changes_ = trades_ = 0;
  trade_volume_ = trade_notional_ = 0;
  last_trade_price_.reset();
}

std::optional<WindowResult> WindowAggregator::advance_slow(TimeNs t, const OrderBook* book) {
  if (!open_ || t < end_) return std::nullopt;
  // The next event opens the window it falls in; the empty windows between are absent.
  return close(book);
}

void WindowAggregator::add(const TradeEvent& t) {
  open_at(t.ts);
  ++trades_;
  double q = t.quantity.to_double();
  double p = t.price.to_double();
  trade_volume_ += q;
  trade_notional_ += p * q;
  last_trade_price_ = t.price;
}

std::optional<WindowResult> WindowAggregator::flush(const OrderBook* book) {
  if (!open_) return std::nullopt;
  return close(book);
}

std::optional<WindowResult> WindowAggregator::peek(const OrderBook* book) const {
  if (!open_ || ask_changes_ + bid_changes_ == 0) return std::nullopt;
  return result(book);
}

std::optional<WindowResult> WindowAggregator::close(const OrderBook* book) {
  open_ = false;
  if (ask_changes_ + bid_changes_ == 0) return std::nullopt;
  ++emitted_;
  return result(book);
}

WindowResult WindowAggregator::result(const OrderBook* book) const {
  WindowResult w;
  w.symbol = symbol_;
  w.start = start_;
  w.end = end_;
  w.ask_sum = ask_sum_;
  w.bid_sum = bid_sum_;
  if (ask_sum_ != 0 && bid_sum_ != 0) {
    w.ratio =
        config_.ratio_mode == RatioMode::AskOverBid ? ask_sum_ / bid_sum_ : bid_sum_ / ask_sum_;
  }
  w.bid_changes = bid_changes_;
  w.ask_changes = ask_changes_;
  w.trades = trades_;
  w.trade_volume = trade_volume_;
  w.trade_notional = trade_notional_;
  if (trade_volume_ > 0) w.vwap = trade_notional_ / trade_volume_;
  w.last_trade_price = last_trade_price_;
  if (book) {
    if (auto b = book->best_bid()) w.best_bid = b->price;
    if (auto a = book->best_ask()) w.best_ask = a->price;
    w.mid = book->mid();
    w.spread = book->spread();
    w.depth_bid = book->depth_quantity_within(Side::Bid, config_.depth_pct);
    w.depth_ask = book->depth_quantity_within(Side::Ask, config_.depth_pct);
    w.book_whole = book->whole();
    w.book_crossed = book->crossed();
  }
  return w;
}

namespace {
FieldValue opt_decimal(const std::optional<Decimal>& d) {
  return d ? FieldValue(*d) : FieldValue(std::monostate{});
}
}  // namespace

std::array<Record, 3> window_records(const WindowResult& w) {
  std::array<Record, 3> out;
  const char* types[3] = {"ask", "bid", "price_volume"};
  for (int i = 0; i < 3; ++i) {
    Record& r = out[i];
    r.doc_type = types[i];
    r.symbol = w.symbol;
    r.ts = w.end;
    r.fields.reserve(i == 2 ? 12 : 3);
  }
  out[0].fields.emplace_back("value", w.ask_sum);
  out[1].fields.emplace_back("value", w.bid_sum);
  out[2].fields.emplace_back("value",
                             w.ratio ? FieldValue(*w.ratio) : FieldValue(std::monostate{}));
  for (Record& r : out) {
    r.fields.emplace_back("window_start", static_cast<std::int64_t>(w.start));
    r.fields.emplace_back("window_end", static_cast<std::int64_t>(w.end));
  }
  auto& f = out[2].fields;
  f.emplace_back("bid_changes", static_cast<std::int64_t>(w.bid_changes));
  f.emplace_back("ask_changes", static_cast<std::int64_t>(w.ask_changes));
  f.emplace_back("trades", static_cast<std::int64_t>(w.trades));
  f.emplace_back("best_bid", opt_decimal(w.best_bid));
  f.emplace_back("best_ask", opt_decimal(w.best_ask));
  f.emplace_back("mid", opt_decimal(w.mid));
  f.emplace_back("spread", opt_decimal(w.spread));
  f.emplace_back("depth_bid_1pct", w.depth_bid);
  f.emplace_back("depth_ask_1pct", w.depth_ask);
  return out;
}

}  // namespace rtcrypto
