// Turns the parts the *arr webhooks share (file objects, file lists, upgrades'
// replaced files, renames, deleted folders) into scan events, remembering the
// first field a payload lacked so the reply can name it.
#pragma once

#include <string>
#include <vector>

#include "scanhook/scan_event.hpp"
#include "scanhook/support/arr_payload.hpp"
#include "scanhook/webhook_source.hpp"

namespace scanhook::support {

// 400, kept as a dead letter: "<event_type> event has no <field>".
WebhookOutcome missing_field(const std::string& event_type, const std::string& field);

class ArrEvents {
 public:
  ArrEvents(const ArrPayload& payload, std::string event_type)
      : payload_(payload), event_type_(std::move(event_type)) {}

  // The file object `object` (episodeFile, movieFile, ...): its `path`, or its
  // `relativePath` under the folder at `folder_field` ("" when the app sends none).
  void add_file(const std::string& object, const std::string& folder_field, EventKind kind);
  // Each element of the required array `array`, read like add_file.
  void add_files(const std::string& array, const std::string& folder_field, EventKind kind);
  // An upgrade's replaced files: `deletedFiles[]` when it is a list (it is a
  // bool in delete events), each as deleted.
  void add_replaced_files(const std::string& folder_field);
  // Each element of the required array `array`: `previousPath` deleted, `path` created.
  void add_renames(const std::string& array);
  // The required folder at `field`.
  void add_folder(const std::string& field, EventKind kind);

  // accepted("<event_type>: N paths"), or missing_field for the first lack.
  WebhookOutcome outcome() const;

 private:
  void add_file_object(const ArrPayload& file, const std::string& field,
                       const std::string& folder_field, EventKind kind);
  void add_path(std::string path, bool is_file, EventKind kind);
  void lack(const std::string& field);

  const ArrPayload& payload_;
  std::string event_type_;
  std::vector<ScanEvent> events_;
  std::string missing_;
};

// A whole series/movie/artist/author removed: the folder at `folder_field`
// when the app deleted the files, ignored when it kept them (`deletedFiles: false`).
WebhookOutcome folder_delete(const ArrPayload& payload, const std::string& event_type,
                             const std::string& folder_field, EventKind kind);

}  // namespace scanhook::support
