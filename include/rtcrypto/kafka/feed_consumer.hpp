#pragma once
// Reads `gemini-feed` in a consumer group and replays it into a MarketEventSink.
//
// Snapshot rule. A producer of this project brackets every snapshot with explicit
// snapshot_begin / snapshot_end records (feed_codec.hpp). Records from other producers
// may carry only the DESIGN fields: then a run of "snapshot":true levels for one symbol is
// a snapshot: on_snapshot_begin comes before its first level, on_snapshot_end when the
// first non-snapshot record of that symbol or a record of another symbol arrives (on that
// partition). Frame records call on_time(clock) and then the frame callback.
//
// Offsets: auto commit is off. The consumer remembers the next offset of every partition
// whose records it has delivered; commit() stores exactly those (call it after the records
// the sink produced are stored). On a rebalance the `before_revoke` hook runs and the
// offsets are committed before the partitions go.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "rtcrypto/core/events.hpp"

namespace rtcrypto::kafka {

struct ConsumerOptions {
  std::string brokers;
  std::map<std::string, std::string> properties;  // any librdkafka property (wins)
  std::string group = "rtcrypto";
  std::string topic = "gemini-feed";
  std::string name = "rtcrypto";
};

// Defaults applied before ConsumerOptions::properties: no auto commit, earliest offset for
// a new group, partition EOF events on.
std::map<std::string, std::string> default_consumer_properties();

struct ConsumerStats {
  std::uint64_t messages = 0;  // records delivered to the sink
  std::uint64_t levels = 0;
  std::uint64_t bad = 0;  // undecodable records (counted, logged, skipped)
  std::uint64_t commits = 0;
  std::uint64_t errors = 0;  // consumer errors (broker away, ...)
};

// Turns decoded records into sink calls with the snapshot rule above. Kept apart from
// librdkafka so that it can be tested (and reused) on plain strings.
class FeedReplayer {
 public:
  FeedReplayer(MarketEventSink& sink, std::function<void(TimeNs)> on_frame_end);
  ~FeedReplayer();
  // False (and `error` set) for an undecodable record, which is skipped.
  bool apply(std::string_view json, std::string& error);
  // Closes an implicit snapshot left open (end of input).
  void close_open_snapshots(TimeNs ts);
  std::uint64_t levels() const { return levels_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::uint64_t levels_ = 0;
};

class FeedConsumer {
 public:
  // Throws std::runtime_error naming a rejected property.
  FeedConsumer(ConsumerOptions options, MarketEventSink& sink,
               std::function<void(TimeNs)> on_frame_end);
  ~FeedConsumer();  // closes the consumer (leaves the group); does not commit
  FeedConsumer(const FeedConsumer&) = delete;
  FeedConsumer& operator=(const FeedConsumer&) = delete;

  // Waits up to `timeout` for records and delivers what arrived (up to ~1000). Returns the
  // number of records handled.
  std::size_t poll(std::chrono::milliseconds timeout);
  // Commits the offsets after every record delivered so far (synchronous). False on error.
  bool commit();
  // Runs before offsets are committed on a rebalance (flush the sinks there).
  void set_before_revoke(std::function<void()> hook);
  // True once every assigned partition has reported its end (and nothing came since).
  bool at_end() const;
  const ConsumerStats& stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rtcrypto::kafka
