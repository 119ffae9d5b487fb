// The routes that queue scans: POST|PUT /triggers/<source> (a webhook source,
// behind its token or the [server] credentials), GET|POST|PUT
// /triggers/manual (autoscan's manual trigger: ?dir=, ?file= with ?hash=, or
// the form's dir= field; GET shows the form), and POST /api/scan (user:
// {"paths": [...], "files": [{"path": ..., "hash": sha256}]}). Each answers
// once its events are durable: {"queued":N,"merged":N,"filtered":N}.
#pragma once

#include <cstdint>

#include "scanhook/core/http/router.hpp"
#include "scanhook/core/pipeline/event_sink.hpp"
#include "scanhook/core/pipeline/webhook_sources.hpp"

namespace scanhook::core {

// `max_paths`: [server] max_paths_per_request (more: 413 naming the key).
void add_ingest_routes(Router& router, EventSink& sink, WebhookSources& sources,
                       std::int64_t max_paths);

}  // namespace scanhook::core
