// A connection to PostgreSQL that cannot be made: the error, and no memory
// kept. A daemon whose database is down retries for as long as it is down,
// so one leaked attempt (Poco 1.11's connector kept libpq's ~36 KB PGconn
// each time) adds up. The heap in use is read from glibc (mallinfo2); under
// AddressSanitizer, whose allocator glibc does not see, LeakSanitizer checks
// the same at exit (cmake/run-tests.sh).
#include <catch2/catch.hpp>

#include <malloc.h>

#include "scanhook/core/store/postgres_connection.hpp"
#include "support/postgres_server.hpp"

using scanhook::core::PostgresConnection;
using scanhook::core::PostgresError;
using scanhook::testing::PostgresServer;

namespace {

// Bytes of glibc's heap in use.
std::size_t heap_in_use() {
  return mallinfo2().uordblks;
}

// Tries `attempts` connections to `url`, each refused; returns how much the
// heap in use grew over them, after a few first attempts (libpq's one-time
// set-up) are left out.
std::size_t growth_over_failed_connects(const std::string& url, int attempts) {
  const auto fail_once = [&] {
    try {
      PostgresConnection connection(url, "");
      FAIL("connected to " << url);
    } catch (const PostgresError& error) {
      CHECK(error.sqlstate() == "08001");
    }
  };
  for (int i = 0; i < 5; ++i) fail_once();
  const std::size_t before = heap_in_use();
  for (int i = 0; i < attempts; ++i) fail_once();
  const std::size_t after = heap_in_use();
  return after > before ? after - before : 0;
}

// Well under one leaked PGconn (~36 KB) per ten attempts.
constexpr int kAttempts = 200;
constexpr std::size_t kMostGrowth = kAttempts / 10 * 36 * 1024 / 4;

}  // namespace

TEST_CASE("failed connects to a port where no PostgreSQL listens keep no memory", "[store]") {
  // Port 1: privileged, nothing listens there; each attempt is refused at once.
  const std::size_t grown =
      growth_over_failed_connects("postgresql://scanhook@127.0.0.1:1/none", kAttempts);
  INFO("heap grew " << grown << " bytes over " << kAttempts << " refused connects");
  CHECK(grown < kMostGrowth);
}

TEST_CASE("failed connects refused by the server itself keep no memory", "[postgres]") {
  const std::string url = PostgresServer::shared().fresh_database();
  const std::string missing = url.substr(0, url.rfind('/') + 1) + "no_such_database";
  const std::size_t grown = growth_over_failed_connects(missing, kAttempts);
  INFO("heap grew " << grown << " bytes over " << kAttempts << " refused logins");
  CHECK(grown < kMostGrowth);
}

TEST_CASE("a refused connect names the server and says why", "[postgres]") {
  const std::string url = PostgresServer::shared().fresh_database();
  const std::string missing = url.substr(0, url.rfind('/') + 1) + "no_such_database";
  REQUIRE_THROWS_WITH(PostgresConnection(missing, ""),
                      Catch::Contains("cannot connect to PostgreSQL at ") &&
                          Catch::Contains("/no_such_database") &&
                          Catch::Contains("\"no_such_database\" does not exist"));
}
