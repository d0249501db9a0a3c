#include "rtcrypto/kafka/backlog.hpp"

#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "rtcrypto/core/log.hpp"

namespace rtcrypto::kafka {

namespace {

bool write_u32(std::FILE* f, std::uint32_t v) {
  return std::fwrite(&v, 4, 1, f) == 1;
}

bool write_record(std::FILE* f, const QueuedMessage& m) {
  return write_u32(f, static_cast<std::uint32_t>(m.topic.size())) &&
         write_u32(f, static_cast<std::uint32_t>(m.key.size())) &&
         write_u32(f, static_cast<std::uint32_t>(m.payload.size())) &&
         std::fwrite(m.topic.data(), 1, m.topic.size(), f) == m.topic.size() &&
         std::fwrite(m.key.data(), 1, m.key.size(), f) == m.key.size() &&
         std::fwrite(m.payload.data(), 1, m.payload.size(), f) == m.payload.size();
}

constexpr std::uint32_t kMaxField = 64u << 20;  // a bigger length means a damaged file

bool read_record(std::FILE* f, QueuedMessage& m) {
  std::uint32_t len[3];
  if (std::fread(len, 4, 3, f) != 3) return false;
  for (auto l : len)
    if (l > kMaxField) return false;
  m.topic.resize(len[0]);
  m.key.resize(len[1]);
  m.payload.resize(len[2]);
  return std::fread(m.topic.data(), 1, len[0], f) == len[0] &&
         std::fread(m.key.data(), 1, len[1], f) == len[1] &&
         std::fread(m.payload.data(), 1, len[2], f) == len[2];
}

}  // namespace

Backlog::Backlog(std::size_t memory_limit, std::string spill_path)
    : limit_(memory_limit == 0 ? 1 : memory_limit), path_(std::move(spill_path)) {
  if (path_.empty()) return;
  std::error_code ec;
  auto size = std::filesystem::file_size(path_, ec);
  if (ec || size == 0) return;
  // A spill file from an earlier run: count its records, send them first.
  std::FILE* f = std::fopen(path_.c_str(), "rb");
  if (!f) throw std::runtime_error("cannot read the Kafka spill file " + path_);
  QueuedMessage m;
  long good_end = 0;
  while (read_record(f, m)) {
    ++disk_count_;
    good_end = std::ftell(f);
  }
  std::fclose(f);
  if (static_cast<std::uintmax_t>(good_end) != size) {
    log::warn("kafka: spill file " + path_ + " ends with a damaged record; " +
              std::to_string(size - good_end) + " bytes ignored");
    std::filesystem::resize_file(path_, good_end, ec);
  }
  if (disk_count_ > 0)
    log::info("kafka: " + std::to_string(disk_count_) + " messages from the spill file " + path_ +
              " will be sent first");
}

Backlog::~Backlog() {
  if (file_) std::fclose(file_);
}

void Backlog::open_for_append() {
  if (file_) return;
  file_ = std::fopen(path_.c_str(), "a+b");
  if (!file_)
    throw std::runtime_error("cannot open the Kafka spill file " + path_ + ": " +
                             std::strerror(errno));
}

bool Backlog::push(QueuedMessage m, bool& spilled) {
  spilled = false;
  if (disk_count_ == 0 && memory_.size() < limit_) {
    memory_.push_back(std::move(m));
    return true;
  }
  if (path_.empty()) return false;
  open_for_append();
  std::fseek(file_, 0, SEEK_END);
  if (!write_record(file_, m))
    throw std::runtime_error("cannot write the Kafka spill file " + path_);
  std::fflush(file_);
  ++disk_count_;
  spilled = true;
  return true;
}

bool Backlog::refill() {
  if (disk_count_ == 0) return false;
  open_for_append();
  std::fflush(file_);
  std::fseek(file_, read_pos_, SEEK_SET);
  QueuedMessage m;
  while (memory_.size() < limit_ && disk_count_ > 0 && read_record(file_, m)) {
    memory_.push_back(std::move(m));
    --disk_count_;
    read_pos_ = std::ftell(file_);
  }
  if (disk_count_ == 0) reset_file();
  return !memory_.empty();
}

void Backlog::reset_file() {
  if (file_) std::fclose(file_);
  file_ = nullptr;
  read_pos_ = 0;
  disk_count_ = 0;
  std::error_code ec;
  std::filesystem::remove(path_, ec);
}

QueuedMessage& Backlog::front() {
  if (memory_.empty()) refill();
  return memory_.front();
}

void Backlog::pop_front() {
  if (memory_.empty()) refill();
  if (!memory_.empty()) memory_.pop_front();
}

std::uint64_t Backlog::persist() {
  if (path_.empty() || memory_.empty()) return disk_count_;
  // Memory holds the oldest messages: rewrite the file as memory + the unread file part.
  std::string tmp = path_ + ".tmp";
  std::FILE* out = std::fopen(tmp.c_str(), "wb");
  if (!out) throw std::runtime_error("cannot write the Kafka spill file " + tmp);
  std::uint64_t n = 0;
  for (const auto& m : memory_) n += write_record(out, m) ? 1 : 0;
  if (disk_count_ > 0) {
    open_for_append();
    std::fflush(file_);
    std::fseek(file_, read_pos_, SEEK_SET);
    QueuedMessage m;
    while (read_record(file_, m)) n += write_record(out, m) ? 1 : 0;
  }
  std::fclose(out);
  if (file_) std::fclose(file_);
  file_ = nullptr;
  std::filesystem::rename(tmp, path_);
  memory_.clear();
  read_pos_ = 0;
  disk_count_ = n;
  return n;
}

}  // namespace rtcrypto::kafka
