// Runs one request through a Router's route as the HTTP server would after
// its access check, and waits for the reply (the route modules' tests;
// access itself is tested over loopback in test_access_levels.cpp).
#pragma once

#include <catch2/catch.hpp>

#include "scanhook/core/http/router.hpp"
#include "scanhook/core/pipeline/completion_flag.hpp"

namespace scanhook::testing {

inline HttpReply call_route(const core::Router& router, const HttpRequest& request) {
  const auto found = router.find(request.method, request.path);
  REQUIRE(found.route != nullptr);
  return core::wait_for_callback<HttpReply>([&](auto done) {
    found.route->handler(request, found.params, core::Respond(std::move(done)));
  });
}

}  // namespace scanhook::testing
