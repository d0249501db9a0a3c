#include "rtcrypto/store/sqlite_store.hpp"

#include <sqlite3.h>

#include <stdexcept>

namespace rtcrypto {
namespace {

constexpr std::uint32_t kBatch = 512;

bool commits_now(const std::string& doc_type) {
  return doc_type == "order" || doc_type == "score" || doc_type == "balance" || doc_type == "fill";
}

struct Stmt {
  sqlite3_stmt* s = nullptr;
  ~Stmt() { sqlite3_finalize(s); }
};

}  // namespace

SqliteStore::SqliteStore(const std::filesystem::path& file, std::string run_id)
    : path_(file), run_id_(std::move(run_id)) {
  if (sqlite3_open(file.c_str(), &db_) != SQLITE_OK) {
    std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw std::runtime_error("cannot open store " + file.string() + ": " + why);
  }
  sqlite3_busy_timeout(db_, 5000);
  try {
    exec("PRAGMA journal_mode=WAL");
    exec("PRAGMA synchronous=NORMAL");
    exec(
        "CREATE TABLE IF NOT EXISTS documents ("
        " id INTEGER PRIMARY KEY AUTOINCREMENT,"
        " run_id TEXT NOT NULL, doc_type TEXT NOT NULL, symbol TEXT NOT NULL,"
        " ts_ns INTEGER NOT NULL, timestamp TEXT NOT NULL, body TEXT NOT NULL)");
    exec("CREATE INDEX IF NOT EXISTS documents_type_ts ON documents(doc_type, ts_ns)");
    exec("CREATE INDEX IF NOT EXISTS documents_run ON documents(run_id, doc_type)");
    exec(
        "CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL,"
        " updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))");
    if (sqlite3_prepare_v2(db_,
                           "INSERT INTO documents(run_id, doc_type, symbol, ts_ns, timestamp, body)"
                           " VALUES(?,?,?,?,?,?)",
                           -1, &insert_, nullptr) != SQLITE_OK)
      throw std::runtime_error(sqlite3_errmsg(db_));
  } catch (const std::exception& e) {
    sqlite3_finalize(insert_);
    sqlite3_close(db_);
    db_ = nullptr;
    throw std::runtime_error("cannot prepare store " + file.string() + ": " + e.what());
  }
}

SqliteStore::~SqliteStore() {
  try {
    flush();
  } catch (...) {
  }
  sqlite3_finalize(insert_);
  sqlite3_close(db_);
}

void SqliteStore::exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string why = err ? err : "unknown error";
    sqlite3_free(err);
    throw std::runtime_error("store: " + why);
  }
}

void SqliteStore::begin_if_needed() {
  if (!in_tx_) {
    exec("BEGIN");
    in_tx_ = true;
  }
}

void SqliteStore::commit() {
  if (in_tx_) {
    exec("COMMIT");
    in_tx_ = false;
    pending_ = 0;
  }
}

void SqliteStore::write(const Record& r) {
  begin_if_needed();
  std::string body = to_document_json(r, run_id_);
  std::string ts = format_iso8601_ms(r.ts);
  sqlite3_reset(insert_);
  sqlite3_bind_text(insert_, 1, run_id_.c_str(), static_cast<int>(run_id_.size()),
                    SQLITE_TRANSIENT);
  sqlite3_bind_text(insert_, 2, r.doc_type.c_str(), static_cast<int>(r.doc_type.size()),
                    SQLITE_TRANSIENT);
  sqlite3_bind_text(insert_, 3, r.symbol.c_str(), static_cast<int>(r.symbol.size()),
                    SQLITE_TRANSIENT);
  sqlite3_bind_int64(insert_, 4, r.ts);
  sqlite3_bind_text(insert_, 5, ts.c_str(), static_cast<int>(ts.size()), SQLITE_TRANSIENT);
  sqlite3_bind_text(insert_, 6, body.c_str(), static_cast<int>(body.size()), SQLITE_TRANSIENT);
  if (sqlite3_step(insert_) != SQLITE_DONE)
    throw std::runtime_error(std::string("store: insert failed: ") + sqlite3_errmsg(db_));
  ++written_;
  if (commits_now(r.doc_type) || ++pending_ >= kBatch) commit();
}

void SqliteStore::flush() {
  commit();
}

void SqliteStore::put_state(std::string_view key, std::string_view value) {
  commit();
  Stmt st;
  sqlite3_prepare_v2(db_,
                     "INSERT INTO state(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET"
                     " value=excluded.value, updated_at=strftime('%Y-%m-%dT%H:%M:%fZ','now')",
                     -1, &st.s, nullptr);
  sqlite3_bind_text(st.s, 1, key.data(), static_cast<int>(key.size()), SQLITE_TRANSIENT);
  sqlite3_bind_text(st.s, 2, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
  if (sqlite3_step(st.s) != SQLITE_DONE)
    throw std::runtime_error(std::string("store: state write failed: ") + sqlite3_errmsg(db_));
}

void SqliteStore::delete_run(std::string_view run_id) {
  commit();
  Stmt st;
  sqlite3_prepare_v2(db_, "DELETE FROM documents WHERE run_id = ?", -1, &st.s, nullptr);
  sqlite3_bind_text(st.s, 1, run_id.data(), static_cast<int>(run_id.size()), SQLITE_TRANSIENT);
  if (sqlite3_step(st.s) != SQLITE_DONE)
    throw std::runtime_error(std::string("store: delete failed: ") + sqlite3_errmsg(db_));
}

std::optional<std::string> SqliteStore::get_state(std::string_view key) const {
  Stmt st;
  sqlite3_prepare_v2(db_, "SELECT value FROM state WHERE key = ?", -1, &st.s, nullptr);
  sqlite3_bind_text(st.s, 1, key.data(), static_cast<int>(key.size()), SQLITE_TRANSIENT);
  if (sqlite3_step(st.s) == SQLITE_ROW)
    return std::string(reinterpret_cast<const char*>(sqlite3_column_text(st.s, 0)));
  return std::nullopt;
}

std::map<std::string, std::string> SqliteStore::all_state() const {
  std::map<std::string, std::string> out;
  Stmt st;
  sqlite3_prepare_v2(db_, "SELECT key, value FROM state", -1, &st.s, nullptr);
  while (sqlite3_step(st.s) == SQLITE_ROW) {
    out.emplace(reinterpret_cast<const char*>(sqlite3_column_text(st.s, 0)),
                reinterpret_cast<const char*>(sqlite3_column_text(st.s, 1)));
  }
  return out;
}

std::vector<std::string> SqliteStore::documents(std::string_view run_id,
                                                std::string_view doc_type) const {
  std::vector<std::string> out;
  Stmt st;
  sqlite3_prepare_v2(db_,
                     "SELECT body FROM documents WHERE run_id = ? AND doc_type = ? ORDER BY id", -1,
                     &st.s, nullptr);
  sqlite3_bind_text(st.s, 1, run_id.data(), static_cast<int>(run_id.size()), SQLITE_TRANSIENT);
  sqlite3_bind_text(st.s, 2, doc_type.data(), static_cast<int>(doc_type.size()), SQLITE_TRANSIENT);
  while (sqlite3_step(st.s) == SQLITE_ROW)
    out.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st.s, 0)));
  return out;
}

std::uint64_t SqliteStore::count(std::string_view run_id, std::string_view doc_type) const {
  Stmt st;
  sqlite3_prepare_v2(db_, "SELECT count(*) FROM documents WHERE run_id = ? AND doc_type = ?", -1,
                     &st.s, nullptr);
  sqlite3_bind_text(st.s, 1, run_id.data(), static_cast<int>(run_id.size()), SQLITE_TRANSIENT);
  sqlite3_bind_text(st.s, 2, doc_type.data(), static_cast<int>(doc_type.size()), SQLITE_TRANSIENT);
  if (sqlite3_step(st.s) == SQLITE_ROW)
    return static_cast<std::uint64_t>(sqlite3_column_int64(st.s, 0));
  return 0;
}

}  // namespace rtcrypto
