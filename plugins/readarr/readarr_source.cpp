// The `readarr` webhook source: Readarr "Connect → Webhook" payloads to scan
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

// Readarr's book files carry absolute paths only: no folder to fall back on ("").
WebhookOutcome on_download(const ArrPayload& payload) {
  ArrEvents events(payload, "Download");
  events.add_files("bookFiles", "", EventKind::created);
  events.add_replaced_files("");
  return events.outcome();
}

WebhookOutcome on_rename(const ArrPayload& payload) {
  ArrEvents events(payload, "Rename");
  events.add_renames("renamedBookFiles");
  return events.outcome();
}

WebhookOutcome on_retag(const ArrPayload& payload) {
  ArrEvents events(payload, "Retag");
  events.add_file("bookFile", "", EventKind::modified);
  return events.outcome();
}

WebhookOutcome on_book_file_delete(const ArrPayload& payload) {
  ArrEvents events(payload, "BookFileDelete");
  events.add_file("bookFile", "", EventKind::deleted);
  return events.outcome();
}

WebhookOutcome on_author_delete(const ArrPayload& payload) {
  return scanhook::support::folder_delete(payload, "AuthorDelete", "author.path",
                                          EventKind::deleted);
}

// The payload has no book folder: the author's folder holds it.
WebhookOutcome on_book_delete(const ArrPayload& payload) {
  return scanhook::support::folder_delete(payload, "BookDelete", "author.path",
                                          EventKind::modified);
}

// constexpr: no code runs when the core loads the .so to check it.
constexpr scanhook::support::ArrEventRule kEvents[] = {
    {"Download", on_download},
    {"Rename", on_rename},
    {"Retag", on_retag},
    {"BookFileDelete", on_book_file_delete},
    {"AuthorDelete", on_author_delete},
    {"BookDelete", on_book_delete},
    {"Test", nullptr},
    {"Grab", nullptr},
    {"AuthorAdded", nullptr},
    {"Health", nullptr},
    {"HealthRestored", nullptr},
    {"ApplicationUpdate", nullptr},
};

std::unique_ptr<scanhook::Instance> make(const scanhook::CreateArgs& args) {
  return std::make_unique<scanhook::support::ArrWebhookSource>(
      "Readarr", std::vector(std::begin(kEvents), std::end(kEvents)), args.instance, *args.host);
}

}  // namespace

SCANHOOK_PLUGIN("readarr", "1.0.0", "Readarr webhooks (Settings > Connect > Webhook)",
                scanhook::kWebhookSource, scanhook::kNoConfigKeys, make)
