// What the JSON API's routes share: the ?limit= / ?offset= of a paged list,
// checked. (Answers are written by JsonWriter.)
#pragma once

#include <cstddef>
#include <string>

#include "scanhook/core/expected.hpp"
#include "scanhook/http.hpp"

namespace scanhook::core {

// ?limit= (1 to 1000, default 100) and ?offset= (from 0).
struct Page {
  std::size_t limit = 100;
  std::size_t offset = 0;
};

// The page a request asks for, or an Error saying what is wrong with either
// parameter (the text of a 400).
Expected<Page> page_of(const HttpRequest& request);

}  // namespace scanhook::core
