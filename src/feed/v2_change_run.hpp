#pragma once
// The hot loop of the v2 scanner: a run of changes of the usual shape
// `["buy","29385.05","0.01"],["sell",...]`, read without the general cursor. Three kernels:
// the baseline one (SSE2 on x86-64, none elsewhere), an AVX2 one and an AVX-512 one the CPU
// is asked for at run time, so the binary still runs on any x86-64.
#include "v2_l2_scanner.hpp"

namespace rtcrypto::feed_detail {

// Reads changes `["buy"|"sell","price","quantity"]` separated by commas from p while
// p < limit; 64 bytes are readable from every such p (the caller guarantees it with its
// padding or tail copy). Appends each to `levels` and returns the position after the last
// one's `]` (before its separator), or nullptr when the first is not taken. A kernel only
// takes changes whose decimals it reads exactly as Decimal::parse does, with a price > 0;
// it leaves anything else (longer numbers, exponents, signs, escapes ...) to the caller's
// general reader, which also reports errors.
// (ChangeRunFn, declared with the scanner.)

// SSE2 on x86-64; elsewhere takes nothing (returns nullptr).
const char* change_run_baseline(const char* p, const char* limit, LevelBuffer& levels);

// Whether this CPU (and OS) runs change_run_avx2.
bool avx2_usable();
// One 32-byte load classifies a change's two decimals, which are converted together.
// Only where avx2_usable().
const char* change_run_avx2(const char* p, const char* limit, LevelBuffer& levels);

// Whether this CPU (and OS) runs change_run_avx512 (AVX-512 F, BW, VL and VBMI).
bool avx512_usable();
// Numbers of up to 8 + 8 digits placed around their points by one byte permute, so they
// share one scale; the rest read as change_run_avx2 does. Only where avx512_usable().
const char* change_run_avx512(const char* p, const char* limit, LevelBuffer& levels);

// A kernel's short-span loop for a delta frame's changes (scan_delta_frame()): it reads them
// in place while they start before `limit`, then in the frame's tail copy (`tail` holds the
// frame's bytes from `tail_begin` <= limit) while they start before `tail_limit`, in one
// call; 64 bytes are readable from every start, as for the kernels. Returns the position
// after the last change's `]` (in the copy once it went there), or nullptr when the first
// change is not taken. With tail_begin == tail == tail_limit == limit: the kernel's reading
// of [p, limit).
using DeltaRunFn = const char* (*)(const char* p, const char* limit, const char* tail_begin,
                                   const char* tail, const char* tail_limit, LevelBuffer& levels);
// By change_run_baseline, called once for each part.
const char* delta_run_baseline(const char* p, const char* limit, const char* tail_begin,
                               const char* tail, const char* tail_limit, LevelBuffer& levels);
// By the kernels' own short-span loops. Only where the kernel runs.
const char* delta_run_avx2(const char* p, const char* limit, const char* tail_begin,
                           const char* tail, const char* tail_limit, LevelBuffer& levels);
const char* delta_run_avx512(const char* p, const char* limit, const char* tail_begin,
                             const char* tail, const char* tail_limit, LevelBuffer& levels);

// The kernel the scanner uses: the best one this CPU runs, picked once.
ChangeRunFn best_change_run();
// Its short-span loop for delta frames.
DeltaRunFn best_delta_run();

}  // namespace rtcrypto::feed_detail
