// The AVX2 change kernel. Only functions marked RTC_AVX2 use AVX2 (no file-wide -mavx2:
// inline library code compiled here must stay baseline, the linker may keep this copy).
// It classifies a change with one 32-byte compare but converts its numbers with 128-bit
// multiply-adds: on the Xeon it was measured on, 256-bit multiply-adds made the whole loop
// slower than the SSE2 kernel (0.23 s against 0.17 s of CPU time per 100 loops).
#include "v2_change_avx2.hpp"

namespace rtcrypto::feed_detail {

#if defined(RTC_HAVE_AVX2_KERNEL)
namespace {

using namespace avx2_change;

// Short (delta) spans: sides at random, read as data. A DeltaRunFn (v2_change_run.hpp): a
// delta frame's changes in place, then in its tail copy, in one call.
RTC_AVX2 [[gnu::always_inline]] inline const char* delta_run(const char* p_in, const char* limit_in,
                                                             const char* tail_begin,
                                                             const char* tail,
                                                             const char* tail_limit,
                                                             LevelBuffer& levels) {
  const Consts* kp = &kConsts;
  asm("" : "+r"(kp));
  const Consts& k = *kp;
  ScannedLevel* const first = levels.reserve(DeltaSpan::room(p_in, limit_in, tail, tail_limit));
  DeltaSpan d(p_in, limit_in, tail_begin, tail, tail_limit);
  const char*& p = d.p;
  ScannedLevel* out = first;
  const char* done = nullptr;
  for (;;) {
    if (p >= d.limit) [[unlikely]] {
      if (!d.cross()) break;  // past the part in place: on in the copy, once
    }
    // The next change's `[`, found apart from this change's reading so the next iteration's
    // loads need not wait for it: a change takes 15 to 46 bytes, and has no `[` after its
    // first byte, so the next starts at the first `[` in [p + 16, p + 48) or is not there.
    const auto opens = static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(
        _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 16)), vec(&k.open))));
    // (64-bit count: no zero-extension. With no `[` it runs past p + 48, where `,[` can't be.)
    const char* const next = p + 16 + _tzcnt_u64(opens);
    const char* q = one_change(p, *out, k);
    if (!q) {
      done = out == first ? nullptr : p - 1;  // before the comma that follows the last one
      break;
    }
    ++out;
    done = q;
    // No `[` ahead: this is the last change. (Known long before its `]` is: the frame's
    // last change mispredicts this exit, and resolving it early cuts that cost.)
    if (opens == 0) break;
    // `,[` (then next is q + 1), or no change would be taken after this one.
    std::uint16_t after;
    std::memcpy(&after, q, 2);
    if (after != kCommaOpen) break;
    p = next;
  }
  levels.commit(static_cast<std::size_t>(out - first));
  return done;
}

// The changes from p while their side is kSell (a constant), as delta_run reads them:
// returns the first change of another side, or nullptr when the run ends (done set).
template <std::size_t kSell>
RTC_AVX2 [[gnu::always_inline]] inline const char* side_run(const char* p, const char* limit,
                                                            ScannedLevel*& out, ScannedLevel* first,
                                                            const char*& done, const Consts& k) {
  while (p < limit) {
    const auto opens = static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(
        _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 16)), vec(&k.open))));
    const char* const next = p + 16 + _tzcnt_u64(opens);
    std::uint64_t head;
    std::memcpy(&head, p, 8);
    if (head != k.open_of[kSell]) return p;
    const char* const q = one_change(p, head, kSell, *out, k);
    if (!q) {
      done = out == first ? nullptr : p - 1;
      return nullptr;
    }
    ++out;
    done = q;
    std::uint16_t after;
    std::memcpy(&after, q, 2);
    if (after != kCommaOpen) break;
    p = next;
  }
  return nullptr;
}

// Spans longer than this are snapshots (or big deltas) whose changes come in runs of one
// side: a loop per side reads each run, the side a constant. Short delta spans have random
// sides, which switching loops would mispredict.
constexpr std::ptrdiff_t kSideRunSpan = 1024;

RTC_AVX2 [[gnu::noinline]] const char* side_runs(const char* p, const char* limit,
                                                 LevelBuffer& levels) {
  const Consts* kp = &kConsts;
  asm("" : "+r"(kp));
  const Consts& k = *kp;
  ScannedLevel* const first = levels.reserve(static_cast<std::size_t>(limit - p) / 16 + 1);
  ScannedLevel* out = first;
  const char* done = nullptr;
  while (p) {
    std::uint64_t head;
    std::memcpy(&head, p, 8);
    if (head == k.open_of[1]) {
      p = side_run<1>(p, limit, out, first, done, k);
    } else if (head == k.open_of[0]) {
      p = side_run<0>(p, limit, out, first, done, k);
    } else {  // not a change
      done = out == first ? nullptr : p - 1;
      break;
    }
  }
  levels.commit(static_cast<std::size_t>(out - first));
  return done;
}

RTC_AVX2 const char* run_avx2(const char* p, const char* limit, LevelBuffer& levels) {
  return limit - p > kSideRunSpan ? side_runs(p, limit, levels)
                                  : delta_run(p, limit, limit, limit, limit, levels);
}

}  // namespace

bool avx2_usable() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi") &&
         __builtin_cpu_supports("bmi2");
}

const char* change_run_avx2(const char* p, const char* limit, LevelBuffer& levels) {
  return run_avx2(p, limit, levels);
}

RTC_AVX2 const char* delta_run_avx2(const char* p, const char* limit, const char* tail_begin,
                                    const char* tail, const char* tail_limit, LevelBuffer& levels) {
  return delta_run(p, limit, tail_begin, tail, tail_limit, levels);
}

#else

bool avx2_usable() {
  return false;
}

const char* change_run_avx2(const char* p, const char* limit, LevelBuffer& levels) {
  return change_run_baseline(p, limit, levels);
}

const char* delta_run_avx2(const char* p, const char* limit, const char* tail_begin,
                           const char* tail, const char* tail_limit, LevelBuffer& levels) {
  return delta_run_baseline(p, limit, tail_begin, tail, tail_limit, levels);
}

#endif

ChangeRunFn best_change_run() {
  static const ChangeRunFn best = avx512_usable() ? change_run_avx512
                                  : avx2_usable() ? change_run_avx2
                                                  : change_run_baseline;
  return best;
}

// Each part by the kernel, as scan_delta() does with a ChangeRunFn: the part in place, and
// the copy's from the `[` of a `,[` the first part stopped at for starting past limit.
const char* delta_run_baseline(const char* p, const char* limit, const char* tail_begin,
                               const char* tail, const char* tail_limit, LevelBuffer& levels) {
  if (p < limit) {
    const char* const d = change_run_baseline(p, limit, levels);
    if (!d || limit == tail_limit || d[0] != ',' || d[1] != '[' || d + 1 < limit) return d;
    p = d + 1;
  } else if (limit == tail_limit) {
    return nullptr;
  }
  return change_run_baseline(tail + (p - tail_begin), tail_limit, levels);
}

DeltaRunFn best_delta_run() {
  static const DeltaRunFn best = avx512_usable() ? delta_run_avx512
                                 : avx2_usable() ? delta_run_avx2
                                                 : delta_run_baseline;
  return best;
}

}  // namespace rtcrypto::feed_detail
