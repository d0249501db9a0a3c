#pragma once
// Shared by the daemon ↔ simulator tests: the in-process SimServer (account `itkey`,
// USD=100000, BTC=0, 60x market speed) and the real rtcrypto binary as a child process in
// sandbox mode against it over loopback TLS, with a store in a temporary directory. A child
// still running when its DaemonProcess goes away is SIGKILLed and reaped, so no failure path
// leaves one behind.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "rtcrypto/core/time.hpp"
#include "rtcrypto/sim/sim_server.hpp"
#include "test_support.hpp"

extern char** environ;

namespace rtcrypto::test {

inline constexpr const char* kDaemonKey = "itkey";
inline constexpr const char* kDaemonSecret = "s3cr3t-daemon-sim-7f1c9e";

inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A book-format table: alternate buy / sell every minute from an hour back to a day ahead
// (the sim's market time runs 60x faster than the wall clock).
inline void write_alternating_table(const std::filesystem::path& p) {
  std::ofstream out(p);
  out << "ds,side\n";
  TimeNs m = floor_to_period(wall_now_ns(), kNsPerMin) - 60 * kNsPerMin;
  for (int i = 0; i < 24 * 60; ++i, m += kNsPerMin)
    out << format_ymd_hms(m) << "," << (i % 2 ? "sell" : "buy") << "\n";
}

// Polls `done` every 20 ms until it is true or `limit` has passed; true when done.
inline bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

// One child process (argv[0] = program), stdout and stderr to `log`, `env` added to ours.
class ChildProcess {
 public:
  ChildProcess(const std::vector<std::string>& argv, const std::vector<std::string>& env,
               const std::filesystem::path& log) {
    // Everything the child needs is made before fork (the parent has threads).
    std::vector<std::string> envs = env;
    for (char** e = environ; *e; ++e) envs.emplace_back(*e);
    std::vector<char*> av, ev;
    for (const auto& a : argv) av.push_back(const_cast<char*>(a.c_str()));
    av.push_back(nullptr);
    for (const auto& e : envs) ev.push_back(const_cast<char*>(e.c_str()));
    ev.push_back(nullptr);
    int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) throw std::runtime_error("cannot open " + log.string());
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      ::execve(av[0], av.data(), ev.data());
      ::_exit(127);
    }
    ::close(fd);
    if (pid_ < 0) throw std::runtime_error("fork failed");
  }
  ~ChildProcess() { kill_now(); }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  bool running() {
    reap(WNOHANG);
    return !status_;
  }
  // The exit code (-1 when killed by a signal), or nullopt if it is still running at `limit`.
  std::optional<int> wait_for(std::chrono::milliseconds limit) {
    wait_until([this] { return !running(); }, limit);
    if (!status_) return std::nullopt;
    return WIFEXITED(*status_) ? WEXITSTATUS(*status_) : -1;
  }
  // SIGKILL (the crash under test, or cleanup) and reap.
  void kill_now() {
    if (pid_ <= 0 || status_) return;
    ::kill(pid_, SIGKILL);
    reap(0);
  }

 private:
  void reap(int flags) {
    if (pid_ <= 0 || status_) return;
    int st = 0;
    pid_t r = ::waitpid(pid_, &st, flags);
    if (r == pid_) status_ = st;
  }
  pid_t pid_ = -1;
  std::optional<int> status_;
};

class DaemonSimFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    sim::SimConfig c;
    c.cert_dir = dir_.path() / "simcert";
    c.seed = 7;
    c.speed = 60;
    c.accounts.push_back(sim::parse_account_spec(std::string(kDaemonKey) + ":" + kDaemonSecret +
                                                 ":USD=100000,BTC=0"));
    configure_sim(c);
    sim_ = std::make_unique<sim::SimServer>(c);
    sim_->start();
    host_ = "127.0.0.1:" + std::to_string(sim_->port());
    write_alternating_table(dir_.path() / "table.csv");
  }
  // Tests that need faults or another market shape set them here (before the sim starts).
  virtual void configure_sim(sim::SimConfig&) {}
  std::filesystem::path store_path() const { return dir_.path() / "rt.db"; }

  // `rtcrypto run --mode sandbox` against the sim for `seconds`, run id it-run, its log in
  // `log_name` under the temporary directory.
  std::unique_ptr<ChildProcess> spawn_daemon(double seconds, const std::string& log_name,
                                             const std::vector<std::string>& extra = {}) {
    std::vector<std::string> argv = {RTC_RTCRYPTO_BIN,
                                     "run",
                                     "--mode",
                                     "sandbox",
                                     "--ws-url",
                                     "wss://" + host_,
                                     "--rest-url",
                                     "https://" + host_,
                                     "--ca-file",
                                     sim_->ca_path().string(),
                                     "--symbols",
                                     "BTCUSD",
                                     "--signal",
                                     "forecast:" + (dir_.path() / "table.csv").string(),
                                     "--store",
                                     store_path().string(),
                                     "--run-id",
                                     "it-run",
                                     "--max-book-age-ms",
                                     "300000",
                                     "--duration",
                                     std::to_string(seconds)};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return std::make_unique<ChildProcess>(
        argv,
        std::vector<std::string>{std::string("GEMINI_API_KEY=") + kDaemonKey,
                                 std::string("GEMINI_API_SECRET=") + daemon_secret_},
        dir_.path() / log_name);
  }

  // Runs the daemon to its end (bounded: `seconds` plus a minute, then killed); returns its
  // exit code, the log in log_.
  int run_daemon(double seconds, const std::vector<std::string>& extra = {}) {
    auto child = spawn_daemon(seconds, "daemon.log", extra);
    auto rc = child->wait_for(std::chrono::milliseconds(static_cast<long>(seconds * 1000) + 60000));
    child->kill_now();
    log_ = slurp(dir_.path() / "daemon.log");
    return rc ? *rc : -2;
  }

  nlohmann::json sim_stats() { return nlohmann::json::parse(sim_->stats_json()); }

  TempDir dir_;
  std::string daemon_secret_ = kDaemonSecret;  // what the daemon is given (tests: a wrong one)
  std::unique_ptr<sim::SimServer> sim_;
  std::string host_, log_;
};

}  // namespace rtcrypto::test
