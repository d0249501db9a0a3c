#pragma once
// Unaligned 32-byte loads and stores for the book's AVX2 kernels (apply, snapshot load).
// Compiled for AVX2 alone, so they inline into any kernel whose target includes AVX2.
#if defined(__x86_64__)
#include <immintrin.h>

namespace rtcrypto::book_detail {

__attribute__((target("avx2"))) inline __m256i load(const void* p) {
  return _mm256_loadu_si256(static_cast<const __m256i*>(p));
}
__attribute__((target("avx2"))) inline void store(void* p, __m256i v) {
  _mm256_storeu_si256(static_cast<__m256i*>(p), v);
}

// Moves sixteen 32-byte items (book levels) from `from` to `to`: all are loaded before any is
// stored, so the ranges may overlap either way. One vector an item: a later load then
// matches one earlier store (a load straddling two stores waits for both). Spelled out: an
// array of vectors became a copy through the stack.
[[gnu::always_inline]] __attribute__((target("avx2"))) inline void move16_items32(const void* from,
                                                                                  void* to) {
  const char* f = static_cast<const char*>(from);
  char* t = static_cast<char*>(to);
  const __m256i a0 = load(f), a1 = load(f + 32), a2 = load(f + 64), a3 = load(f + 96);
  const __m256i a4 = load(f + 128), a5 = load(f + 160), a6 = load(f + 192), a7 = load(f + 224);
  const __m256i a8 = load(f + 256), a9 = load(f + 288), a10 = load(f + 320);
  const __m256i a11 = load(f + 352), a12 = load(f + 384), a13 = load(f + 416);
  const __m256i a14 = load(f + 448), a15 = load(f + 480);
  store(t, a0), store(t + 32, a1), store(t + 64, a2), store(t + 96, a3);
  store(t + 128, a4), store(t + 160, a5), store(t + 192, a6), store(t + 224, a7);
  store(t + 256, a8), store(t + 288, a9), store(t + 320, a10), store(t + 352, a11);
  store(t + 384, a12), store(t + 416, a13), store(t + 448, a14), store(t + 480, a15);
}

// The same for eight items.
[[gnu::always_inline]] __attribute__((target("avx2"))) inline void move8_items32(const void* from,
                                                                                 void* to) {
  const char* f = static_cast<const char*>(from);
  char* t = static_cast<char*>(to);
  const __m256i a0 = load(f), a1 = load(f + 32), a2 = load(f + 64), a3 = load(f + 96);
  const __m256i a4 = load(f + 128), a5 = load(f + 160), a6 = load(f + 192), a7 = load(f + 224);
  store(t, a0), store(t + 32, a1), store(t + 64, a2), store(t + 96, a3);
  store(t + 128, a4), store(t + 160, a5), store(t + 192, a6), store(t + 224, a7);
}

}  // namespace rtcrypto::book_detail
#endif
