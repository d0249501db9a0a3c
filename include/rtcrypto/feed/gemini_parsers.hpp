#pragma once
// The three Gemini feed parsers. Their JSON machinery (simdjson) stays in src/feed.
#include <memory>
#include <string>
#include <string_view>

#include "rtcrypto/feed/feed_parser.hpp"

namespace rtcrypto {

// v2 `l2`: `l2_updates` (the first per symbol since reset(), or any carrying the snapshot's
// `trades`/`auction_events` arrays, is a full-book snapshot; later ones are deltas stamped
// with the receive time), `trade` (ms timestamp), `heartbeat`. v2 has no sequence numbers:
// a malformed l2_updates frame for a live book reports a gap and the book waits for the
// next snapshot.
class GeminiV2Parser final : public FeedParser {
 public:
  explicit GeminiV2Parser(ParserOptions options = {});
  ~GeminiV2Parser() override;
  void parse(std::string_view frame, TimeNs recv_ts, MarketEventSink& out) override;
  void reset() override;
  void resync(std::string_view symbol) override;
  FeedKind kind() const override { return FeedKind::V2; }

 private:
  // parse() for every frame but a delta of the exchange's shape (out of line).
  [[gnu::noinline]] void parse_scanned(std::string_view frame, TimeNs recv_ts,
                                       MarketEventSink& out);
  // parse_scanned() for every frame the scanner does not read.
  [[gnu::noinline]] void parse_other(std::string_view frame, TimeNs recv_ts, MarketEventSink& out);
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// v1 `/v1/marketdata/{symbol}`: `update` frames with `change` (reason initial = snapshot)
// and `trade` events, `heartbeat`; `socket_sequence` must count 0, 1, 2...: a jump reports a
// gap and the book waits for a new `initial` snapshot (a new connection).
class GeminiV1Parser final : public FeedParser {
 public:
  explicit GeminiV1Parser(std::string_view symbol, ParserOptions options = {});
  ~GeminiV1Parser() override;
  void parse(std::string_view frame, TimeNs recv_ts, MarketEventSink& out) override;
  void reset() override;
  void resync(std::string_view symbol) override;
  FeedKind kind() const override { return FeedKind::V1; }
  const std::string& symbol() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Current API (wss://ws.gemini.com): `depthUpdate` (first frame per symbol since reset() or
// resync() is the snapshot; then U/u must connect: U <= last u + 1, else gap and wait for a
// resync), partial depth `{lastUpdateId,bids,asks}` (each a full top-N snapshot),
// `bookTicker`, `trade`, request acks and errors.
class GeminiWsParser final : public FeedParser {
 public:
  // default_symbol names partial-depth frames that carry no symbol (one stream per connection).
  explicit GeminiWsParser(std::string_view default_symbol = {}, ParserOptions options = {});
  ~GeminiWsParser() override;
  void parse(std::string_view frame, TimeNs recv_ts, MarketEventSink& out) override;
  void reset() override;
  void resync(std::string_view symbol) override;
  FeedKind kind() const override { return FeedKind::Ws; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rtcrypto
