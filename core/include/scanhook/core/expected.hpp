// The core's one way to say that an expected failure happened: a value, or an
// Error with a message (what is wrong, for the user) and an optional hint
// (what to do). Exceptions are for the unexpected, and ConfigError for the
// validator's one report. Tests print an Expected through expected_printing.hpp.
// The type is the SDK's (scanhook/expected.hpp), so that plugins/support, which
// may include only the SDK, returns the same Expected the core reads.
#pragma once

#include "scanhook/expected.hpp"

namespace scanhook::core {

using scanhook::Error;
using scanhook::Expected;
using scanhook::failure;

}  // namespace scanhook::core
