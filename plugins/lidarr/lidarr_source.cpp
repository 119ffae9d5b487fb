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
using scanhook::support::ArrEvents;

// Lidarr's track files carry their absolute path only (Lidarr stores it).
void on_download(ArrEvents& events) {
  if (!events.add_files("trackFiles", EventKind::created))
    events.fall_back_to_root(EventKind::created, "the payload has no trackFiles[]");
  events.add_replaced_files();
}

void on_rename(ArrEvents& events) {
  events.add_renames("renamedTrackFiles");
}

// Tags rewritten in place. Older Lidarr builds name only the artist.
void on_retag(ArrEvents& events) {
  if (!events.add_file("trackFile", EventKind::modified)) events.add_root(EventKind::modified);
}

void on_artist_delete(ArrEvents& events) {
  events.add_item_delete(EventKind::deleted);
}

// The files are still in the download folder: nothing in the library changed,
// but the event names them, so they are kept in the history.
void on_import_failure(ArrEvents& events) {
  events.drop_files("trackFiles",
                    "left the files in the download folder: nothing in the library changed");
}

// The payload has no album folder: the artist's folder holds it.
void on_album_delete(ArrEvents& events) {
  events.add_item_delete(EventKind::modified);
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
    {"ImportFailure", on_import_failure},
    {"ArtistAdd", nullptr},
    {"Health", nullptr},
    {"HealthRestored", nullptr},
    {"ApplicationUpdate", nullptr},
    {"ManualInteractionRequired", nullptr},
};

std::unique_ptr<scanhook::Instance> make(const scanhook::CreateArgs& args) {
  return std::make_unique<scanhook::support::ArrWebhookSource>(
      "Lidarr", "artist.path", std::vector(std::begin(kEvents), std::end(kEvents)), args.instance,
      *args.host);
}

}  // namespace

SCANHOOK_PLUGIN("lidarr", "1.0.0", "Lidarr webhooks (Settings > Connect > Webhook)",
                scanhook::kWebhookSource, scanhook::kNoConfigKeys, make)
