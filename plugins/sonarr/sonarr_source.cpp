// The `sonarr` plugin: Sonarr's webhooks as a source of scan events (README.md
// beside this file has the event table), and Sonarr as a target that rescans
// the series owning a folder (scanhook/support/arr_target.hpp).
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

// Two shapes share eventType "Download": one imported file (`episodeFile`),
// or, from v4.0.6 "On Import Complete", all files of a download (`episodeFiles[]`).
void on_download(ArrEvents& events) {
  if (!events.add_file("episodeFile", EventKind::created) &&
      !events.add_files("episodeFiles", EventKind::created))
    events.fall_back_to_root(EventKind::created,
                             "the payload has no episodeFile or episodeFiles[]");
  events.add_replaced_files();
}

// Before 3.0.5 a Rename named only the series.
void on_rename(ArrEvents& events) {
  events.add_renames("renamedEpisodeFiles");
}

// The first 3.0.5 development builds sent no episodeFile; the season folder's
// name cannot be derived from episodes[].seasonNumber, so the series folder.
void on_episode_file_delete(ArrEvents& events) {
  if (!events.add_file("episodeFile", EventKind::deleted))
    events.fall_back_to_root(EventKind::deleted, "the payload has no episodeFile");
}

void on_series_delete(ArrEvents& events) {
  events.add_item_delete(EventKind::deleted);
}

// constexpr: no code runs when the core loads the .so to check it.
constexpr scanhook::support::ArrEventRule kEvents[] = {
    {"Download", on_download},
    {"Rename", on_rename},
    {"EpisodeFileDelete", on_episode_file_delete},
    {"SeriesDelete", on_series_delete},
    {"Test", nullptr},
    {"Grab", nullptr},
    {"SeriesAdd", nullptr},
    {"Health", nullptr},
    {"HealthRestored", nullptr},
    {"ApplicationUpdate", nullptr},
    {"ManualInteractionRequired", nullptr},
};

std::unique_ptr<scanhook::Instance> make(const scanhook::CreateArgs& args) {
  if (args.kind == scanhook::kTarget)
    return scanhook::support::make_arr_target(scanhook::support::kSonarrApp, args);
  return std::make_unique<scanhook::support::ArrWebhookSource>(
      "Sonarr", "series.path", std::vector(std::begin(kEvents), std::end(kEvents)), args.instance,
      *args.host);
}

}  // namespace

SCANHOOK_PLUGIN_CHECKED("sonarr", "1.1.0",
                        "Sonarr webhooks (Settings > Connect > Webhook), and Sonarr as a target: "
                        "rescans the series that owns a folder",
                        scanhook::kWebhookSource | scanhook::kTarget,
                        scanhook::support::kArrTargetKeys, scanhook::support::kArrTargetRanges,
                        scanhook::support::check_arr_target, make)
