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
using scanhook::support::ArrEvents;

// Readarr's book files carry their absolute path only (Readarr stores it).
void on_download(ArrEvents& events) {
  if (!events.add_files("bookFiles", EventKind::created))
    events.fall_back_to_root(EventKind::created, "the payload has no bookFiles[]");
  events.add_replaced_files();
}

void on_rename(ArrEvents& events) {
  events.add_renames("renamedBookFiles");
}

void on_retag(ArrEvents& events) {
  if (!events.add_file("bookFile", EventKind::modified))
    events.fall_back_to_root(EventKind::modified, "the payload has no bookFile");
}

void on_book_file_delete(ArrEvents& events) {
  if (!events.add_file("bookFile", EventKind::deleted))
    events.fall_back_to_root(EventKind::deleted, "the payload has no bookFile");
}

void on_author_delete(ArrEvents& events) {
  events.add_item_delete(EventKind::deleted);
}

// The payload has no book folder: the author's folder holds it.
void on_book_delete(ArrEvents& events) {
  events.add_item_delete(EventKind::modified);
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
      "Readarr", "author.path", std::vector(std::begin(kEvents), std::end(kEvents)), args.instance,
      *args.host);
}

}  // namespace

SCANHOOK_PLUGIN("readarr", "1.0.0", "Readarr webhooks (Settings > Connect > Webhook)",
                scanhook::kWebhookSource, scanhook::kNoConfigKeys, make)
