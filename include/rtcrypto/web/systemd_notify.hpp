#pragma once
// sd_notify for Type=notify units: READY=1 after start-up, WATCHDOG=1 from the event loop
// (at half of WatchdogSec), STOPPING=1 on shutdown. Uses libsystemd when the build found it
// and speaks the datagram protocol to $NOTIFY_SOCKET itself otherwise. Outside systemd
// every call is a cheap no-op returning false.
#include <chrono>
#include <optional>
#include <string_view>

namespace rtcrypto::systemd {

bool notify(std::string_view state);  // e.g. "READY=1\nSTATUS=trading BTCUSD"
inline bool ready() {
  return notify("READY=1");
}
inline bool watchdog() {
  return notify("WATCHDOG=1");
}
inline bool stopping() {
  return notify("STOPPING=1");
}
bool status(std::string_view text);  // STATUS=<text>, shown by systemctl status
// How often to send WATCHDOG=1 (half of WatchdogSec), when the unit asks for a watchdog.
std::optional<std::chrono::microseconds> watchdog_interval();
bool built_with_libsystemd();

}  // namespace rtcrypto::systemd
