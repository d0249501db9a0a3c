#include "rtcrypto/web/systemd_notify.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>

#ifdef RTCRYPTO_HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>
#endif

namespace rtcrypto::systemd {

bool built_with_libsystemd() {
#ifdef RTCRYPTO_HAVE_LIBSYSTEMD
  return true;
#else
  return false;
#endif
}

bool notify(std::string_view state) {
  std::string text(state);
#ifdef RTCRYPTO_HAVE_LIBSYSTEMD
  return sd_notify(0, text.c_str()) > 0;
#else
  const char* path = std::getenv("NOTIFY_SOCKET");
  if (!path || !*path) return false;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::size_t len = std::strlen(path);
  if (len >= sizeof(addr.sun_path)) return false;
  std::memcpy(addr.sun_path, path, len);
  if (addr.sun_path[0] == '@') addr.sun_path[0] = '\0';  // abstract namespace
  int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  auto sent =
      ::sendto(fd, text.data(), text.size(), MSG_NOSIGNAL, reinterpret_cast<sockaddr*>(&addr),
               static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + len));
  ::close(fd);
  return sent == static_cast<ssize_t>(text.size());
#endif
}

bool status(std::string_view text) {
  return notify("STATUS=" + std::string(text));
}

std::optional<std::chrono::microseconds> watchdog_interval() {
#ifdef RTCRYPTO_HAVE_LIBSYSTEMD
  std::uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) return std::chrono::microseconds(usec / 2);
  return std::nullopt;
#else
  const char* usec = std::getenv("WATCHDOG_USEC");
  if (!usec) return std::nullopt;
  if (const char* pid = std::getenv("WATCHDOG_PID"); pid && std::atol(pid) != ::getpid())
    return std::nullopt;
  long long v = std::atoll(usec);
  if (v <= 0) return std::nullopt;
  return std::chrono::microseconds(v / 2);
#endif
}

}  // namespace rtcrypto::systemd
