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

}  // namespace rtcrypto::book_detail
#endif
