// GET /api/queue (user): the folders waiting, paged (?limit=, ?offset=), each
// with its deliveries, and why nothing is dispatched if so ("blocked").
// GET /api/targets (user): each target's state (running, paused, blocked),
// last error, next attempt and how long it has been failing.
#pragma once

#include "scanhook/core/http/router.hpp"
#include "scanhook/core/pipeline/delivery_status.hpp"
#include "scanhook/core/store/queue_store.hpp"
#include "scanhook/target.hpp"

namespace scanhook::core {

// A target's stage as the API names it: "prepare" or "scan".
const char* stage_name(Stage stage);

void add_queue_routes(Router& router, QueueStore& queue, DeliveryStatus& status);

}  // namespace scanhook::core
