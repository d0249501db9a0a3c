#pragma once
// Helpers shared by the test suites: where ../shared/data is, reading its files by line,
// and temporary directories.
#include <gtest/gtest.h>

#include <cstdlib>
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
