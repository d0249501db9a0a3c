#include "rtcrypto/store/jsonl_writer.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace rtcrypto {

JsonlWriter::JsonlWriter(const std::filesystem::path& file, std::string run_id)
    : run_id_(std::move(run_id)) {
  f_ = std::fopen(file.c_str(), "wb");
  if (!f_) throw std::runtime_error("cannot write " + file.string() + ": " + std::strerror(errno));
}

JsonlWriter::~JsonlWriter() {
  if (f_) std::fclose(f_);
}

void JsonlWriter::write(const Record& record) {
  line_ = to_contract_json(record, run_id_);
  line_.push_back('\n');
  std::fwrite(line_.data(), 1, line_.size(), f_);
  ++lines_;
}

void JsonlWriter::flush() {
  std::fflush(f_);
}

}  // namespace rtcrypto
