#pragma once
// `--out-jsonl FILE`: every record as one JSON line in the DESIGN contract shapes (window
// records exactly as on the `liquidity` topic), for scripts and diffing.
#include <cstdio>
#include <filesystem>
#include <string>

#include "rtcrypto/core/record.hpp"

namespace rtcrypto {

class JsonlWriter final : public RecordSink {
 public:
  // Throws std::runtime_error naming the path when it cannot be opened.
  JsonlWriter(const std::filesystem::path& file, std::string run_id);
  ~JsonlWriter() override;
  JsonlWriter(const JsonlWriter&) = delete;
  JsonlWriter& operator=(const JsonlWriter&) = delete;

  void write(const Record& record) override;
  void flush() override;
  std::uint64_t lines() const { return lines_; }

 private:
  std::FILE* f_ = nullptr;
  std::string run_id_;
  std::string line_;
  std::uint64_t lines_ = 0;
};

}  // namespace rtcrypto
