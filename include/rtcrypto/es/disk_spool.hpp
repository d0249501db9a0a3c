#pragma once
// A bounded on-disk FIFO of opaque entries for when Elasticsearch is unreachable.
// Append-only segment files (seg-<n>.log) of framed entries [u32 length][u32 crc32][bytes];
// a `cursor` file (written by rename) marks how far the consumer has committed. A torn
// tail after a crash is detected by its length/CRC and cut off on open; everything before
// it survives. Single consumer and single producer: the sink's background thread.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace rtcrypto::es {

struct SpoolPosition {
  std::uint64_t segment = 0;
  std::uint64_t offset = 0;
  auto operator<=>(const SpoolPosition&) const = default;
};

class DiskSpool {
 public:
  // `max_bytes` bounds the unconsumed bytes on disk; `segment_bytes` rolls segments.
  DiskSpool(std::filesystem::path dir, std::uint64_t max_bytes,
            std::uint64_t segment_bytes = 8u << 20);
  ~DiskSpool();
  DiskSpool(const DiskSpool&) = delete;
  DiskSpool& operator=(const DiskSpool&) = delete;

  // False (and nothing written) when the spool is full. Not durable until sync().
  bool append(std::string_view entry);
  // fdatasync of what was appended since the last sync (one per batch, not per entry).
  void sync();

  // Up to `max_entries` / about `max_bytes` entries from the committed cursor, in order;
  // `end` is where the consumer commits after they were delivered.
  std::vector<std::string> peek(std::size_t max_entries, std::size_t max_bytes,
                                SpoolPosition& end) const;
  // Marks the `entries` entries before `end` consumed; deletes fully consumed segments.
  void commit(SpoolPosition end, std::size_t entries);

  bool empty() const { return pending_bytes_ == 0; }
  std::uint64_t pending_bytes() const { return pending_bytes_; }
  std::uint64_t pending_entries() const { return pending_entries_; }
  // Bytes of torn or corrupt data cut off when the spool was opened.
  std::uint64_t recovered_torn_bytes() const { return torn_bytes_; }
  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path segment_path(std::uint64_t n) const;
  void open_writer(std::uint64_t n);
  void write_cursor();
  void recount();

  std::filesystem::path dir_;
  std::uint64_t max_bytes_;
  std::uint64_t segment_bytes_;
  std::vector<std::uint64_t> segments_;  // existing segment numbers, ascending
  SpoolPosition cursor_;
  int write_fd_ = -1;
  std::uint64_t write_segment_ = 0;
  std::uint64_t write_offset_ = 0;
  bool dirty_ = false;
  std::uint64_t pending_bytes_ = 0;
  std::uint64_t pending_entries_ = 0;
  std::uint64_t torn_bytes_ = 0;
};

}  // namespace rtcrypto::es
