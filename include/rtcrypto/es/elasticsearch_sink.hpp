#pragma once
// Stores Records in Elasticsearch (the DESIGN "stored documents"), from a background thread.
//
// write() serialises the document (to_document_json), gives it a deterministic id and puts
// it on a bounded in-memory queue: it never waits for the network or the disk. The shipper
// thread installs the index template, sends `_bulk` batches by size and age, retries item
// 429 and whole-request 429/503 with backoff, counts and reports other item errors, and
// while Elasticsearch is unreachable appends documents to a disk spool (in order, fsync per
// batch) that it drains, oldest first, when Elasticsearch answers again. Document ids are
// the same for the same run, so a retry, a spool replay or a replayed run never doubles a
// document.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include "rtcrypto/core/record.hpp"

namespace rtcrypto::es {

struct ElasticsearchOptions {
  std::string url = "http://127.0.0.1:9200";  // --es URL
  std::string index = "gemini";               // index name, or the daily prefix
  bool daily_index = false;                   // index-YYYY.MM.DD by the document's event time
  std::string username, password;             // basic auth (optional)
  std::string api_key;                        // "ApiKey" auth, the base64 id:key (optional)
  std::string ca_file;                        // extra CA for TLS; verification is always on
  std::string template_name = "rtcrypto-gemini";
  std::filesystem::path template_file;  // empty: the built-in copy of gemini-template.json
  std::string run_id;

  std::size_t batch_max_docs = 500;
  std::size_t batch_max_bytes = 4u << 20;
  std::chrono::milliseconds batch_max_age{1000};
  std::size_t queue_capacity = 100000;  // in memory; beyond it documents are dropped+counted

  std::filesystem::path spool_dir;  // empty: no spool (documents wait in memory only)
  std::uint64_t spool_max_bytes = 512ull << 20;
  std::uint64_t spool_segment_bytes = 8u << 20;

  int max_attempts = 5;  // per batch, for 429/503 before it goes to the spool
  std::chrono::milliseconds backoff_initial{200};
  std::chrono::milliseconds backoff_max{10000};
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds request_timeout{15000};
  std::chrono::milliseconds flush_timeout{10000};
};

struct ElasticsearchStats {
  std::uint64_t written = 0;      // write() calls accepted
  std::uint64_t indexed = 0;      // items acknowledged 2xx
  std::uint64_t item_errors = 0;  // permanent item errors (400, 404, ...)
  std::uint64_t retries = 0;      // item 429 / whole 429 / 503 retries
  std::uint64_t dropped = 0;      // queue or spool full
  std::uint64_t spooled = 0;      // entries appended to the spool
  std::uint64_t spool_bytes = 0;  // unconsumed spool bytes now
  std::uint64_t queued = 0;       // in-memory queue depth now
  bool reachable = false;         // the last request got an HTTP answer
  std::string last_error;         // the last problem, for /healthz and logs
};

class ElasticsearchSink final : public RecordSink {
 public:
  // Validates the options (throws std::invalid_argument naming the option) and starts the
  // shipper thread; the first connection happens on that thread.
  explicit ElasticsearchSink(ElasticsearchOptions options);
  ~ElasticsearchSink() override;  // flushes (bounded by flush_timeout), rest to the spool

  void write(const Record& record) override;
  // Waits (at most flush_timeout) until everything written so far is indexed or spooled.
  void flush() override;

  ElasticsearchStats stats() const;
  // Healthy: Elasticsearch answers, nothing dropped, spool not filling. Reason otherwise.
  bool healthy(std::string* reason = nullptr) const;

 private:
  struct Shipper;
  std::unique_ptr<Shipper> shipper_;
};

// The document id: hex SHA-256 (first 20 bytes) of run_id, doc_type, symbol, ts, sequence.
std::string document_id(std::string_view run_id, std::string_view doc_type, std::string_view symbol,
                        std::int64_t ts, std::uint64_t sequence);
// "gemini" or "gemini-2021.04.05" for the daily pattern.
std::string index_name(std::string_view index, bool daily, std::int64_t ts);
// The built-in index template (config/elasticsearch/gemini-template.json) with its
// index_patterns set to [index, index-*].
std::string index_template_json(std::string_view index, const std::filesystem::path& file = {});

}  // namespace rtcrypto::es
