// `scanhookd plex-sources ...`: the Plex Online Media Sources service from the
// command line, for headless servers. It drives the service's own routes
// in-process, on the daemon's database (CommandHost::open), so the CLI and the
// web UI share one sign-in.
#pragma once

#include <string>
#include <vector>

#include "scanhook/command.hpp"

namespace scanhook::plex_optout {

inline constexpr const char* kPlexSourcesCommand = "plex-sources";

// `typed`: the words after "plex-sources" (login | logout | status | list |
// set KEY VALUE | disable-all, with --service NAME and --managed anywhere).
// Returns the exit code: 0 ok, 1 the action failed, 64 usage, 78 configuration.
int run_plex_sources(const std::vector<std::string>& typed, CommandHost& host);

}  // namespace scanhook::plex_optout
