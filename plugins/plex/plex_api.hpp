// Plex Media Server's side of the wire: its auth header, routes, and the JSON
// answers scanhook reads (sections, item metadata, identity).
#pragma once

#include <string>
#include <vector>

#include "scanhook/http.hpp"
#include "scanhook/scan_event.hpp"
#include "scanhook/support/library_match.hpp"

namespace scanhook::plex {

inline constexpr const char* kProduct = "Plex";
inline constexpr const char* kIdentity = "/identity";
inline constexpr const char* kSections = "/library/sections";

HeaderList auth_headers(const std::string& token);

// GET /library/sections/{key}/refresh?path=<folder, url-encoded>
std::string refresh_route(const std::string& section_key, const std::string& folder);
// GET /library/metadata/{ratingKey}
std::string metadata_route(const std::string& rating_key);
// GET /library/metadata/{ratingKey}/children: a season's episodes, an album's tracks.
std::string children_route(const std::string& rating_key);

// {"MediaContainer":{"Directory":[{key, title, Location:[{path}]}]}}. Throws on another shape.
std::vector<support::Library> parse_sections(const std::string& body);

// Every listed item's files (Media[].Part[].file: movie, episode, track,
// clip), or folders (Location[].path: show, artist); empty when they have
// neither (season, album: their files are their children's). Throws when the
// body is not metadata.
std::vector<ScanEvent> parse_item_paths(const std::string& body);

// The `type` of the first listed item ("episode", "season", ...), "" when none
// is listed. Throws when the body is not metadata.
std::string parse_item_type(const std::string& body);

// Plex item types whose files are their children's (python-plexapi: Season.episodes()
// and Album.tracks() read /children; neither carries Media or Location).
bool files_are_children(const std::string& item_type);

// MediaContainer.version of GET /identity ("1.41.3.9314-a0bfb8370"), or ""
// when the body does not say (it is only shown).
std::string parse_identity_version(const std::string& body);

// MediaContainer.machineIdentifier of GET /identity. Throws when absent.
std::string parse_machine_identifier(const std::string& body);

}  // namespace scanhook::plex
