#include "rtcrypto/core/events.hpp"

namespace rtcrypto {

std::string_view to_string(ChangeReason r) {
  switch (r) {
    case ChangeReason::Snapshot: return "snapshot";
    case ChangeReason::Update: return "update";
    case ChangeReason::Place: return "place";
    case ChangeReason::Cancel: return "cancel";
    case ChangeReason::Trade: return "trade";
    case ChangeReason::Initial: return "initial";
    case ChangeReason::Unknown: break;
  }
  return "unknown";
}

}  // namespace rtcrypto
