// A count with its noun in the right number: the SDK's counted(), which the
// plugins use too, so that core and plugins say "1 folder" alike.
#pragma once

#include "scanhook/counted.hpp"

namespace scanhook::core {

using ::scanhook::counted;

}  // namespace scanhook::core
