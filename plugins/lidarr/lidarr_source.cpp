// The `lidarr` webhook source: Lidarr "Connect → Webhook" payloads to scan
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

// Lidarr's track files carry absolute paths only: no folder to fall back on ("").
WebhookOutcome on_download(const ArrPayload& payload) {
  ArrEvents events(payload, "Download");
  events.add_files("trackFiles", "", EventKind::created);
  events.add_replaced_files("");
  return events.outcome();
}

WebhookOutcome on_rename(const ArrPayload& payload) {
  ArrEvents events(payload, "Rename");
  events.add_renames("renamedTrackFiles");
  return events.outcome();
}

// Tags rewritten in place. Older Lidarr builds name only the artist.
WebhookOutcome on_retag(const ArrPayload& payload) {
  ArrEvents events(payload, "Retag");
  if (payload.has("trackFile"))
    events.add_file("trackFile", "", EventKind::modified);
  else if (payload.has("artist.path"))
    events.add_folder("artist.path", EventKind::modified);
  else
    return scanhook::support::missing_field("Retag", "trackFile.path or artist.path");
  return events.outcome();
}

WebhookOutcome on_artist_delete(const ArrPayload& payload) {
  return scanhook::support::folder_delete(payload, "ArtistDelete", "artist.path",
                                          EventKind::deleted);
}

// The payload has no album folder: the artist's folder holds it.
WebhookOutcome on_album_delete(const ArrPayload& payload) {
  return scanhook::support::folder_delete(payload, "AlbumDelete", "artist.path",
                                          EventKind::modified);
}

// constexpr: no code runs when the core loads the .so to check it.
constexpr scanhook::support::ArrEventRule kEvents[] = {
    {"Download", on_download},
    {"Rename", on_rename},
    {"Retag", on_retag},
    {"ArtistDelete", on_artist_delete},
    {"AlbumDelete", on_album_delete},
    {"Test", nullptr},
    {"Grab", nullptr},
    {"DownloadFailure", nullptr},
    {"ImportFailure", nullptr},
    {"ArtistAdd", nullptr},
    {"Health", nullptr},
    {"HealthRestored", nullptr},
    {"ApplicationUpdate", nullptr},
    {"ManualInteractionRequired", nullptr},
};

std::unique_ptr<scanhook::Instance> make(const scanhook::CreateArgs& args) {
  return std::make_unique<scanhook::support::ArrWebhookSource>(
      "Lidarr", std::vector(std::begin(kEvents), std::end(kEvents)), args.instance, *args.host);
}

}  // namespace

SCANHOOK_PLUGIN("lidarr", "1.0.0", "Lidarr webhooks (Settings > Connect > Webhook)",
                scanhook::kWebhookSource, scanhook::kNoConfigKeys, make)
