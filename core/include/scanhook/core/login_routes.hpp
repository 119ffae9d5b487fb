// The login page and the session routes: GET|POST /login, POST /logout,
// GET /api/session ({user, csrf_token} for the UI's scripts).
#pragma once

#include "scanhook/core/router.hpp"
#include "scanhook/core/user_auth.hpp"

namespace scanhook::core {

void add_login_routes(Router& router, UserAuth& auth);

}  // namespace scanhook::core
