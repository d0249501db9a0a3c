#pragma once
// The delta frame's path of the v2 scanner, inline so that GeminiV2Parser::parse() reads a
// delta frame without a call, and the text helpers the scanner shares with it.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <type_traits>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "v2_change_run.hpp"
#include "v2_l2_scanner.hpp"

namespace rtcrypto::feed_detail {

// Whether the text at p (readable as far as `s` goes, padding included) starts with `s`.
// Literals of 17 to 32 bytes are compared as two overlapping 16-byte blocks (GCC calls
// memcmp for them).
template <std::size_t N>
[[gnu::always_inline]] inline bool starts(const char* p, const char (&s)[N]) {
#if defined(__SSE2__)
  if constexpr (N - 1 > 16 && N - 1 <= 32) {
    const auto same = [](const char* a, const char* b) {
      const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(a));
      const __m128i y = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b));
      return _mm_movemask_epi8(_mm_cmpeq_epi8(x, y));
    };
    return (same(p, s) & same(p + N - 17, s + N - 17)) == 0xFFFF;
  }
#endif
  return std::memcmp(p, s, N - 1) == 0;
}

#if defined(__SSE2__)
// Where 16 bytes hold a quote, and bytes a plain string may not have (controls, bytes
// >= 0x7f, backslashes), bit i for byte i.
struct PlainBlock {
  unsigned quote;
  unsigned bad;
};
[[gnu::always_inline]] inline PlainBlock plain_block(const char* p) {
  const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const auto quote =
      static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(b, _mm_set1_epi8('"'))));
  const auto bad = static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(
      _mm_or_si128(_mm_cmplt_epi8(b, _mm_set1_epi8(0x20)),  // controls and bytes >= 0x80
                   _mm_cmpeq_epi8(b, _mm_set1_epi8(0x7f))),
      _mm_cmpeq_epi8(b, _mm_set1_epi8('\\')))));
  return {quote, bad};
}
#endif

// Frames up to this size are scanned from a copy with kPad zero bytes after it, so the
// kernels read whole changes without bound checks (bigger ones copy only their tail).
constexpr std::size_t kCopyMax = 1024;
constexpr std::size_t kPad = 64;
// Delta frames of kTail bytes or more are read in place, but for a copy of their last kTail
// bytes (kPad zeros after it): a kernel reads 64 bytes from every change it starts, so the
// changes that start in the last 63 bytes, and what follows the changes, are read from the
// copy. Reading a whole copy made the kernel's loads wait on the copy's stores.
constexpr std::size_t kTail = 64;

#if defined(__SSE2__)
// A symbol at p (after its opening quote; 16 bytes readable), as plain_string() reads it:
// plain ASCII, not empty, its closing quote within 16 bytes. Returns that quote, or nullptr.
// (Delta frames' and flat trades' symbols.)
[[gnu::always_inline]] inline const char* plain_symbol(const char* p) {
  const PlainBlock b = plain_block(p);
  if (b.quote == 0) return nullptr;
  const int len = __builtin_ctz(b.quote);
  if (len == 0 || (b.bad & ((1u << len) - 1)) != 0) return nullptr;
  return p + len;
}
#endif

// A frame [p, end) whose bytes from tail_begin are also in `tail`, with kPad zeros after
// them; 64 bytes are readable from every position before in_limit (<= tail_begin + 1), and
// the first 64 bytes of the frame (or the whole frame with padding, when it is all in
// `tail`) are readable.
struct DeltaText {
  const char* p;
  const char* end;
  const char* in_limit;
  const char* tail_begin;
  const char* tail;
  // The copy's position of x >= tail_begin, and back.
  const char* to_tail(const char* x) const { return tail + (x - tail_begin); }
  const char* from_tail(const char* x) const { return tail_begin + (x - tail); }
};

// A delta frame as the exchange sends them, `{"type":"l2_updates","symbol":"S","changes":
// [...]}` or `{"changes":[...],"symbol":"S","type":"l2_updates"}`, read straight through:
// what scan_frame() gives for it (the symbol a view of [t.p, t.end)), or false for anything
// else (the caller then runs scan_frame()). The kernel must take every change: a
// ChangeRunFn (called for the changes in place, then for those in the copy) or a DeltaRunFn
// (v2_change_run.hpp: one call for both; only where the copy and the frame are apart, as
// scan_delta_frame's).
template <class Run>
[[gnu::always_inline]] inline bool scan_delta(const DeltaText& t, L2Scan& out, LevelBuffer& levels,
                                              Run run) {
#if defined(__SSE2__)
  const char* const tail_end = t.to_tail(t.end);
  const char* const tail_limit = tail_end + kPad - 63;  // 64 readable bytes before it
  // The changes from q (after their `[`): in place while 64 bytes are readable, then in the
  // copy. Returns the position of their closing `]` in the copy, or nullptr. (A `]` before
  // the copy leaves more than kTail bytes after it: too many for either frame shape.)
  const auto changes = [&](const char* q) -> const char* {
    if constexpr (std::is_same_v<Run, DeltaRunFn>) {
      const char* d = q < t.in_limit ? q : t.to_tail(q);
      if (*d != ']' && !(d = run(q, t.in_limit, t.tail_begin, t.tail, tail_limit, levels)))
        return nullptr;
      // Still in place (nothing read in the copy): the closing `]` lies in the copy's bytes.
      const auto in_copy =
          reinterpret_cast<std::uintptr_t>(d) - reinterpret_cast<std::uintptr_t>(t.tail);
      if (in_copy >= kTail + kPad) {
        if (d < t.tail_begin) return nullptr;
        d = t.to_tail(d);
      }
      return *d == ']' ? d : nullptr;
    } else {
      if (q < t.in_limit) {
        const char* d = q;
        if (*q != ']') {
          if (!(d = run(q, t.in_limit, levels))) return nullptr;
          // A `,[` whose next change starts too late for the kernel to read in place.
          if (d[0] == ',' && d[1] == '[' && d + 1 >= t.in_limit) {
            q = d + 1;
            goto in_tail;
          }
          if (*d != ']') return nullptr;
        }
        return d >= t.tail_begin ? t.to_tail(d) : nullptr;
      }
    in_tail:
      q = t.to_tail(q);
      if (*q == ']') return q;
      q = run(q, tail_limit, levels);
      return q && *q == ']' ? q : nullptr;
    }
  };
  const char* const p = t.p;
  const char *sym, *sym_end, *q;
  if (starts(p, "{\"type\":\"l2_updates\",\"symbol\":\"")) {
    sym = p + 31;
    if (!(sym_end = plain_symbol(sym)) || !starts(sym_end, "\",\"changes\":[") ||
        !(q = changes(sym_end + 13)) || !starts(q, "]}") || q + 2 != tail_end) {
      return false;
    }
  } else if (starts(p, "{\"changes\":[")) {
    if (!(q = changes(p + 12)) || !starts(q, "],\"symbol\":\"")) return false;
    sym = q + 12;
    if (!(sym_end = plain_symbol(sym)) || !starts(sym_end, "\",\"type\":\"l2_updates\"}") ||
        sym_end + 22 != tail_end) {
      return false;
    }
    sym = t.from_tail(sym), sym_end = t.from_tail(sym_end);
  } else {
    return false;
  }
  out.symbol = std::string_view(sym, static_cast<std::size_t>(sym_end - sym));
  return true;
#else
  (void)t, (void)out, (void)levels, (void)run;
  return false;
#endif
}

// kPad zero bytes at p.
[[gnu::always_inline]] inline void zero_pad(char* p) {
#if defined(__SSE2__)
  for (std::size_t i = 0; i < kPad; i += 16) {  // (memset would be a call)
    _mm_storeu_si128(reinterpret_cast<__m128i*>(p + i), _mm_setzero_si128());
  }
#else
  std::memset(p, 0, kPad);
#endif
}

// The last kTail bytes of a delta frame, kPad zeros after them (16-byte aligned: more
// realigned the stack of a caller that holds it). Reused frame after frame.
struct DeltaTail {
  // The padding is zeroed once: only the kTail bytes are ever written again.
  DeltaTail() { zero_pad(bytes + kTail); }
  DeltaTail(const DeltaTail&) = delete;
  DeltaTail& operator=(const DeltaTail&) = delete;
  alignas(16) char bytes[kTail + kPad];
};

// Whether scan_delta_frame() reads frames of n bytes.
constexpr bool delta_frame_size(std::size_t n) {
  return n - kTail <= kCopyMax - kTail;
}

// A delta frame as the exchange sends them (see scan_delta()), of kTail to kCopyMax bytes,
// read in place: its levels (cleared first) and its symbol (a view of the frame), or false
// for anything else (levels then hold anything).
template <class Run>
[[gnu::always_inline]] inline bool scan_delta_frame(std::string_view frame, DeltaTail& tail,
                                                    std::string_view& symbol, LevelBuffer& levels,
                                                    Run run) {
  const std::size_t n = frame.size();
  if (!delta_frame_size(n)) [[unlikely]]
    return false;
  const char* const begin = frame.data();
  const char* const end = begin + n;
  // The copy first: its stores are done by the time the kernel reaches it.
  std::memcpy(tail.bytes, end - kTail, kTail);
  levels.clear();
  L2Scan out;
  if (!scan_delta({begin, end, end - 63, end - kTail, tail.bytes}, out, levels, run)) return false;
  symbol = out.symbol;
  return true;
}

// The kernel scan_l2_updates() uses: the best this CPU runs, picked at load.
extern const ChangeRunFn kBestChangeRun;
// Its short-span loop for a delta frame's changes, in place and in the copy in one call.
extern const DeltaRunFn kBestDeltaRun;

// scan_l2_updates() for a frame scan_delta_frame() did not take.
bool scan_l2_updates_not_delta(std::string_view frame, TimeNs recv_ts, L2Scan& out,
                               LevelBuffer& levels, std::vector<PendingTrade>& trades);

}  // namespace rtcrypto::feed_detail
