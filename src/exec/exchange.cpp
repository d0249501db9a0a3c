#include "rtcrypto/exec/exchange.hpp"

namespace rtcrypto {

std::string_view to_gemini_option(TimeInForce tif) {
  switch (tif) {
    case TimeInForce::ImmediateOrCancel: return "immediate-or-cancel";
    case TimeInForce::FillOrKill: return "fill-or-kill";
    case TimeInForce::MakerOrCancel: return "maker-or-cancel";
    case TimeInForce::GoodTillCancel: break;
  }
  return "";
}

}  // namespace rtcrypto
