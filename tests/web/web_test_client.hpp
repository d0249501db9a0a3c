#pragma once
// Minimal blocking HTTP/SSE client for the web tests (POSIX sockets, every read bounded).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <string>

namespace rtcrypto::test {

inline int connect_loopback(std::uint16_t port, int timeout_ms = 2000) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

struct SimpleResponse {
  int status = 0;
  std::string headers;
  std::string body;
};

// GET with Connection: close; reads to EOF (bounded by the socket timeout).
inline SimpleResponse http_get(std::uint16_t port, const std::string& target) {
  SimpleResponse r;
  int fd = connect_loopback(port);
  if (fd < 0) return r;
  std::string req = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  ::send(fd, req.data(), req.size(), MSG_NOSIGNAL);
  std::string all;
  char buf[65536];
  for (;;) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    all.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  auto end = all.find("\r\n\r\n");
  if (all.size() < 12 || end == std::string::npos) return r;
  r.status = std::stoi(all.substr(9, 3));
  r.headers = all.substr(0, end);
  r.body = all.substr(end + 4);
  return r;
}

// An open SSE stream: read_until() collects bytes until `needle` appears or time runs out.
class SseStream {
 public:
  SseStream(std::uint16_t port, const std::string& target) : fd_(connect_loopback(port, 200)) {
    if (fd_ < 0) return;
    std::string req =
        "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n";
    ::send(fd_, req.data(), req.size(), MSG_NOSIGNAL);
  }
  ~SseStream() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool ok() const { return fd_ >= 0; }
  bool read_until(const std::string& needle,
                  std::chrono::milliseconds limit = std::chrono::seconds(5)) {
    auto end = std::chrono::steady_clock::now() + limit;
    char buf[8192];
    while (data_.find(needle) == std::string::npos) {
      if (std::chrono::steady_clock::now() > end) return false;
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n == 0) return false;
      if (n > 0) data_.append(buf, static_cast<std::size_t>(n));
    }
    return true;
  }
  const std::string& data() const { return data_; }

 private:
  int fd_;
  std::string data_;
};

}  // namespace rtcrypto::test
