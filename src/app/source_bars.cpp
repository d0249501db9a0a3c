#include <cmath>

#include "rtcrypto/app/bar_events.hpp"
#include "rtcrypto/app/commands.hpp"
#include "rtcrypto/app/run_context.hpp"
#include "rtcrypto/bars/minute_bars.hpp"
#include "rtcrypto/core/log.hpp"
#include "rtcrypto/paper/symbol_rules.hpp"

namespace rtcrypto::app {

void run_bars_source(RunContext& ctx, const std::string& path) {
  if (ctx.cfg.symbols.size() != 1)
    throw UsageError("config key 'symbols': a bars source feeds exactly one symbol (got " +
                     std::to_string(ctx.cfg.symbols.size()) + ")");
  const std::string symbol = normalize_symbol(ctx.cfg.symbols.front());
  std::vector<MinuteBar> bars;
  BarsReport report;
  try {
    bars = read_minute_bars(path, &report);
  } catch (const std::exception& e) {
    throw UsageError(std::string("config key 'source': ") + e.what());
  }
  SymbolRules rules = ctx.exchange()
                          ? ctx.exchange()->rules(symbol)
                          : builtin_symbol_rules(symbol).value_or(generic_symbol_rules(symbol));
  BarEvents events(symbol, ctx.cfg.bars, rules.quote_increment, rules.tick_size);

  // Before --from only a day of bars matters (books and model warm-up); skip the rest.
  const auto from = parse_config_time("from", ctx.cfg.from);
  const auto to = parse_config_time("to", ctx.cfg.to);
  std::size_t first = 0, end = bars.size();
  if (from)
    while (first < bars.size() && bars[first].ts < *from - 1440 * kNsPerMin) ++first;
  if (to)
    while (end > first && bars[end - 1].ts >= *to) --end;

  std::uint64_t fed = 0, bad = 0;
  auto frame_end = [&ctx](TimeNs ts) { ctx.end_of_frame(ts); };
  std::size_t i = first;
  for (; i < end; ++i) {
    if (((i - first) & 4095) == 0) {
      if (ctx.should_stop()) break;
      if (ctx.progress) ctx.progress(i - first, end - first);
    }
    if (events.emit(bars[i], ctx.sink(), frame_end)) {
      if (!from || bars[i].ts >= *from) ++fed;
    } else {
      ++bad;
    }
  }
  if (ctx.progress) ctx.progress(i - first, end - first);
  ctx.summary.frames += fed;
  ctx.summary.skipped_lines += report.rows_skipped + bad;
  log::info("bars: " + path + " (" + report.layout + "), " + std::to_string(fed) + " bars fed, " +
            std::to_string(report.gaps) + " gaps, " + std::to_string(report.rows_skipped + bad) +
            " rows skipped");
}

}  // namespace rtcrypto::app
