#include <catch2/catch.hpp>

#include <optional>
#include <string>

#include "scanhook/core/pipeline/completion_flag.hpp"
#include "scanhook/core/plugins/plugin_catalog.hpp"
#include "scanhook/core/web/status_routes.hpp"
#include "support/temp_dir.hpp"

using namespace scanhook::core;
using Catch::Matchers::Contains;
using scanhook::HttpReply;
using scanhook::HttpRequest;
using scanhook::testing::TempDir;

namespace {

HttpReply get(Router& router, const std::string& path) {
  const auto found = router.find("GET", path);
  REQUIRE(found.route != nullptr);
  HttpRequest request{"GET", path, {}, {}, "", "127.0.0.1"};
  return wait_for_callback<HttpReply>(
      [&](auto done) { found.route->handler(request, found.params, Respond(std::move(done))); });
}

}  // namespace

// A full disk for real: test_storage_faults.cpp.
TEST_CASE("/health answers 503 and says the database is unreachable when it cannot be queried",
          "[status]") {
  TempDir plugins;
  const PluginCatalog catalog = PluginCatalog::scan(plugins.path());
  Metrics metrics;
  Router router;
  DatabaseStatus status{true, std::nullopt};
  add_status_routes(router, catalog, metrics, [&] { return status; });
  auto reply = get(router, "/health");
  CHECK(reply.status == 200);
  CHECK_THAT(reply.body, Contains(R"("status":"ok")") && Contains(R"("database":"reachable")"));
  CHECK_THAT(reply.body, !Contains("last_write_error"));
  status = {false, std::nullopt};
  reply = get(router, "/health");
  CHECK(reply.status == 503);
  CHECK_THAT(reply.body, Contains(R"("status":"degraded")") &&
                             Contains(R"("database":"unreachable")") &&
                             !Contains("last_write_error"));
}

TEST_CASE("/health says the database is unwritable, with the error, while writes fail",
          "[status]") {
  TempDir plugins;
  const PluginCatalog catalog = PluginCatalog::scan(plugins.path());
  Metrics metrics;
  Router router;
  add_status_routes(router, catalog, metrics, [] {
    return DatabaseStatus{false,
                          std::string("cannot fsync scanhook.db-wal: No space left on device")};
  });
  const auto reply = get(router, "/health");
  CHECK(reply.status == 503);
  CHECK_THAT(reply.body, Contains(R"("status":"degraded")") &&
                             Contains(R"("database":"unwritable")") &&
                             Contains(R"("last_write_error":"cannot fsync scanhook.db-wal)"));
}

TEST_CASE("/metrics serves the registered series as Prometheus text", "[status]") {
  TempDir plugins;
  const PluginCatalog catalog = PluginCatalog::scan(plugins.path());
  Metrics metrics;
  Router router;
  add_status_routes(router, catalog, metrics, [] { return DatabaseStatus{true, std::nullopt}; });
  metrics.gauge("scanhook_queue_depth", "folders waiting", [] { return 7.0; });
  const auto reply = get(router, "/metrics");
  CHECK(reply.status == 200);
  CHECK_THAT(reply.content_type, Contains("text/plain; version=0.0.4"));
  CHECK_THAT(reply.body, Contains("# TYPE scanhook_queue_depth gauge\nscanhook_queue_depth 7\n"));
}
