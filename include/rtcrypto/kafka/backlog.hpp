#pragma once
// A FIFO of messages waiting for room in librdkafka: a bounded in-memory part and, with a
// spill file, an unbounded on-disk part behind it (newer messages). The file holds records
// [u32 topic len][u32 key len][u32 payload len][topic][key][payload]; it is read back in
// order and truncated once drained, and a file left by an earlier run is picked up.
#include <cstdint>
#include <cstdio>
#include <deque>
#include <string>
#include <string_view>

namespace rtcrypto::kafka {

struct QueuedMessage {
  std::string topic, key, payload;
};

class Backlog {
 public:
  // `spill_path` empty = memory only.
  Backlog(std::size_t memory_limit, std::string spill_path);
  ~Backlog();
  Backlog(const Backlog&) = delete;
  Backlog& operator=(const Backlog&) = delete;

  bool empty() const { return memory_.empty() && disk_count_ == 0; }
  std::size_t size() const { return memory_.size() + disk_count_; }
  std::size_t memory_size() const { return memory_.size(); }
  std::uint64_t disk_count() const { return disk_count_; }
  bool memory_full() const { return memory_.size() >= limit_; }
  bool has_spill() const { return !path_.empty(); }

  // Appends to memory while there is room and nothing is on disk, else to the file.
  // Returns false when memory is full and there is no spill file (caller decides).
  bool push(QueuedMessage m, bool& spilled);
  // Drops the oldest message in memory (DropOldest).
  void drop_oldest() {
    if (!memory_.empty()) memory_.pop_front();
  }
  // Forgets the memory part (DropOldest at shutdown: counted as lost by the caller).
  void clear() { memory_.clear(); }
  // The oldest message (refills memory from the file when needed). Requires !empty().
  QueuedMessage& front();
  void pop_front();
  // Writes everything still held in memory to the file, after what is there (shutdown).
  // Returns the number of messages on disk afterwards.
  std::uint64_t persist();

 private:
  bool refill();
  void open_for_append();
  void reset_file();

  std::size_t limit_;
  std::string path_;
  std::deque<QueuedMessage> memory_;
  std::FILE* file_ = nullptr;
  long read_pos_ = 0;  // next unread record in the file
  std::uint64_t disk_count_ = 0;
};

}  // namespace rtcrypto::kafka
