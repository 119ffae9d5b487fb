// Turns one *arr webhook into the files and folders it touched, as the app
// means them: a file's folder is the item's root folder (series.path,
// movie.folderPath, artist.path, author.path) joined with the directory part of
// its relativePath. Facts from the apps' sources (Notifications/Webhook):
// - Sonarr 3.x and 4.0.0-4.0.8 and Radarr before 5.10.1 send, for a new
//   import, `path` = where the file sat before the import (the download
//   client's folder; fixed by Sonarr 44fab9a96 / 4.0.9 and Radarr 2700a6cf8 /
//   5.10.1). Their renamed and deleted files carry no `path` at all (it is not
//   stored, and null fields are left out).
// - Lidarr and Readarr store absolute paths and send only `path`.
// So `path` is used only where no usable relativePath is given, and never for
// a folder outside the item's root (a warning names the field). Where a
// file-level field is missing, older shapes fall back to the item's root and
// the reply says so; a 400 only when no folder at all can be derived.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "scanhook/scan_event.hpp"
#include "scanhook/support/arr_payload.hpp"
#include "scanhook/webhook_source.hpp"

namespace scanhook::support {

// What the plugin tells the log about one webhook: a fallback (info) or a
// field it would not trust (warning).
struct ArrNote {
  bool warning = false;
  std::string text;
};

class ArrEvents {
 public:
  // `root_field` is the dotted field of the item's root folder ("series.path").
  ArrEvents(const ArrPayload& payload, std::string event_type, std::string root_field)
      : payload_(payload), event_type_(std::move(event_type)), root_field_(std::move(root_field)) {}

  // The file object `object` (episodeFile, movieFile, trackFile, bookFile).
  // False when the payload has no such object: nothing was added.
  bool add_file(const std::string& object, EventKind kind);
  // Each element of the array `array` (episodeFiles, trackFiles, bookFiles).
  // False when the payload has no such array or it is empty.
  bool add_files(const std::string& array, EventKind kind);
  // An upgrade's replaced files: `deletedFiles[]` when it is a list (it is a
  // bool in the delete events), each as deleted.
  void add_replaced_files();
  // Each renamed file of `array`: its previous location deleted (from
  // previousRelativePath, else previousPath), its new one created. Without
  // the list (Sonarr before 3.0.5, Radarr 3.x) the item's root, as modified.
  void add_renames(const std::string& array);
  // The item's root folder itself (an item deleted, a folder retagged).
  void add_root(EventKind kind);
  // The item's root folder in place of something more precise, because `why`.
  void fall_back_to_root(EventKind kind, const std::string& why);
  // A whole item removed: its root folder when the app deleted the files;
  // when it kept them (`deletedFiles: false`) the root is dropped instead.
  void add_item_delete(EventKind kind);
  // The files of `array` are named but not scanned, because `why` (a failed
  // import's files are still in the download folder); the event is ignored.
  void drop_files(const std::string& array, const std::string& why);

  // accepted("<event_type>: N paths", then "; fell back: ..." for each
  // fallback and "; skipped: ..." for each file with no folder at all), ignored when the
  // event only names what it leaves alone, or a 400 saying what was missing
  // when no folder at all could be derived.
  WebhookOutcome outcome() const;
  const std::vector<ArrNote>& notes() const { return notes_; }
  // What the event names but leaves alone, and why: for Host::record_dropped.
  const std::vector<std::pair<ScanEvent, std::string>>& dropped() const { return dropped_; }

 private:
  // One file: `relative_key` under the root, else `path_key` when inside the
  // root (or when the payload has no root), else the root itself.
  void add_file_object(const ArrPayload& file, const std::string& field,
                       const std::string& relative_key, const std::string& path_key,
                       EventKind kind);
  void add_path(std::string path, bool is_file, EventKind kind);
  void note(bool warning, std::string text);
  // Once per text: said in the reply and noted for the log.
  void remark(const std::string& text, bool warning);

  const ArrPayload& payload_;
  std::string event_type_;
  std::string root_field_;
  std::vector<ScanEvent> events_;
  std::vector<ArrNote> notes_;
  std::vector<std::string> remarks_;  // "fell back: ..." and "skipped: ...", said in the reply
  std::string missing_;               // the first field whose lack left nothing to scan
  std::string ignored_;               // why the event queues nothing
  std::vector<std::pair<ScanEvent, std::string>> dropped_;
};

// `relative` is a relative path that stays below its folder: not empty, not
// absolute (`/x`, `\x`, `C:x`), with no `..` part. Either separator.
bool is_contained_relative(const std::string& relative);
// `path` is `root` or below it. Windows paths (is_windows_path) compare
// case-insensitively with either separator, as their file systems do.
bool is_inside(const std::string& root, const std::string& path);

}  // namespace scanhook::support
