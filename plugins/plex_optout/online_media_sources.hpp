// What scanhook knows about Plex's Online Media Sources: the opt-out keys
// plex.tv uses, a human title and line for each, and which values each accepts.
#pragma once

#include <string>
#include <vector>

namespace scanhook::plex_optout {

inline constexpr const char* kOptIn = "opt_in";
inline constexpr const char* kOptOut = "opt_out";
inline constexpr const char* kOptOutManaged = "opt_out_managed";

struct SourceInfo {
  std::string key;  // "tv.plex.provider.music"
  std::string title;
  std::string description;
};

// The known sources, in the order scanhook shows them.
const std::vector<SourceInfo>& known_sources();

// The known entry, or a generic one titled by the key for a source plex.tv
// lists that scanhook does not know yet.
SourceInfo describe_source(const std::string& key);

// opt_in, opt_out, and opt_out_managed except for music, which plex.tv
// cannot restrict to managed users.
std::vector<std::string> allowed_values(const std::string& key);

bool is_value(const std::string& text);
bool is_allowed(const std::string& key, const std::string& value);

// A source key scanhook will send to plex.tv: "tv.plex.provider." and a name
// of letters, digits, '.', '-' or '_'.
bool is_source_key(const std::string& text);

}  // namespace scanhook::plex_optout
