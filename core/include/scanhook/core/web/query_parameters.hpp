// A JSON route's query is checked whole: a parameter it does not take is a
// 400 naming it, not silently ignored (a typo such as ?limt=5 would
// otherwise look like a filter that matched everything).
#pragma once

#include <string>
#include <vector>

#include "scanhook/core/expected.hpp"
#include "scanhook/http.hpp"

namespace scanhook::core {

// Ok when every query parameter of `request` is one of `known`; else an
// Error for the first other one: `unknown parameter "limt" (did you mean
// 'limit'?); the queue takes limit and offset`, `route_takes` being the
// text after "; ".
Expected<void> known_parameters(const HttpRequest& request, const std::vector<std::string>& known,
                                const std::string& route_takes);

}  // namespace scanhook::core
