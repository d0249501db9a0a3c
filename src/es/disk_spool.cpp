#include "rtcrypto/es/disk_spool.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace rtcrypto::es {

namespace fs = std::filesystem;

namespace {
constexpr std::size_t kHeader = 8;
constexpr std::uint32_t kMaxEntry = 64u << 20;

std::uint32_t crc_of(const char* p, std::size_t n) {
  return static_cast<std::uint32_t>(
      crc32(0L, reinterpret_cast<const Bytef*>(p), static_cast<uInt>(n)));
}
void put_u32(char* p, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<char>((v >> (8 * i)) & 0xff);
}
std::uint32_t get_u32(const char* p) {
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i)
    v |= static_cast<std::uint32_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  return v;
}
std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}
// Length of the valid prefix of `data` starting at `from` (whole, CRC-correct frames).
std::uint64_t valid_prefix(const std::string& data, std::uint64_t from, std::uint64_t* entries) {
  std::uint64_t pos = from;
  while (pos + kHeader <= data.size()) {
    std::uint32_t len = get_u32(data.data() + pos);
    std::uint32_t crc = get_u32(data.data() + pos + 4);
    if (len > kMaxEntry || pos + kHeader + len > data.size()) break;
    if (crc_of(data.data() + pos + kHeader, len) != crc) break;
    pos += kHeader + len;
    if (entries) ++*entries;
  }
  return pos;
}
void fsync_dir(const fs::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}
}  // namespace

DiskSpool::DiskSpool(fs::path dir, std::uint64_t max_bytes, std::uint64_t segment_bytes)
    : dir_(std::move(dir)),
      max_bytes_(max_bytes),
      segment_bytes_(std::max<std::uint64_t>(segment_bytes, 4096)) {
  fs::create_directories(dir_);
  for (const auto& e : fs::directory_iterator(dir_)) {
    std::string name = e.path().filename().string();
    if (name.size() > 8 && name.rfind("seg-", 0) == 0 && name.substr(name.size() - 4) == ".log") {
      try {
        segments_.push_back(std::stoull(name.substr(4, name.size() - 8)));
      } catch (...) {
      }
    }
  }
  std::sort(segments_.begin(), segments_.end());
  {
    std::ifstream in(dir_ / "cursor");
    SpoolPosition c;
    if (in >> c.segment >> c.offset) cursor_ = c;
  }
  // Forget segments before the cursor; cut torn tails (a crash mid-append).
  std::vector<std::uint64_t> keep;
  for (auto n : segments_) {
    if (n < cursor_.segment) {
      std::error_code ec;
      fs::remove(segment_path(n), ec);
      continue;
    }
    std::string data = read_file(segment_path(n));
    std::uint64_t valid = valid_prefix(data, 0, nullptr);
    if (valid < data.size()) {
      torn_bytes_ += data.size() - valid;
      fs::resize_file(segment_path(n), valid);
    }
    keep.push_back(n);
  }
  segments_ = keep;
  if (!segments_.empty() && cursor_.segment < segments_.front()) cursor_ = {segments_.front(), 0};
  std::uint64_t next = segments_.empty() ? cursor_.segment : segments_.back();
  if (!segments_.empty() && fs::file_size(segment_path(next)) >= segment_bytes_) ++next;
  open_writer(next);
  recount();
}

DiskSpool::~DiskSpool() {
  if (write_fd_ >= 0) {
    if (dirty_) ::fdatasync(write_fd_);
    ::close(write_fd_);
  }
}

fs::path DiskSpool::segment_path(std::uint64_t n) const {
  char name[40];
  std::snprintf(name, sizeof name, "seg-%020llu.log", static_cast<unsigned long long>(n));
  return dir_ / name;
}

void DiskSpool::open_writer(std::uint64_t n) {
  if (write_fd_ >= 0) {
    if (dirty_) ::fdatasync(write_fd_);
    ::close(write_fd_);
    write_fd_ = -1;
  }
  auto path = segment_path(n);
  bool fresh = !fs::exists(path);
  write_fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (write_fd_ < 0)
    throw std::runtime_error("spool: cannot open " + path.string() + ": " + std::strerror(errno));
  write_segment_ = n;
  write_offset_ = fs::file_size(path);
  if (fresh) {
    segments_.push_back(n);
    fsync_dir(dir_);
  }
  dirty_ = false;
}

void DiskSpool::recount() {
  pending_bytes_ = 0;
  pending_entries_ = 0;
  for (auto n : segments_) {
    if (n < cursor_.segment) continue;
    std::string data = read_file(segment_path(n));
    std::uint64_t from =
        n == cursor_.segment ? std::min<std::uint64_t>(cursor_.offset, data.size()) : 0;
    pending_bytes_ += valid_prefix(data, from, &pending_entries_) - from;
  }
}

bool DiskSpool::append(std::string_view entry) {
  if (entry.size() > kMaxEntry) return false;
  std::uint64_t framed = kHeader + entry.size();
  if (pending_bytes_ + framed > max_bytes_) return false;
  if (write_offset_ > 0 && write_offset_ + framed > segment_bytes_) open_writer(write_segment_ + 1);
  std::string buf(kHeader, '\0');
  put_u32(buf.data(), static_cast<std::uint32_t>(entry.size()));
  put_u32(buf.data() + 4, crc_of(entry.data(), entry.size()));
  buf.append(entry);
  std::size_t done = 0;
  while (done < buf.size()) {
    ssize_t n = ::write(write_fd_, buf.data() + done, buf.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      // Disk full or I/O error: cut what we wrote so the segment stays well-formed.
      if (::ftruncate(write_fd_, static_cast<off_t>(write_offset_)) != 0) {
      }
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  write_offset_ += framed;
  pending_bytes_ += framed;
  ++pending_entries_;
  dirty_ = true;
  return true;
}

void DiskSpool::sync() {
  if (dirty_ && write_fd_ >= 0) ::fdatasync(write_fd_);
  dirty_ = false;
}

std::vector<std::string> DiskSpool::peek(std::size_t max_entries, std::size_t max_bytes,
                                         SpoolPosition& end) const {
  std::vector<std::string> out;
  end = cursor_;
  std::size_t bytes = 0;
  for (std::size_t i = 0; i < segments_.size() && out.size() < max_entries && bytes < max_bytes;
       ++i) {
    std::uint64_t n = segments_[i];
    if (n < cursor_.segment) continue;
    std::ifstream in(segment_path(n), std::ios::binary);
    std::uint64_t pos = n == cursor_.segment ? cursor_.offset : 0;
    std::uint64_t limit = n == write_segment_ ? write_offset_ : fs::file_size(segment_path(n));
    in.seekg(static_cast<std::streamoff>(pos));
    bool whole = true;
    while (pos < limit && out.size() < max_entries && bytes < max_bytes) {
      char header[kHeader];
      if (!in.read(header, kHeader)) {
        whole = false;
        break;
      }
      std::uint32_t len = get_u32(header);
      std::string entry(len, '\0');
      if (len > kMaxEntry || !in.read(entry.data(), len) ||
          crc_of(entry.data(), len) != get_u32(header + 4)) {
        pos = limit;  // unreadable rest of a segment: skip it rather than stall forever
        break;
      }
      pos += kHeader + len;
      bytes += len;
      out.push_back(std::move(entry));
    }
    end = {n, pos};
    if (!whole || pos < limit) break;
    if (i + 1 < segments_.size()) end = {segments_[i + 1], 0};
  }
  return out;
}

void DiskSpool::commit(SpoolPosition end, std::size_t entries) {
  if (end < cursor_) return;
  cursor_ = end;
  // Fully consumed: start a fresh segment so the old files can go.
  if (cursor_.segment == write_segment_ && cursor_.offset >= write_offset_ && write_offset_ > 0) {
    open_writer(write_segment_ + 1);
    cursor_ = {write_segment_, 0};
  }
  write_cursor();
  std::vector<std::uint64_t> keep;
  for (auto n : segments_) {
    if (n < cursor_.segment) {
      std::error_code ec;
      fs::remove(segment_path(n), ec);
    } else {
      keep.push_back(n);
    }
  }
  segments_ = keep;
  pending_entries_ = entries > pending_entries_ ? 0 : pending_entries_ - entries;
  pending_bytes_ = 0;
  for (auto n : segments_) {
    std::uint64_t size = n == write_segment_ ? write_offset_ : fs::file_size(segment_path(n));
    std::uint64_t from = n == cursor_.segment ? cursor_.offset : 0;
    pending_bytes_ += size > from ? size - from : 0;
  }
}

void DiskSpool::write_cursor() {
  auto tmp = dir_ / "cursor.tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    throw std::runtime_error("spool: cannot write cursor: " + std::string(std::strerror(errno)));
  std::string text = std::to_string(cursor_.segment) + " " + std::to_string(cursor_.offset) + "\n";
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::fdatasync(fd);
  ::close(fd);
  if (!ok) throw std::runtime_error("spool: cannot write cursor");
  fs::rename(tmp, dir_ / "cursor");
}

}  // namespace rtcrypto::es
