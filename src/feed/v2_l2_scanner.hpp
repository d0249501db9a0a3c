#pragma once
// A direct scanner for Gemini v2 `l2_updates` frames as the exchange sends them: no
// whitespace, plain ASCII strings without escapes, known keys each at most once (in any
// order), decimals as strings, trades as flat objects, `auction_events` an array of plain
// values. It checks
// everything GeminiV2Parser's simdjson path checks and accepts a subset of what that path
// accepts, giving the same levels and trades; on anything else (or any doubt) it returns
// false without side effects and the caller takes the simdjson path, which counts and
// reports malformed frames.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "rtcrypto/core/decimal.hpp"
#include "rtcrypto/core/events.hpp"
#include "rtcrypto/core/time.hpp"
#include "rtcrypto/core/types.hpp"

namespace rtcrypto::feed_detail {

// A scanned level: the PackedLevel a LevelBatch carries (the side in the sign of the
// price), so a frame's levels go out as they were scanned, without a copy.
using ScannedLevel = PackedLevel;
static_assert(sizeof(ScannedLevel) == 32);

// A frame's levels, reused across frames (grows to the largest frame, no per-frame
// allocation after that). Raw storage, not a vector: a kernel reserves room for every change
// its span could hold (about twice what it fills), and a vector zeroed all of it on growth.
class LevelBuffer {
 public:
  LevelBuffer() = default;
  LevelBuffer(const LevelBuffer&) = delete;
  LevelBuffer& operator=(const LevelBuffer&) = delete;
  ~LevelBuffer() { std::free(block_); }

  void clear() { n_ = 0; }
  void push(const ScannedLevel& l) { *reserve(1) = l, ++n_; }
  // Room for `k` more levels: the first is returned; commit(m) then takes m <= k of them.
  ScannedLevel* reserve(std::size_t k) {
    if (n_ + k > cap_) grow(n_ + k);
    return v_ + n_;
  }
  void commit(std::size_t m) { n_ += m; }
  std::size_t size() const { return n_; }
  bool empty() const { return n_ == 0; }
  std::span<const ScannedLevel> levels() const { return {v_, n_}; }

 private:
  [[gnu::noinline]] void grow(std::size_t need) {
    const std::size_t cap = std::max<std::size_t>({need, 2 * cap_, 64});
    // The levels from a 64-byte boundary in a malloc'd block (malloc gives 16; aligned_alloc
    // cost page faults as glibc trimmed around it): a level's 32-byte stores and the book's
    // and window sums' 32-byte loads of it then never split a cache line.
    // Empty (a frame's start): nothing to keep, so the old block goes first (and no copy).
    if (n_ == 0) std::free(std::exchange(block_, nullptr));
    void* const block = std::malloc(cap * sizeof(ScannedLevel) + 48);
    if (!block) throw std::bad_alloc();
    // PackedLevel is an implicit-lifetime aggregate: raw storage holds it as it is.
    auto* v = reinterpret_cast<ScannedLevel*>((reinterpret_cast<std::uintptr_t>(block) + 63) &
                                              ~std::uintptr_t{63});
    if (n_) std::memcpy(static_cast<void*>(v), v_, n_ * sizeof(ScannedLevel));
    std::free(block_);
    block_ = block;
    v_ = v;
    cap_ = cap;
  }

  void* block_ = nullptr;  // v_ lies in it
  ScannedLevel* v_ = nullptr;
  std::size_t cap_ = 0;
  std::size_t n_ = 0;
};

struct PendingTrade {
  Decimal price;
  Decimal quantity;
  OrderSide taker = OrderSide::Buy;
  bool has_taker = false;
  TimeNs ts = 0;
  std::int64_t id = -1;
};

struct L2Scan {
  std::string_view symbol;  // as in the frame (not upper-cased), never empty
  bool has_trades = false;  // a `trades` array was present (a snapshot)
  bool has_auction_events = false;
};

// The kernel that reads runs of changes (v2_change_run.hpp).
using ChangeRunFn = const char* (*)(const char* p, const char* limit, LevelBuffer& levels);

// Fills `out`, `levels` and `trades` (cleared first) and returns true when the frame is a
// valid `l2_updates` frame of the canonical shape; false otherwise (contents unspecified).
// Uses the best change kernel this CPU runs.
bool scan_l2_updates(std::string_view frame, TimeNs recv_ts, L2Scan& out, LevelBuffer& levels,
                     std::vector<PendingTrade>& trades);
// The same with a given kernel (tests compare the kernels).
bool scan_l2_updates(std::string_view frame, TimeNs recv_ts, L2Scan& out, LevelBuffer& levels,
                     std::vector<PendingTrade>& trades, ChangeRunFn run);

// A top-level `trade` or `heartbeat` frame as the exchange sends them (no whitespace, plain
// strings, known keys once each); false for anything else, which the DOM path decides.
struct V2Event {
  enum class Kind { kTrade, kHeartbeat };
  Kind kind = Kind::kHeartbeat;
  std::string_view symbol;  // a trade's, as in the frame (never empty)
  PendingTrade trade;       // a trade's
  TimeNs ts = 0;            // a heartbeat's time (the receive time when it has none usable)
};
bool scan_trade_or_heartbeat(std::string_view frame, TimeNs recv_ts, V2Event& out);

}  // namespace rtcrypto::feed_detail
