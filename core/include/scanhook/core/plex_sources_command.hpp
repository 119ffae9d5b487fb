// `scanhookd plex-sources ...`: the Plex Online Media Sources service from the
// command line, for headless servers. It drives the plex_optout plugin's own
// routes in-process, on the daemon's database, so the CLI and the web UI share
// one sign-in.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "scanhook/core/config.hpp"

namespace scanhook::core {

struct PlexSourcesOptions {
  std::vector<std::string> words;  // after "plex-sources": login | list | set KEY VALUE | ...
  std::string service;             // [service.NAME]; empty: the only plex_optout service
  bool managed = false;            // disable-all: opt_out_managed where allowed
};

// Returns the process exit code (0 ok, 1 the action failed, 64 usage, 78 config).
int run_plex_sources_command(const Config& config, const PlexSourcesOptions& options,
                             std::ostream& out, std::ostream& err);

}  // namespace scanhook::core
