#include "rtcrypto/window/window_aggregator.hpp"

#include "rtcrypto/core/record_rewriter.hpp"
#include "rtcrypto/window/book_depth.hpp"

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
  sums_ = LevelSums{};
  trades_ = 0;
  trade_volume_ = trade_notional_ = 0;
  last_trade_price_.reset();
}

std::optional<WindowResult> WindowAggregator::advance_slow(TimeNs t, const OrderBook* book) {
  if (!open_ || t < end_) return std::nullopt;
  // The next event opens the window it falls in; the empty windows between are absent.
  return close(book);
}

std::optional<WindowResult> WindowAggregator::flush(const OrderBook* book) {
  if (!open_) return std::nullopt;
  return close(book);
}

std::optional<WindowResult> WindowAggregator::peek(const OrderBook* book) const {
  if (!open_ || sums_.asks + sums_.bids == 0) return std::nullopt;
  return result(book);
}

std::optional<WindowResult> WindowAggregator::close(const OrderBook* book) {
  open_ = false;
  if (sums_.asks + sums_.bids == 0) return std::nullopt;
  ++emitted_;
  return result(book);
}

bool WindowAggregator::close_into(const OrderBook* book, WindowResult& out) {
  open_ = false;
  if (sums_.asks + sums_.bids == 0) return false;
  ++emitted_;
  result_into(book, out);
  return true;
}

WindowResult WindowAggregator::result(const OrderBook* book) const {
  WindowResult w;
  result_into(book, w);
  return w;
}

void WindowAggregator::result_into(const OrderBook* book, WindowResult& w) const {
  rewrite_text(w.symbol, symbol_);
  w.start = start_;
  w.end = end_;
  w.ask_sum = sums_.ask;
  w.bid_sum = sums_.bid;
  w.ratio.reset();  // (every field written: `w` may hold another window's)
  if (sums_.ask != 0 && sums_.bid != 0) {
    w.ratio =
        config_.ratio_mode == RatioMode::AskOverBid ? sums_.ask / sums_.bid : sums_.bid / sums_.ask;
  }
  w.bid_changes = sums_.bids;
  w.ask_changes = sums_.asks;
  w.trades = trades_;
  w.trade_volume = trade_volume_;
  w.trade_notional = trade_notional_;
  w.vwap.reset();
  if (trade_volume_ > 0) w.vwap = trade_notional_ / trade_volume_;
  w.last_trade_price = last_trade_price_;
  w.best_bid.reset(), w.best_ask.reset(), w.mid.reset(), w.spread.reset();
  w.depth_bid = w.depth_ask = 0;
  w.book_whole = w.book_crossed = false;
  if (book) {
    // The best levels read once, inline: OrderBook::best, mid and spread's figures.
    const bool bid = book->depth(Side::Bid) != 0, ask = book->depth(Side::Ask) != 0;
    if (bid) w.best_bid = book->level(Side::Bid, 0).price;
    if (ask) w.best_ask = book->level(Side::Ask, 0).price;
    if (bid && ask) {
      w.mid = Decimal::from_raw((*w.best_bid + *w.best_ask).raw() / 2);
      w.spread = *w.best_ask - *w.best_bid;
    }
    if (w.mid) {  // (no mid: no depth, 0 on both sides)
      const BookDepth depth = depth_quantities_around(*book, *w.mid, config_.depth_pct);
      w.depth_bid = depth.bid;
      w.depth_ask = depth.ask;
    }
    w.book_whole = book->whole();
    w.book_crossed = book->crossed();
  }
}

void fill_window_records(const WindowResult& w, std::array<Record, 3>& out) {
  static constexpr const char* kTypes[3] = {"ask", "bid", "price_volume"};
  for (int i = 0; i < 3; ++i) {
    Record& r = out[i];
    if (r.doc_type != kTypes[i]) r.doc_type = kTypes[i];
    if (r.symbol != w.symbol) r.symbol = w.symbol;
  }
  fill_window_values(w, out);
}

void fill_window_values(const WindowResult& w, std::array<Record, 3>& out) {
  const auto start = static_cast<std::int64_t>(w.start);
  const auto end = static_cast<std::int64_t>(w.end);
  {
    RecordRewriter f(out[0], w.end);
    f.put("value", w.ask_sum);
    f.put("window_start", start);
    f.put("window_end", end);
  }
  {
    RecordRewriter f(out[1], w.end);
    f.put("value", w.bid_sum);
    f.put("window_start", start);
    f.put("window_end", end);
  }
  RecordRewriter f(out[2], w.end);
  f.put("value", w.ratio);
  f.put("window_start", start);
  f.put("window_end", end);
  f.put("bid_changes", static_cast<std::int64_t>(w.bid_changes));
  f.put("ask_changes", static_cast<std::int64_t>(w.ask_changes));
  f.put("trades", static_cast<std::int64_t>(w.trades));
  f.put("best_bid", w.best_bid);
  f.put("best_ask", w.best_ask);
  f.put("mid", w.mid);
  f.put("spread", w.spread);
  f.put("depth_bid_1pct", w.depth_bid);
  f.put("depth_ask_1pct", w.depth_ask);
}

std::array<Record, 3> window_records(const WindowResult& w) {
  std::array<Record, 3> out;
  fill_window_records(w, out);
  return out;
}

}  // namespace rtcrypto
