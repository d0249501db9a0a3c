#pragma once
// The embedded store: every document as one row of SQLite (WAL), queryable with the sqlite3
// shell (`json_extract(body,'$.price')`), plus a key/value table for the state a restart
// needs (position, last buy price, kill switch, open orders, paper account, nonces).
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rtcrypto/core/record.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace rtcrypto {

class SqliteStore final : public RecordSink {
 public:
  // Opens or creates the file; throws std::runtime_error with the path and SQLite's reason.
  SqliteStore(const std::filesystem::path& file, std::string run_id);
  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  // Buffered in a transaction; orders, fills, scores and balances commit at once (they are
  // what a restart depends on), the rest in batches and at flush().
  void write(const Record& record) override;
  void flush() override;

  // State: small text values (JSON or the engine codec) under a key; written through immediately.
  void put_state(std::string_view key, std::string_view json_value);
  std::optional<std::string> get_state(std::string_view key) const;
  std::map<std::string, std::string> all_state() const;

  // Removes every document of a run (a replay under the same run id replaces it).
  void delete_run(std::string_view run_id);

  std::uint64_t documents_written() const { return written_; }
  // Documents of one run and type, in insertion order (for tests and reports).
  std::vector<std::string> documents(std::string_view run_id, std::string_view doc_type) const;
  std::uint64_t count(std::string_view run_id, std::string_view doc_type) const;
  const std::filesystem::path& path() const { return path_; }

 private:
  void exec(const char* sql);
  void begin_if_needed();
  void commit();

  std::filesystem::path path_;
  std::string run_id_;
  sqlite3* db_ = nullptr;
  sqlite3_stmt* insert_ = nullptr;
  bool in_tx_ = false;
  std::uint32_t pending_ = 0;
  std::uint64_t written_ = 0;
};

}  // namespace rtcrypto
