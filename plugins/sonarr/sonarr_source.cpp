// The `sonarr` webhook source: Sonarr v3 and v4 "Connect → Webhook" payloads
// to scan events. README.md beside this file has the event table.
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

// Two shapes share eventType "Download": one imported file (`episodeFile`),
// or, from v4.0.6 "On Import Complete", all files of a download (`episodeFiles[]`).
WebhookOutcome on_download(const ArrPayload& payload) {
  ArrEvents events(payload, "Download");
  if (payload.has("episodeFile"))
    events.add_file("episodeFile", "series.path", EventKind::created);
  else if (payload.has("episodeFiles"))
    events.add_files("episodeFiles", "series.path", EventKind::created);
  else
    return scanhook::support::missing_field("Download", "episodeFile.path or episodeFiles[]");
  events.add_replaced_files("series.path");
  return events.outcome();
}

WebhookOutcome on_rename(const ArrPayload& payload) {
  ArrEvents events(payload, "Rename");
  events.add_renames("renamedEpisodeFiles");
  return events.outcome();
}

WebhookOutcome on_episode_file_delete(const ArrPayload& payload) {
  ArrEvents events(payload, "EpisodeFileDelete");
  events.add_file("episodeFile", "series.path", EventKind::deleted);
  return events.outcome();
}

WebhookOutcome on_series_delete(const ArrPayload& payload) {
  return scanhook::support::folder_delete(payload, "SeriesDelete", "series.path",
                                          EventKind::deleted);
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
  return std::make_unique<scanhook::support::ArrWebhookSource>(
      "Sonarr", std::vector(std::begin(kEvents), std::end(kEvents)), args.instance, *args.host);
}

}  // namespace

SCANHOOK_PLUGIN("sonarr", "1.0.0", "Sonarr webhooks (Settings > Connect > Webhook)",
                scanhook::kWebhookSource, scanhook::kNoConfigKeys, make)
