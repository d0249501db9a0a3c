// The daemon (`rtcrypto run --mode sandbox`, the real binary) against the in-process simulator
// under faults: sequence gaps, crossed books, HTTP 429 bursts, a wrong API secret and a
// timed-out order/new. The sim journals what it did and when (SimServer::events(): frames
// withheld, the frame that reveals a gap, snapshots, every REST call with its key, status and
// client_order_id); the daemon's store holds every decision with its event time and the
// order it sent. The tests compare the two. LABEL integration_sim.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "daemon_sim_fixture.hpp"
#include "rtcrypto/book/book_fingerprint.hpp"
#include "rtcrypto/store/sqlite_store.hpp"

namespace rtcrypto {
namespace {

using test::kDaemonKey;
using test::kDaemonSecret;
using test::wait_until;
using Events = std::vector<sim::SimEvent>;
using std::chrono::milliseconds;

// The daemon's decisions by event time, and the client_order_id of those that sent one.
struct DecisionLog {
  struct Row {
    TimeNs decided_at = 0;
    bool taken = false;
    bool book_whole = true;
    bool book_crossed = false;
    std::string reason, client_order_id;
  };
  std::vector<Row> rows;
  const Row* by_order(const std::string& cid) const {
    for (const auto& r : rows)
      if (r.client_order_id == cid) return &r;
    return nullptr;
  }
};

DecisionLog read_decisions(const std::filesystem::path& store_path) {
  SqliteStore store(store_path, "it-run");
  DecisionLog out;
  for (const auto& doc : store.documents("it-run", "decision")) {
    auto j = nlohmann::json::parse(doc);
    DecisionLog::Row r;
    r.decided_at = j.at("decided_at").get<TimeNs>();
    r.taken = j.at("taken").get<bool>();
    r.book_whole = j.at("book_whole").get<bool>();
    r.book_crossed = j.at("book_crossed").get<bool>();
    r.reason = j.at("reason").get<std::string>();
    if (j.contains("client_order_id") && j["client_order_id"].is_string())
      r.client_order_id = j["client_order_id"].get<std::string>();
    out.rows.push_back(std::move(r));
  }
  return out;
}

// A stretch in which the daemon's book was known (to the sim) to be unusable: from the
// moment the fault became visible to the client to the snapshot of the next connection.
struct Outage {
  const sim::SimEvent* fault;     // ws_gap_seen or ws_cross
  const sim::SimEvent* snapshot;  // first snapshot on a later session, or null
};

std::vector<Outage> outages(const Events& ev, const std::string& kind) {
  std::vector<Outage> out;
  for (const auto& e : ev) {
    if (e.kind != kind) continue;
    Outage o{&e, nullptr};
    for (const auto& s : ev) {
      if (s.kind == "ws_snapshot" && s.symbol == e.symbol && s.session > e.session &&
          s.wall >= e.wall) {
        o.snapshot = &s;
        break;
      }
    }
    out.push_back(o);
  }
  return out;
}

std::size_t count_kind(const Events& ev, const std::string& kind) {
  return static_cast<std::size_t>(
      std::count_if(ev.begin(), ev.end(), [&](const auto& e) { return e.kind == kind; }));
}

std::vector<const sim::SimEvent*> rest_calls(const Events& ev, const std::string& path = {}) {
  std::vector<const sim::SimEvent*> out;
  for (const auto& e : ev)
    if (e.kind == "rest" && (path.empty() || e.path == path)) out.push_back(&e);
  return out;
}

// "feed: BTCUSD book at exit: whole, 25 bids, 25 asks, fingerprint 0123456789abcdef".
std::optional<std::string> exit_fingerprint(const std::string& log) {
  std::smatch m;
  static const std::regex re("BTCUSD book at exit: whole, .* fingerprint ([0-9a-f]{16})");
  if (!std::regex_search(log, m, re)) return std::nullopt;
  return m[1].str();
}

std::uint64_t log_count(const std::string& log, const std::string& label) {
  // "… resync(s) (3 sequence gap(s), 0 crossed book(s))"
  std::smatch m;
  const std::regex re("([0-9]+) " + label);
  if (!std::regex_search(log, m, re)) return 0;
  return std::stoull(m[1].str());
}

class DaemonFaults : public test::DaemonSimFixture {
 protected:
  // Runs the daemon for `seconds` with the configured faults; `faults_off_after` seconds
  // after the start the faults stop and, 2 s later, the synthetic flow freezes, so that
  // every fault has been seen and resynced and the book stands still at the end. `tick` is
  // called every 100 ms until then with the seconds since the start.
  int run_with_clean_end(double seconds, double faults_off_after,
                         const std::function<void(double)>& tick = {}) {
    auto child = spawn_daemon(seconds, "daemon.log");
    const auto t0 = std::chrono::steady_clock::now();
    for (;;) {
      const double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      if (t >= faults_off_after) break;
      if (tick) tick(t);
      std::this_thread::sleep_for(milliseconds(100));
    }
    sim_->set_faults({});
    std::this_thread::sleep_for(milliseconds(2000));
    sim_->set_flow_paused(true);
    auto rc = child->wait_for(milliseconds(static_cast<long>(seconds * 1000) + 40000));
    child->kill_now();
    log_ = test::slurp(dir_.path() / "daemon.log");
    return rc ? *rc : -2;
  }

  // The daemon's book at exit equals the sim's true book (flow frozen, nothing in flight).
  void expect_book_equals_sim() {
    auto fp = exit_fingerprint(log_);
    ASSERT_TRUE(fp.has_value()) << "no whole book at exit\n" << log_;
    const auto truth = sim_->true_book("BTCUSD");
    EXPECT_GT(truth.book.depth(Side::Bid), 0u);
    EXPECT_EQ(*fp, format_fingerprint(book_fingerprint(truth.book))) << log_;
  }

  // No order reached the sim during an outage unless the daemon had decided it before the
  // fault was visible (an order already on its way); no decision inside an outage sent an
  // order. Returns the decisions taken inside outages (all refused or holding).
  std::size_t expect_no_orders_during(const std::vector<Outage>& outs, const Events& ev,
                                      const DecisionLog& decisions) {
    std::size_t inside = 0;
    for (const Outage& o : outs) {
      EXPECT_NE(o.snapshot, nullptr)
          << o.fault->kind << " at session " << o.fault->session << " never resubscribed\n"
          << log_;
      if (!o.snapshot) continue;
      for (const auto* call : rest_calls(ev, "/v1/order/new")) {
        if (call->wall <= o.fault->wall || call->wall > o.snapshot->wall) continue;
        const auto* d = decisions.by_order(call->client_order_id);
        EXPECT_NE(d, nullptr) << "order/new " << call->client_order_id << " with no decision";
        if (d)
          EXPECT_LT(d->decided_at, o.fault->market)
              << "order " << call->client_order_id << " decided while the book was not whole";
      }
      for (const auto& d : decisions.rows) {
        if (d.decided_at < o.fault->market || d.decided_at >= o.snapshot->market) continue;
        ++inside;
        EXPECT_FALSE(d.taken) << "order " << d.client_order_id << " sent during a resync";
        EXPECT_TRUE(!d.book_whole || d.book_crossed) << "a usable book during a resync";
      }
    }
    return inside;
  }

  void expect_no_duplicate_orders() {
    auto stats = sim_stats();
    for (const auto& [cid, n] : stats["orders_by_client_order_id"].items())
      EXPECT_EQ(n.get<int>(), 1) << cid;
    EXPECT_EQ(stats["duplicate_client_order_ids"].get<int>(), 0) << stats.dump();
  }
};

// 1. Frames withheld (sequence gaps): detected, resynced on a new connection, no order while
// the book is rebuilding, and the book equals the sim's at the end. The snapshot comes 1.2 s
// after each subscribe so that windows close (and decisions happen) while it is missing.
class DaemonGapTest : public DaemonFaults {
  void configure_sim(sim::SimConfig& c) override {
    c.faults.ws_skip_rate = 0.08;
    c.faults.ws_snapshot_delay_ms = 1200;
  }
};

TEST_F(DaemonGapTest, SequenceGapIsResyncedWithNoOrderInBetween) {
  ASSERT_EQ(run_with_clean_end(16, 11), 0) << log_;
  const Events ev = sim_->events();
  ASSERT_GE(count_kind(ev, "ws_gap_seen"), 2u) << "the sim injected too few gaps";
  // Detected: counted and logged, one resubscription per visible gap at least.
  EXPECT_GE(log_count(log_, "sequence gap\\(s\\)"), 1u) << log_;
  EXPECT_NE(log_.find("resync BTCUSD: sequence gap"), std::string::npos) << log_;
  EXPECT_GT(count_kind(ev, "ws_snapshot"), 1u);

  const DecisionLog decisions = read_decisions(store_path());
  const auto outs = outages(ev, "ws_gap_seen");
  const std::size_t inside = expect_no_orders_during(outs, ev, decisions);
  EXPECT_GE(inside, 1u) << "no window closed during a resync: the test proved nothing";
  std::printf("gaps: %zu withheld, %zu visible, %zu snapshots; %zu decisions during resyncs\n",
              count_kind(ev, "ws_skip"), outs.size(), count_kind(ev, "ws_snapshot"), inside);
  // Trading happened around the gaps, and never twice for one intent.
  EXPECT_FALSE(rest_calls(ev, "/v1/order/new").empty()) << log_;
  expect_no_duplicate_orders();
  expect_book_equals_sim();
}

// 2. A depth frame that crosses the book (a bid above the best ask), sent every 1.5 s from
// the 3rd second: the daemon drops the book, counts it, resubscribes, never trades on it, and
// ends with the sim's book.
class DaemonCrossTest : public DaemonFaults {
  void configure_sim(sim::SimConfig& c) override { c.faults.ws_snapshot_delay_ms = 700; }
};

TEST_F(DaemonCrossTest, CrossedBookIsDroppedAndResubscribed) {
  double next = 3;
  auto cross = [&](double t) {
    if (t < next) return;
    next += 1.5;
    sim_->inject("cross_book", 1);
  };
  ASSERT_EQ(run_with_clean_end(14, 9, cross), 0) << log_;
  const Events ev = sim_->events();
  const std::size_t crossings = count_kind(ev, "ws_cross");
  ASSERT_GE(crossings, 2u) << "the sim sent too few crossing frames";
  const std::uint64_t detected = log_count(log_, "crossed book\\(s\\)");
  EXPECT_GE(detected, 1u) << log_;
  EXPECT_LE(detected, crossings);
  EXPECT_NE(log_.find("resync BTCUSD: crossed book"), std::string::npos) << log_;

  const DecisionLog decisions = read_decisions(store_path());
  for (const auto& d : decisions.rows) EXPECT_FALSE(d.book_crossed && d.taken);
  const std::size_t inside = expect_no_orders_during(outages(ev, "ws_cross"), ev, decisions);
  std::printf("crossings: %zu sent, %llu detected; %zu decisions during resyncs\n", crossings,
              static_cast<unsigned long long>(detected), inside);
  expect_no_duplicate_orders();
  expect_book_equals_sim();  // the crossing level is gone
}

// 3. A burst of HTTP 429 on the private lane while trading: the daemon waits at least the
// floor (1 s) after each before its key sends again, never more than two requests per second
// in that stretch, then trades again; no order twice.
TEST_F(DaemonFaults, RateLimitBurstBacksOffThenTradingResumes) {
  auto child = spawn_daemon(15, "daemon.log");
  ASSERT_TRUE(
      wait_until([&] { return sim_stats()["orders_placed"].get<int>() >= 1; }, milliseconds(12000)))
      << "no first order";
  ASSERT_TRUE(sim_->inject("http_429", 3));
  auto rc = child->wait_for(milliseconds(60000));
  child->kill_now();
  log_ = test::slurp(dir_.path() / "daemon.log");
  ASSERT_EQ(rc.value_or(-2), 0) << log_;

  const Events ev = sim_->events();
  std::vector<const sim::SimEvent*> keyed;  // the daemon's private calls, in order
  for (const auto* e : rest_calls(ev))
    if (e->api_key == kDaemonKey) keyed.push_back(e);
  std::vector<std::size_t> hits;
  for (std::size_t i = 0; i < keyed.size(); ++i)
    if (keyed[i]->status == 429) hits.push_back(i);
  ASSERT_EQ(hits.size(), 3u) << "the burst did not hit the daemon's private calls\n" << log_;

  for (std::size_t i : hits) {
    ASSERT_LT(i + 1, keyed.size()) << "no request after a 429: trading never resumed";
    const TimeNs pause = keyed[i + 1]->wall - keyed[i]->wall;
    EXPECT_GE(pause, 900 * kNsPerMs)
        << "request " << keyed[i + 1]->path << " only " << pause / kNsPerMs << " ms after a 429";
    std::printf("429 on %s, next request %lld ms later\n", keyed[i]->path.c_str(),
                static_cast<long long>(pause / kNsPerMs));
  }
  // No storm: from the first 429 to a second after the last, at most 2 requests per second.
  const TimeNs from = keyed[hits.front()]->wall, to = keyed[hits.back()]->wall + kNsPerSec;
  for (const auto* a : keyed) {
    if (a->wall < from || a->wall > to) continue;
    const auto n = std::count_if(keyed.begin(), keyed.end(), [&](const auto* b) {
      return b->wall >= a->wall && b->wall < a->wall + kNsPerSec;
    });
    EXPECT_LE(n, 2) << "requests in the second after " << (a->wall - from) / kNsPerMs << " ms";
  }
  // Trading resumed: an order accepted after the burst; a refused order/new was sent again
  // (same client_order_id) and then placed exactly once.
  bool resumed = false;
  for (std::size_t i = hits.back() + 1; i < keyed.size(); ++i)
    if (keyed[i]->path == "/v1/order/new" && keyed[i]->status == 200) resumed = true;
  EXPECT_TRUE(resumed) << log_;
  EXPECT_NE(log_.find("RateLimited"), std::string::npos) << log_;
  expect_no_duplicate_orders();
}

// 4. A wrong secret: a clear InvalidSignature exit, quickly, after a handful of signed calls.
TEST_F(DaemonFaults, WrongSecretExitsWithInvalidSignatureAndNoRetries) {
  daemon_secret_ = "wrong-secret-0b9e4d";
  const TimeNs t0 = wall_now_ns();
  auto child = spawn_daemon(30, "daemon.log");
  auto rc = child->wait_for(milliseconds(20000));
  const TimeNs took = wall_now_ns() - t0;
  child->kill_now();
  log_ = test::slurp(dir_.path() / "daemon.log");
  ASSERT_TRUE(rc.has_value()) << "still running after 20 s\n" << log_;
  EXPECT_NE(*rc, 0) << log_;
  EXPECT_NE(*rc, 2) << "a refused key is a runtime failure, not a usage error\n" << log_;
  EXPECT_LT(took, 10 * kNsPerSec);
  // The line it dies with names InvalidSignature; no secret anywhere.
  std::string last;
  std::istringstream lines(log_);
  for (std::string l; std::getline(lines, l);)
    if (!l.empty()) last = l;
  EXPECT_NE(last.find("InvalidSignature"), std::string::npos) << log_;
  EXPECT_EQ(log_.find("wrong-secret-0b9e4d"), std::string::npos);
  EXPECT_EQ(log_.find(kDaemonSecret), std::string::npos);

  std::size_t signed_calls = 0;
  for (const auto* e : rest_calls(sim_->events())) {
    if (e->api_key != kDaemonKey) continue;
    ++signed_calls;
    EXPECT_EQ(e->status, 400) << e->path;
  }
  // One signed call: refused, never retried, and the key is not used again.
  EXPECT_EQ(signed_calls, 1u) << "the daemon kept signing requests with a refused key";
  std::size_t naming = 0;
  std::istringstream again(log_);
  for (std::string l; std::getline(again, l);)
    if (l.find("InvalidSignature") != std::string::npos) ++naming;
  EXPECT_LE(naming, 2u) << "the refusal is reported once (plus the exit reason)\n" << log_;
  EXPECT_EQ(sim_stats()["orders_placed"].get<int>(), 0);
}

// 5. The sim takes the daemon's first order/new and never answers: the client times out
// (10 s), asks order/status for that client_order_id, adopts the order; no second order/new
// for it.
TEST_F(DaemonFaults, TimedOutOrderNewIsResolvedByStatusLookupNotResent) {
  ASSERT_TRUE(sim_->inject("order_new_timeout", 1));
  ASSERT_EQ(run_daemon(17), 0) << log_;
  const Events ev = sim_->events();
  const sim::SimEvent* timed_out = nullptr;
  for (const auto* e : rest_calls(ev, "/v1/order/new"))
    if (e->note == "timeout") timed_out = e;
  ASSERT_NE(timed_out, nullptr) << "the timeout did not hit an order/new\n" << log_;
  const std::string cid = timed_out->client_order_id;
  EXPECT_EQ(timed_out->api_key, kDaemonKey);
  ASSERT_FALSE(cid.empty());

  std::size_t sends = 0, lookups_ok = 0;
  for (const auto* e : rest_calls(ev)) {
    if (e->client_order_id != cid) continue;
    if (e->path == "/v1/order/new") ++sends;
    if (e->path == "/v1/order/status" && e->wall > timed_out->wall && e->status == 200)
      ++lookups_ok;
  }
  EXPECT_EQ(sends, 1u) << "order/new sent again for " << cid;
  std::printf("order/new %s unanswered; %zu order/status lookup(s) found it\n", cid.c_str(),
              lookups_ok);
  EXPECT_GE(lookups_ok, 1u) << "no order/status lookup for " << cid << "\n" << log_;
  EXPECT_EQ(sim_stats()["orders_by_client_order_id"][cid].get<int>(), 1);
  EXPECT_NE(log_.find("looking it up"), std::string::npos) << log_;
  EXPECT_EQ(log_.find(kDaemonSecret), std::string::npos);

  // The daemon recorded the order as placed (the lookup's answer), from one decision.
  SqliteStore store(store_path(), "it-run");
  bool recorded = false;
  for (const auto& doc : store.documents("it-run", "order")) {
    auto j = nlohmann::json::parse(doc);
    if (j.value("client_order_id", "") == cid && j.value("outcome", "") == "accepted")
      recorded = true;
  }
  EXPECT_TRUE(recorded) << log_;
  const DecisionLog decisions = read_decisions(store_path());
  EXPECT_EQ(std::count_if(decisions.rows.begin(), decisions.rows.end(),
                          [&](const auto& d) { return d.client_order_id == cid; }),
            1);
  expect_no_duplicate_orders();
}

}  // namespace
}  // namespace rtcrypto
