// A JSON route's query is checked whole: a parameter it does not take is a
// 400 naming it, not silently ignored (a typo such as ?limt=5 would
// otherwise look like a filter that matched everything).
#pragma once

#include <string>
#include <vector>

#include "scanhook/http.hpp"

namespace scanhook::core {

// "" when every query parameter of `request` is one of `known`; else the
// error for the first other one: `unknown parameter "limt" (did you mean
// 'limit'?); the queue takes limit and offset`, `route_takes` being the
// text after "; ".
std::string unknown_parameter(const HttpRequest& request, const std::vector<std::string>& known,
                              const std::string& route_takes);

}  // namespace scanhook::core
