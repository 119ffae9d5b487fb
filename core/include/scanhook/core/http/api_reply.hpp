// What the JSON API's routes share: a reply from a Poco JSON object, and the
// ?limit= / ?offset= of a paged list, checked.
#pragma once

#include <Poco/JSON/Object.h>

#include <cstddef>
#include <string>

#include "scanhook/http.hpp"

namespace scanhook::core {

// An object whose keys stringify in the order they were set.
Poco::JSON::Object::Ptr json_object();

HttpReply json_reply(int status, const Poco::JSON::Object& object);

// ?limit= (1 to 1000, default 100) and ?offset= (from 0); `error` says what
// was wrong with either, for a 400.
struct Page {
  std::size_t limit = 100;
  std::size_t offset = 0;
  std::string error;
};

Page page_of(const HttpRequest& request);

}  // namespace scanhook::core
