#include <chrono>
#include <set>
#include <thread>

#include "rtcrypto/app/commands.hpp"
#include "rtcrypto/app/run_context.hpp"
#include "rtcrypto/core/log.hpp"
#include "rtcrypto/feed/replay_driver.hpp"
#include "rtcrypto/feed/replay_reader.hpp"

namespace rtcrypto::app {

void run_replay_source(RunContext& ctx, const std::string& path) {
  std::unique_ptr<ReplayReader> reader;
  try {
    reader = std::make_unique<ReplayReader>(path);
  } catch (const std::exception& e) {
    throw UsageError(std::string("config key 'source': ") + e.what());
  }
  ReplayOptions opts;
  for (const auto& s : ctx.cfg.symbols) opts.symbols.insert(normalize_symbol(s));
  opts.on_frame_end = [&ctx](TimeNs ts) { ctx.end_of_frame(ts); };
  ReplayDriver driver(ctx.sink(), opts);

  ReplayFrame frame;
  TimeNs first_recv = 0;
  auto wall_start = std::chrono::steady_clock::now();
  std::uint64_t n = 0;
  while (reader->next(frame)) {
    if ((++n & 1023) == 0) {
      if (ctx.should_stop()) break;
      if (ctx.progress) ctx.progress(n, 0);
    }
    if (ctx.cfg.realtime) {  // keep the recorded pacing between frames
      if (first_recv == 0) first_recv = frame.recv_ts;
      auto due = wall_start + std::chrono::nanoseconds(frame.recv_ts - first_recv);
      while (std::chrono::steady_clock::now() < due && !ctx.should_stop())
        std::this_thread::sleep_for(std::min<std::chrono::nanoseconds>(
            due - std::chrono::steady_clock::now(), std::chrono::milliseconds(100)));
      if (ctx.should_stop()) break;
    }
    driver.process(frame);
  }
  ReplayStats st = driver.stats();
  const auto& rs = reader->stats();
  ctx.summary.frames += st.frames;
  ctx.summary.parse_errors +=
      st.feed.parse_errors + st.feed.unknown_types + st.feed.oversized + st.bad_frames;
  ctx.summary.skipped_lines +=
      rs.bad_lines + rs.truncated_lines + rs.oversized_lines + rs.read_errors;
  if (rs.truncated_lines + rs.read_errors > 0)
    log::warn("replay: " + path + " ends with a truncated or unreadable part (" +
              std::to_string(rs.truncated_lines + rs.read_errors) + " skipped)");
}

}  // namespace rtcrypto::app
