// What the JSON API's routes share: the ?limit= / ?offset= of a paged list,
// checked. (Answers are written by JsonWriter.)
#pragma once

#include <cstddef>
#include <string>

#include "scanhook/http.hpp"

namespace scanhook::core {

// ?limit= (1 to 1000, default 100) and ?offset= (from 0); `error` says what
// was wrong with either, for a 400.
struct Page {
  std::size_t limit = 100;
  std::size_t offset = 0;
  std::string error;
};

Page page_of(const HttpRequest& request);

}  // namespace scanhook::core
