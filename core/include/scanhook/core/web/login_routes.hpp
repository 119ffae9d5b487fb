// The login page and the session routes: GET|POST /login, POST /logout,
// GET /api/session ({user, csrf_token} for the UI's scripts).
#pragma once

#include "scanhook/core/auth/user_auth.hpp"
#include "scanhook/core/http/router.hpp"

namespace scanhook::core {

void add_login_routes(Router& router, UserAuth& auth);

}  // namespace scanhook::core
