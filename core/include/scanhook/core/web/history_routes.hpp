// GET /api/history: what left the queue, newest first, paged and filtered
// by path, source, target, outcome and time; every parameter is checked (a
// 400 names the bad one). POST /api/history/{id}/retry: a rejected folder
// back in its target's queue (404 no such entry, 409 not a rejection or its
// target is gone).
#pragma once

#include <functional>
#include <map>
#include <string>

#include "scanhook/core/expected.hpp"
#include "scanhook/core/http/router.hpp"
#include "scanhook/core/store/queue_store.hpp"

namespace scanhook::core {

// The history's outcomes, as rows store them.
inline constexpr const char* kHistoryOutcomes[] = {"ok", "rejected", "dropped", "filtered",
                                                   "ignored"};

// A HistoryFilter from the query (?path=, ?source=, ?target=, ?outcome=,
// ?since=, ?until=; times as ISO 8601 or milliseconds since the epoch), or
// an Error whose message is the text of a 400. Unknown parameters are
// refused too.
Expected<HistoryFilter> history_filter_of(const HttpRequest& request);

// `target_configs`: each configured target's verdict_fingerprint (a row of
// another target cannot be retried; one written under another fingerprint
// is marked config_changed). `requeued` runs after each retry (the
// dispatcher's and the live UI's cue).
void add_history_routes(Router& router, QueueStore& queue,
                        std::map<std::string, std::string> target_configs,
                        std::function<void()> requeued);

}  // namespace scanhook::core
