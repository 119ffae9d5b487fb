// The headers every reply carries so a browser runs only our own scripts and
// styles, never frames the UI, never sniffs types and never leaks the URL.
#pragma once

#include "scanhook/http.hpp"

namespace scanhook::core {

const HeaderList& security_headers();

}  // namespace scanhook::core
