// What each target says of its server (SDK 1.2's Describable): for
// `scanhookd doctor` and GET /api/targets/{name}/description, which the web
// UI's targets view shows (product, version, libraries, state).
#pragma once

#include <vector>

#include "scanhook/core/config/config.hpp"
#include "scanhook/core/http/router.hpp"
#include "scanhook/core/pipeline/dispatcher.hpp"
#include "scanhook/target_description.hpp"

namespace scanhook::core {

// The target's own description when it offers one; else only its probe's
// verdict (product and version "", no libraries). Asks the server now.
TargetDescription describe_target(Target& target, Describable* describable);

// GET /api/targets/{name}/description (user): asks the server now (up to the
// target's timeout, on a worker thread) and answers
//   {"target", "plugin", "plugin_version", "describes": bool, "state", "reason",
//    "product", "version", "libraries": [{"id", "name", "folders": [...]}]}
// "describes" is false for a plugin that cannot say (before SDK 1.2): the
// state is then its probe's. 404 for a target that is not configured.
void add_target_description_route(Router& router, const std::vector<TargetSlot>& targets,
                                  const Config& config);

}  // namespace scanhook::core
