// `scanhookd doctor [PATH ...]`: is every configured target usable, and what
// would each do with these folders? For each [target.NAME] it asks the
// plugin's probe (is the server there, is the credential accepted; a target
// without a server says what it checked instead), then for each PATH (a
// folder as queued, before the target's rewrite) the target's rewrite and
// filters and the plugin's explanation: the library it matched and the exact
// requests it would send (secrets redacted by the plugin); with
// require_exists, whether the folder is on this machine now.
// Without PATHs, the folders queued in the configured database and the
// latest of its history are checked (read only). Instances run on a
// throw-away database, never the daemon's.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "scanhook/core/config/config.hpp"

namespace scanhook::core {

// Returns the exit code: 0 when every target answered its probe and every
// path maps to a library on every target that takes it (and exists here for
// a require_exists target), 1 otherwise, 78 when a target cannot be created
// from its section.
int run_doctor(const Config& config, const std::vector<std::string>& paths, std::ostream& out);

}  // namespace scanhook::core
