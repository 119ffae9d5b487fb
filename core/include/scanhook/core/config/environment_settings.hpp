// Settings from the environment, for containers: SCANHOOK__SECTION__KEY=VALUE
// sets KEY in [SECTION] as if the INI file said it, replacing what the file
// says for that key. SECTION and KEY are case-insensitive; an instance
// section's dot is the first underscore after its role: SCANHOOK__SOURCE_SONARR__TOKEN
// is [source.sonarr] token, SCANHOOK__TARGET_PLEX_4K__URL is [target.plex_4k] url,
// SCANHOOK__NOTIFY_DISCORD__URL is [notify.discord] url.
// A section the file lacks is added (SCANHOOK__SOURCE_SONARR4K__PLUGIN=sonarr
// creates [source.sonarr4k]). A repeatable key (rewrite, include, exclude,
// anchor) takes one value per line of the variable. The result is validated
// like the file, and each error names the variable.
#pragma once

#include <string>
#include <vector>

#include "scanhook/core/config/ini_file.hpp"

namespace scanhook::core {

inline constexpr const char* kEnvironmentPrefix = "SCANHOOK__";

// `environment` holds "NAME=VALUE" strings (as in environ); names without
// the prefix are ignored. Throws ConfigError naming the variable when a name
// does not read SCANHOOK__SECTION__KEY.
void apply_environment(IniFile& ini, const std::vector<std::string>& environment);

// The process's own environment, as "NAME=VALUE" strings.
std::vector<std::string> process_environment();

}  // namespace scanhook::core
