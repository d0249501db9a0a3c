#include "rtcrypto/store/sqlite_store.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>
#include "rtcrypto/store/jsonl_writer.hpp"

#include "test_support.hpp"

namespace rtcrypto {
namespace {

using namespace literals;

Record order_record() {
  Record r{"order", "BTCUSD", 1617645247991257000, {}};
  r.set("price", "60646.46"_d).set("side", std::string("buy")).set("is_cancelled", false);
  return r;
}

TEST(SqliteStore, WritesDocumentsQueryableWithJson) {
  test::TempDir dir;
  {
    SqliteStore store(dir / "rt.db", "run1");
    store.write(order_record());
    Record w{"price_volume", "BTCUSD", 5 * kNsPerSec, {}};
    w.set("value", std::monostate{}).set("window_start", std::int64_t{0});
    store.write(w);
    store.flush();
    EXPECT_EQ(store.count("run1", "order"), 1u);
    EXPECT_EQ(store.count("run1", "price_volume"), 1u);
    auto docs = store.documents("run1", "order");
    ASSERT_EQ(docs.size(), 1u);
    EXPECT_EQ(docs[0],
              R"({"doc_type":"order","timestamp":"2021-04-05T17:54:07.991Z","symbol":"BTCUSD",)"
              R"("run_id":"run1","price":60646.46,"side":"buy","is_cancelled":false})");
  }
  // Readable by plain SQLite with json_extract, as a user of the sqlite3 shell would.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir / "rt.db").c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(
                db, "SELECT json_extract(body,'$.price') FROM documents WHERE doc_type='order'", -1,
                &st, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_DOUBLE_EQ(sqlite3_column_double(st, 0), 60646.46);
  sqlite3_finalize(st);
  sqlite3_close(db);
}

TEST(SqliteStore, StateSurvivesReopen) {
  test::TempDir dir;
  {
    SqliteStore store(dir / "rt.db", "a");
    store.put_state("position/BTCUSD", R"({"last_buy_price":"60000.5"})");
    store.put_state("kill_switch", "true");
    store.put_state("kill_switch", "false");
  }
  SqliteStore store(dir / "rt.db", "b");
  EXPECT_EQ(*store.get_state("position/BTCUSD"), R"({"last_buy_price":"60000.5"})");
  EXPECT_EQ(*store.get_state("kill_switch"), "false");
  EXPECT_FALSE(store.get_state("missing"));
  EXPECT_EQ(store.all_state().size(), 2u);
}

TEST(SqliteStore, UncommittedBatchIsWrittenOnDestruction) {
  test::TempDir dir;
  {
    SqliteStore store(dir / "rt.db", "r");
    for (int i = 0; i < 10; ++i) store.write(Record{"decision", "BTCUSD", i, {}});
  }
  SqliteStore store(dir / "rt.db", "r");
  EXPECT_EQ(store.count("r", "decision"), 10u);
}

TEST(SqliteStore, UnwritablePathGivesClearError) {
  try {
    SqliteStore store("/nonexistent-dir/x/rt.db", "r");
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent-dir/x/rt.db"), std::string::npos);
  }
}

TEST(JsonlWriter, WritesContractShapes) {
  test::TempDir dir;
  {
    JsonlWriter w(dir / "out.jsonl", "r");
    Record ask{"ask", "BTCUSD", 1602770086 * kNsPerSec, {}};
    ask.set("value", 83751098.76)
        .set("window_start", std::int64_t{1602770081} * kNsPerSec)
        .set("window_end", std::int64_t{1602770086} * kNsPerSec);
    w.write(ask);
    w.write(order_record());
  }
  std::ifstream in(dir / "out.jsonl");
  std::string l1, l2;
  std::getline(in, l1);
  std::getline(in, l2);
  EXPECT_EQ(l1, R"({"type":"ask","value":83751098.76,"timestamp":1602770086,"symbol":"BTCUSD",)"
                R"("window_start":1602770081000000000,"window_end":1602770086000000000})");
  EXPECT_EQ(l2.rfind(R"({"doc_type":"order","timestamp":"2021-04-05T17:54:07.991Z")", 0), 0u);
}

}  // namespace
}  // namespace rtcrypto
