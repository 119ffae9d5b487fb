// The web UI: the page at / (with a session, or a redirect to /login), its
// files under /assets/, and GET /api/services (which service pages to offer).
#pragma once

#include "scanhook/core/auth/user_auth.hpp"
#include "scanhook/core/config/config.hpp"
#include "scanhook/core/http/router.hpp"

namespace scanhook::core {

void add_web_routes(Router& router, UserAuth& auth, const Config& config);

}  // namespace scanhook::core
