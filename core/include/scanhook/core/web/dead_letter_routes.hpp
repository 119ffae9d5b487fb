// DELETE /api/deadletters/{id}: a kept webhook request the user has looked
// at and will not replay goes (404 when there is none, 400 for a bad id).
#pragma once

#include <functional>

#include "scanhook/core/http/router.hpp"
#include "scanhook/core/store/dead_letter_store.hpp"

namespace scanhook::core {

// `deleted` runs after each deletion (the live UI's cue).
void add_dead_letter_delete_route(Router& router, DeadLetterStore& letters,
                                  std::function<void()> deleted);

}  // namespace scanhook::core
