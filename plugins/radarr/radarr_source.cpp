// The `radarr` webhook source: Radarr "Connect → Webhook" payloads to scan
// events. README.md beside this file has the event table.
#include <iterator>
#include <memory>
#include <vector>

#include "scanhook/scanhook.hpp"
#include "scanhook/support/arr_events.hpp"
#include "scanhook/support/arr_webhook_source.hpp"

namespace {

using scanhook::EventKind;
using scanhook::WebhookOutcome;
using scanhook::support::ArrEvents;
using scanhook::support::ArrPayload;

WebhookOutcome on_download(const ArrPayload& payload) {
  ArrEvents events(payload, "Download");
  events.add_file("movieFile", "movie.folderPath", EventKind::created);
  events.add_replaced_files("movie.folderPath");
  return events.outcome();
}

WebhookOutcome on_rename(const ArrPayload& payload) {
  ArrEvents events(payload, "Rename");
  events.add_renames("renamedMovieFiles");
  return events.outcome();
}

WebhookOutcome on_movie_file_delete(const ArrPayload& payload) {
  ArrEvents events(payload, "MovieFileDelete");
  events.add_file("movieFile", "movie.folderPath", EventKind::deleted);
  return events.outcome();
}

WebhookOutcome on_movie_delete(const ArrPayload& payload) {
  return scanhook::support::folder_delete(payload, "MovieDelete", "movie.folderPath",
                                          EventKind::deleted);
}

// constexpr: no code runs when the core loads the .so to check it.
constexpr scanhook::support::ArrEventRule kEvents[] = {
    {"Download", on_download},
    {"Rename", on_rename},
    {"MovieFileDelete", on_movie_file_delete},
    {"MovieDelete", on_movie_delete},
    {"Test", nullptr},
    {"Grab", nullptr},
    {"MovieAdded", nullptr},
    {"Health", nullptr},
    {"HealthRestored", nullptr},
    {"ApplicationUpdate", nullptr},
    {"ManualInteractionRequired", nullptr},
};

std::unique_ptr<scanhook::Instance> make(const scanhook::CreateArgs& args) {
  return std::make_unique<scanhook::support::ArrWebhookSource>(
      "Radarr", std::vector(std::begin(kEvents), std::end(kEvents)), args.instance, *args.host);
}

}  // namespace

SCANHOOK_PLUGIN("radarr", "1.0.0", "Radarr webhooks (Settings > Connect > Webhook)",
                scanhook::kWebhookSource, scanhook::kNoConfigKeys, make)
