// The login page and the session routes: GET|POST /login, POST /logout,
// GET /api/session ({user, csrf_token} for the UI's scripts).
#pragma once

#include "scanhook/core/router.hpp"
#include "scanhook/core/user_auth.hpp"

namespace scanhook::core {

void add_login_routes(Router& router, UserAuth& auth);

// The value of one field of an application/x-www-form-urlencoded body.
std::string form_field(const std::string& body, const std::string& name);

}  // namespace scanhook::core
