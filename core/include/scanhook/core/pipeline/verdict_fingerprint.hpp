// A short fingerprint of the settings of a target that can change its verdict
// on a folder: its plugin, every key of the plugin's own (url, token, fs, ...)
// and the target's rewrite rules. Kept with each history row, so a rejection
// made under other settings shows as "rejected under an older configuration".
#pragma once

#include <string>

#include "scanhook/core/config/config.hpp"

namespace scanhook::core {

// 16 hex digits of a SHA-256 over those settings (secrets never leave as
// themselves); the same settings always give the same fingerprint.
std::string verdict_fingerprint(const InstanceConfig& target);

}  // namespace scanhook::core
