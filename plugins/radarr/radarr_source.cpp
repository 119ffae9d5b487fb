// The `radarr` plugin: Radarr's webhooks as a source of scan events (README.md
// beside this file has the event table), and Radarr as a target that rescans
// the movie owning a folder (scanhook/support/arr_target.hpp).
#include <iterator>
#include <memory>
#include <vector>

#include "scanhook/scanhook.hpp"
#include "scanhook/support/arr_events.hpp"
#include "scanhook/support/arr_target.hpp"
#include "scanhook/support/arr_webhook_source.hpp"

namespace {

using scanhook::EventKind;
using scanhook::support::ArrEvents;

void on_download(ArrEvents& events) {
  if (!events.add_file("movieFile", EventKind::created))
    events.fall_back_to_root(EventKind::created, "the payload has no movieFile");
  events.add_replaced_files();
}

// Radarr 3.x sent a Rename with the movie only.
void on_rename(ArrEvents& events) {
  events.add_renames("renamedMovieFiles");
}

void on_movie_file_delete(ArrEvents& events) {
  if (!events.add_file("movieFile", EventKind::deleted))
    events.fall_back_to_root(EventKind::deleted, "the payload has no movieFile");
}

void on_movie_delete(ArrEvents& events) {
  events.add_item_delete(EventKind::deleted);
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
  if (args.kind == scanhook::kTarget)
    return scanhook::support::make_arr_target(scanhook::support::kRadarrApp, args);
  return std::make_unique<scanhook::support::ArrWebhookSource>(
      "Radarr", "movie.folderPath", std::vector(std::begin(kEvents), std::end(kEvents)),
      args.instance, *args.host);
}

}  // namespace

SCANHOOK_PLUGIN_CHECKED("radarr", "1.1.0",
                        "Radarr webhooks (Settings > Connect > Webhook), and Radarr as a target: "
                        "rescans the movie that owns a folder",
                        scanhook::kWebhookSource | scanhook::kTarget,
                        scanhook::support::kArrTargetKeys, scanhook::support::kArrTargetRanges,
                        scanhook::support::check_arr_target, make)
