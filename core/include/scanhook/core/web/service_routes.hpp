// Each service instance's own API (user): GET, POST, PUT, PATCH and DELETE
// /api/<instance>/*, handed to the instance with the path after its prefix
// (e.g. the Plex opt-out's /api/plex_optout/sources).
#pragma once

#include <map>
#include <memory>
#include <string>

#include "scanhook/core/http/router.hpp"
#include "scanhook/service.hpp"

namespace scanhook::core {

void add_service_routes(Router& router,
                        const std::map<std::string, std::shared_ptr<Service>>& services);

}  // namespace scanhook::core
