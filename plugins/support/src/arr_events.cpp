#include "scanhook/support/arr_events.hpp"

#include "scanhook/support/host_path.hpp"

namespace scanhook::support {

WebhookOutcome missing_field(const std::string& event_type, const std::string& field) {
  return WebhookOutcome::malformed(event_type + " event has no " + field);
}

void ArrEvents::add_file(const std::string& object, const std::string& folder_field,
                         EventKind kind) {
  const auto file = payload_.object(object);
  if (!file) return lack(object + ".path");
  add_file_object(*file, object, folder_field, kind);
}

void ArrEvents::add_files(const std::string& array, const std::string& folder_field,
                          EventKind kind) {
  const auto files = payload_.objects(array);
  if (!files || files->empty()) return lack(array + "[]");
  for (const auto& file : *files) add_file_object(file, array + "[]", folder_field, kind);
}

void ArrEvents::add_replaced_files(const std::string& folder_field) {
  const auto files = payload_.objects("deletedFiles");
  if (!files) return;
  for (const auto& file : *files)
    add_file_object(file, "deletedFiles[]", folder_field, EventKind::deleted);
}

void ArrEvents::add_renames(const std::string& array) {
  const auto files = payload_.objects(array);
  if (!files || files->empty()) return lack(array + "[]");
  for (const auto& file : *files) {
    const auto previous = file.text("previousPath");
    const auto current = file.text("path");
    if (!previous) return lack(array + "[].previousPath");
    if (!current) return lack(array + "[].path");
    add_path(*previous, true, EventKind::deleted);
    add_path(*current, true, EventKind::created);
  }
}

void ArrEvents::add_folder(const std::string& field, EventKind kind) {
  const auto folder = payload_.text(field);
  if (!folder) return lack(field);
  add_path(*folder, false, kind);
}

WebhookOutcome ArrEvents::outcome() const {
  if (!missing_.empty()) return missing_field(event_type_, missing_);
  return WebhookOutcome::accepted(events_, event_type_ + ": " + std::to_string(events_.size()) +
                                               (events_.size() == 1 ? " path" : " paths"));
}

void ArrEvents::add_file_object(const ArrPayload& file, const std::string& field,
                                const std::string& folder_field, EventKind kind) {
  if (auto path = file.text("path")) return add_path(std::move(*path), true, kind);
  const auto relative = file.text("relativePath");
  const auto folder = folder_field.empty() ? std::nullopt : payload_.text(folder_field);
  if (relative && folder) return add_path(join_host_path(*folder, *relative), true, kind);
  lack(field + ".path");
}

void ArrEvents::add_path(std::string path, bool is_file, EventKind kind) {
  events_.push_back({std::move(path), is_file, kind, 0});
}

void ArrEvents::lack(const std::string& field) {
  if (missing_.empty()) missing_ = field;
}

WebhookOutcome folder_delete(const ArrPayload& payload, const std::string& event_type,
                             const std::string& folder_field, EventKind kind) {
  const auto deleted_files = payload.flag("deletedFiles");
  if (deleted_files && !*deleted_files)
    return WebhookOutcome::ignored(event_type + " kept the files on disk: nothing to scan");
  ArrEvents events(payload, event_type);
  events.add_folder(folder_field, kind);
  return events.outcome();
}

}  // namespace scanhook::support
