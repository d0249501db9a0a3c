#pragma once
// A direct-mapped cache from a symbol's bytes, as a frame spells them, to a value (the v2
// parser's per-symbol state). A symbol of 1 to 16 bytes is its length plus two word loads
// that together cover every byte, so a hit costs a few loads and compares per frame instead
// of a hash over the bytes and a string copy. Longer symbols are never cached (the caller
// looks them up the slow way).
#include <array>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace rtcrypto::feed_detail {

// The bytes of a symbol of 1..16 bytes: n plus two words read inside the symbol. For a given
// n the words determine the bytes (8 + 8 overlapping for n >= 8, 4 + 4 for n >= 4, single
// bytes 0, n/2, n-1 below), so equal keys mean equal symbols. n == 0 marks no key.
struct SymbolKey {
  std::uint64_t lo = 0;
  std::uint64_t hi = 0;
  std::uint64_t n = 0;

  static SymbolKey of(std::string_view s) {
    SymbolKey k;
    const std::size_t n = s.size();
    const char* p = s.data();
    if (n >= 8 && n <= 16) {
      std::memcpy(&k.lo, p, 8);
      std::memcpy(&k.hi, p + n - 8, 8);
    } else if (n >= 4 && n < 8) {
      std::uint32_t a, b;
      std::memcpy(&a, p, 4);
      std::memcpy(&b, p + n - 4, 4);
      k.lo = a;
      k.hi = b;
    } else if (n >= 1 && n < 4) {
      k.lo = static_cast<unsigned char>(p[0]) | static_cast<unsigned char>(p[n / 2]) << 8 |
             static_cast<unsigned char>(p[n - 1]) << 16;
    } else {
      return SymbolKey{};  // empty or longer than 16: not cached
    }
    k.n = n;
    return k;
  }
  bool valid() const { return n != 0; }
  bool operator==(const SymbolKey&) const = default;
};

// 256 slots: a recording's few dozen symbols alternate frame by frame, and each pair that
// shares a slot evicts each other on every switch (an intern each); with 64 slots eight of
// 34 symbols did. (Two ways per set cost a mispredicted branch per frame instead.)
template <typename V, std::size_t Slots = 256>
class SymbolCache {
  static_assert((Slots & (Slots - 1)) == 0, "a power of two");

 public:
  // The value cached for `k` (valid), or nullptr.
  V* find(const SymbolKey& k) const {
    const Slot& s = slots_[index(k)];
    return s.key == k ? s.value : nullptr;
  }
  // Caches `v` for `k` (valid), replacing whatever shared its slot.
  void put(const SymbolKey& k, V* v) { slots_[index(k)] = Slot{k, v}; }
  void clear() { slots_.fill(Slot{}); }

 private:
  struct Slot {
    SymbolKey key;
    V* value = nullptr;
  };
  static std::size_t index(const SymbolKey& k) {
    // Multiplicative mixing: the top bits depend on every byte of both words.
    const std::uint64_t h = (k.lo * 0x9E3779B97F4A7C15ULL) ^ (k.hi + k.n) * 0xC2B2AE3D27D4EB4FULL;
    return static_cast<std::size_t>((h ^ (h >> 29)) >> 32) & (Slots - 1);
  }
  std::array<Slot, Slots> slots_{};
};

}  // namespace rtcrypto::feed_detail
