// GET /health and GET /metrics.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "scanhook/core/config/config.hpp"
#include "scanhook/core/http/router.hpp"
#include "scanhook/core/pipeline/metrics.hpp"

namespace scanhook::core {

// The database as /health reports it.
struct DatabaseStatus {
  bool ok = false;  // it can be read, and written (see Database::healthy)
  std::optional<std::string> last_write_failure;  // while writes fail
};

// GET /health answers 200 "ok" while `database_status` says ok, else 503
// "degraded" with the last write failure.
void add_status_routes(Router& router, const PluginCatalog& catalog, Metrics& metrics,
                       std::function<DatabaseStatus()> database_status);

// Process gauges: resident memory, CPU seconds, open files, start time.
void add_process_metrics(Metrics& metrics);

}  // namespace scanhook::core
