#include "rtcrypto/core/events.hpp"

#include <algorithm>
#include <array>
#include <atomic>

namespace rtcrypto {

std::string_view to_string(ChangeReason r) {
  switch (r) {
    case ChangeReason::Snapshot:
      return "snapshot";
    case ChangeReason::Update:
      return "update";
    case ChangeReason::Place:
      return "place";
    case ChangeReason::Cancel:
      return "cancel";
    case ChangeReason::Trade:
      return "trade";
    case ChangeReason::Initial:
      return "initial";
    case ChangeReason::Unknown:
      break;
  }
  return "unknown";
}

std::uint32_t new_symbol_id() {
  static std::atomic<std::uint32_t> last{0};
  return last.fetch_add(1, std::memory_order_relaxed) + 1;
}

void MarketEventSink::on_level_batch(const LevelBatch& batch) {
  std::array<LevelChange, 64> chunk;  // small enough to stay in the first-level cache
  for (std::size_t i = 0; i < batch.levels.size(); i += chunk.size()) {
    const std::size_t n = std::min(chunk.size(), batch.levels.size() - i);
    for (std::size_t k = 0; k < n; ++k) chunk[k] = batch.change(i + k);
    on_levels(std::span<const LevelChange>(chunk.data(), n));
  }
}

}  // namespace rtcrypto
