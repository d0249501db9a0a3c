#pragma once
// Helpers shared by the test suites: where ../shared/data is, reading its files by line,
// and temporary directories.
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace rtcrypto::test {

// ../shared/data, from RTCRYPTO_SHARED_DATA or the path known at configure time.
inline std::filesystem::path shared_data() {
  if (const char* env = std::getenv("RTCRYPTO_SHARED_DATA"); env && *env) return env;
  return RTC_SHARED_DATA_DEFAULT;
}

// Path to a shared file, or skips the test when the shared data is not beside the project.
#define RTC_SHARED_FILE_OR_SKIP(var, rel)             \
  auto var = ::rtcrypto::test::shared_data() / (rel); \
  if (!std::filesystem::exists(var)) GTEST_SKIP() << "no shared data: " << var

// A file's lines (the recorded frames: one per line).
inline std::vector<std::string> read_lines(const std::filesystem::path& path) {
  std::vector<std::string> out;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// Bytes a mutation writes into a recorded frame: JSON's structure, digits, letters of its keys
// and sides, and two bytes that are never valid.
inline const std::string kMutationBytes = "{}[],:\"\\ 0123456789.-eEabuysl\x01\xff";

// The frames, then `count` copies of random ones (empty ones skipped) with one byte replaced
// from kMutationBytes.
inline std::vector<std::string> with_byte_mutations(std::vector<std::string> frames, int count,
                                                    std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  const std::size_t recorded = frames.size();
  for (int i = 0; i < count && recorded > 0; ++i) {
    std::string f = frames[rng() % recorded];
    if (f.empty()) continue;
    f[rng() % f.size()] = kMutationBytes[rng() % kMutationBytes.size()];
    frames.push_back(f);
  }
  return frames;
}

// `pages` writable pages followed by an unreadable one: bytes placed at the end are the last
// readable ones, so a read past them faults (kernels that read ahead must stop at an end).
class GuardedPages {
 public:
  explicit GuardedPages(std::size_t pages = 1) {
    const auto page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    size_ = pages * page;
    void* m =
        mmap(nullptr, size_ + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) return;
    base_ = static_cast<char*>(m);
    if (mprotect(base_ + size_, page, PROT_NONE) != 0) {
      munmap(base_, size_ + page);
      base_ = nullptr;
    }
  }
  GuardedPages(const GuardedPages&) = delete;
  GuardedPages& operator=(const GuardedPages&) = delete;
  ~GuardedPages() {
    if (base_) munmap(base_, size_ + static_cast<std::size_t>(sysconf(_SC_PAGESIZE)));
  }
  bool ok() const { return base_ != nullptr; }
  std::size_t size() const { return size_; }
  // Copies n <= size() bytes to end at the guard page; returns where they start.
  char* place(const void* data, std::size_t n) {
    char* const at = base_ + size_ - n;
    if (n) std::memcpy(at, data, n);
    return at;
  }

 private:
  std::size_t size_ = 0;
  char* base_ = nullptr;
};

// A fresh directory under the system temp dir, removed with the object.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("rtcrypto-test-" + std::to_string(rd()) + "-" + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

}  // namespace rtcrypto::test
