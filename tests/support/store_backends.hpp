// The two stores a unit test can run on, and STORE_TEST, which runs one test
// body on each: "sentence" on SQLite (a fresh file) and "sentence on
// PostgreSQL" (tagged [postgres]: a fresh database on the test server,
// postgres_server.hpp). Each backend opens its database again on every
// open(), as a restarted scanhookd would.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "scanhook/core/store/store.hpp"
#include "support/postgres_server.hpp"
#include "support/temp_dir.hpp"

namespace scanhook::testing {

struct SqliteBackend {
  TempDir dir;
  std::unique_ptr<core::Store> open(std::chrono::milliseconds minimum_age = {}) {
    core::StoreSettings settings;
    settings.database = (dir / "queue.db").string();
    settings.minimum_age = minimum_age;
    return core::open_store(settings);
  }
};

struct PostgresBackend {
  std::string url = PostgresServer::shared().fresh_database();
  std::unique_ptr<core::Store> open(std::chrono::milliseconds minimum_age = {}) {
    core::StoreSettings settings;
    settings.database = url;
    settings.instance = "test";
    settings.minimum_age = minimum_age;
    // No lease: these tests pin what both stores share, and SQLite has no
    // leases (test_postgres_queue.cpp pins them).
    settings.lease = std::chrono::milliseconds(0);
    return core::open_store(settings);
  }
};

}  // namespace scanhook::testing

// STORE_TEST("sentence", "[tags]") { body, a template on `Backend` }
#define STORE_TEST_CAT2(a, b) a##b
#define STORE_TEST_CAT(a, b) STORE_TEST_CAT2(a, b)
#define STORE_TEST(sentence, tags) \
  STORE_TEST_WITH(sentence, tags, STORE_TEST_CAT(store_test_, __LINE__))
#define STORE_TEST_WITH(sentence, tags, body)               \
  template <class Backend>                                  \
  static void body();                                       \
  TEST_CASE(sentence, tags) {                               \
    body<scanhook::testing::SqliteBackend>();               \
  }                                                         \
  TEST_CASE(sentence " on PostgreSQL", tags "[postgres]") { \
    body<scanhook::testing::PostgresBackend>();             \
  }                                                         \
  template <class Backend>                                  \
  static void body()
