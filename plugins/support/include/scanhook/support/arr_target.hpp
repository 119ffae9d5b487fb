// Sonarr and Radarr as targets: after a tool rewrites a file in place
// (Tdarr, a subtitle fetcher), the *arr is told to rescan the item that owns
// the folder. The item comes from the v3 listing (GET /api/v3/series,
// /api/v3/movie: [{id, title, path, ...}], X-Api-Key), the rescan is
// POST /api/v3/command {"name":"RescanSeries","seriesId":N} (201 with the
// queued command). Facts: Sonarr/Sonarr src/Sonarr.Api.V3/Commands/
// CommandController.cs (commit 0bc4903) and src/NzbDrone.Core/MediaFiles/
// Commands/RescanSeriesCommand.cs (f751205); Radarr/Radarr
// src/NzbDrone.Core/MediaFiles/Commands/RescanMovieCommand.cs (7294787).
// Both commands take a *nullable* id: without it they rescan every item, so
// a folder that no item owns is rejected, never sent without one.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "scanhook/abi.hpp"
#include "scanhook/config_key.hpp"
#include "scanhook/instance.hpp"
#include "scanhook/support/library_match.hpp"

namespace scanhook::support {

struct ArrApp {
  const char* product;   // "Sonarr"
  const char* listing;   // "/api/v3/series"
  const char* command;   // "RescanSeries"
  const char* id_field;  // "seriesId"
  const char* noun;      // "series": names the item in reasons
};

inline constexpr ArrApp kSonarrApp{"Sonarr", "/api/v3/series", "RescanSeries", "seriesId",
                                   "series"};
inline constexpr ArrApp kRadarrApp{"Radarr", "/api/v3/movie", "RescanMovie", "movieId", "movie"};

// The items of a v3 listing: key = id, title, locations = {path}. Throws
// std::runtime_error on another shape (not an array, an item without id or path).
std::vector<Library> parse_arr_items(const std::string& body);

// {"name":"RescanSeries","seriesId":12}
std::string arr_rescan_body(const ArrApp& app, const std::string& item_id);

// The target section's keys (url, token, timeout, TLS, library_refresh), for kTarget.
inline constexpr std::size_t kArrTargetKeyCount = 6;
extern const ConfigKey kArrTargetKeys[kArrTargetKeyCount];

// Their bounds: a timeout of at least 1ms.
extern const ConfigRange kArrTargetRanges[1];

// The SDK 1.2 check of a [target.NAME] section (check_server_api); a webhook
// source section of the same plugin has nothing to refuse.
void check_arr_target(const CheckArgs& args);

// The target of one [target.NAME] section, once check_arr_target passed it.
std::unique_ptr<Instance> make_arr_target(const ArrApp& app, const CreateArgs& args);

}  // namespace scanhook::support
