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

// The same kernels' short-span loops (the ones they run for a delta frame's span), entered
// directly: same results for any span, but slower on snapshots' long runs of one side.
const char* delta_run_avx2(const char* p, const char* limit, LevelBuffer& levels);
const char* delta_run_avx512(const char* p, const char* limit, LevelBuffer& levels);

// The kernel the scanner uses: the best one this CPU runs, picked once.
ChangeRunFn best_change_run();
// Its short-span loop (the baseline kernel has one loop), for spans of delta frames.
ChangeRunFn best_delta_run();

}  // namespace rtcrypto::feed_detail
