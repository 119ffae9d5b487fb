// POST /api/explain (user): {"path": ..., "source": ... (default "api"),
// "is_file": bool}: every step the path would go through (the source's
// rewrite, the door, the filters, the folder) and, per target, its rewrite,
// its verdict, require_exists' view and the requests it would send. Nothing
// is queued or sent: the same Intake::plan as ingest, so what it shows is
// what happens.
#pragma once

#include <string>
#include <vector>

#include "scanhook/core/http/router.hpp"
#include "scanhook/core/pipeline/dispatcher.hpp"
#include "scanhook/core/pipeline/intake.hpp"

namespace scanhook::core {

// `sources`: the names a caller may give (a 400 suggests one for another).
// `targets` outlive the router.
void add_explain_route(Router& router, const Intake& intake, std::vector<std::string> sources,
                       const std::vector<TargetSlot>& targets);

}  // namespace scanhook::core
