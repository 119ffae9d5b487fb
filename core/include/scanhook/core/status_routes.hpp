// GET /health and GET /metrics.
#pragma once

#include <functional>
#include <string>

#include "scanhook/core/config.hpp"
#include "scanhook/core/metrics.hpp"
#include "scanhook/core/router.hpp"

namespace scanhook::core {

// `database_ok` answers whether the database can be queried right now.
void add_status_routes(Router& router, const PluginCatalog& catalog, Metrics& metrics,
                       std::function<bool()> database_ok);

// Process gauges: resident memory, CPU seconds, open files, start time.
void add_process_metrics(Metrics& metrics);

}  // namespace scanhook::core
