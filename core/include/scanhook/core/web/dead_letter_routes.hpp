// The kept webhook requests (user): GET /api/deadletters (paged, newest
// first, as UTF-8 text whatever the request held; each body only as its size
// and a preview of its first bytes), GET /api/deadletters/{id} (one letter
// whole: names, values and body as JSON strings, or {"base64": ...} where not
// UTF-8), POST /api/deadletters/{id}/replay (runs the request through its
// source again: gone once it succeeds, its count raised when it fails again)
// and DELETE /api/deadletters/{id} (gone unreplayed). A bad id is a 400, an
// unknown one 404.
#pragma once

#include <functional>

#include "scanhook/core/http/router.hpp"
#include "scanhook/core/pipeline/webhook_sources.hpp"
#include "scanhook/core/store/dead_letter_store.hpp"

namespace scanhook::core {

// `changed` runs after each replay and deletion (the live UI's cue).
void add_dead_letter_routes(Router& router, DeadLetterStore& letters, WebhookSources& sources,
                            std::function<void()> changed);

}  // namespace scanhook::core
