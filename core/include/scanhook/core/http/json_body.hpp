// Reads a JSON API request's body (/api/scan, /api/explain) with the
// project's JSON reader (simdjson through support::JsonTree: strict RFC 8259,
// the last of a repeated key wins). The core's answers are written by JsonWriter.
#pragma once

#include <string_view>

#include "scanhook/core/expected.hpp"
#include "scanhook/http.hpp"
#include "scanhook/support/json_tree.hpp"

namespace scanhook::core {

// The body as a tree whose root (node 0) is an object; or an Error whose
// message says what is wrong (not JSON, with where; or not an object), for a 400.
Expected<support::JsonTree> json_body(const HttpRequest& request);

// A string member of the object at `node`: nullopt when it is absent or not a string.
std::optional<std::string> json_string(const support::JsonTree& tree, std::uint32_t node,
                                       std::string_view key);

}  // namespace scanhook::core
