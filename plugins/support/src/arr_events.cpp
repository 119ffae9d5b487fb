#include "scanhook/support/arr_events.hpp"

#include <algorithm>
#include <cctype>

#include "scanhook/http.hpp"  // json_quote
#include "scanhook/support/host_path.hpp"

namespace scanhook::support {

namespace {

bool is_separator(char c) {
  return c == '/' || c == '\\';
}

// `path` without trailing separators (a root written "/tv/Show/").
std::string trimmed(std::string path) {
  while (path.size() > 1 && is_separator(path.back())) path.pop_back();
  return path;
}

}  // namespace

bool is_contained_relative(const std::string& relative) {
  if (relative.empty() || is_separator(relative[0])) return false;
  if (relative.size() >= 2 && relative[1] == ':') return false;  // C:x is relative to C:'s cwd
  std::string::size_type start = 0;
  while (start <= relative.size()) {
    auto end = start;
    while (end < relative.size() && !is_separator(relative[end])) ++end;
    if (relative.compare(start, end - start, "..") == 0) return false;
    start = end + 1;
  }
  return true;
}

bool is_inside(const std::string& root, const std::string& path) {
  const std::string base = trimmed(root);
  if (path.size() < base.size()) return false;
  const bool windows = is_windows_path(base);
  const auto same = [windows](char a, char b) {
    if (!windows) return a == b;
    if (is_separator(a) && is_separator(b)) return true;
    return std::tolower(static_cast<unsigned char>(a)) ==
           std::tolower(static_cast<unsigned char>(b));
  };
  if (!std::equal(base.begin(), base.end(), path.begin(), same)) return false;
  if (path.size() == base.size()) return true;
  return path[base.size()] == '/' || (windows && path[base.size()] == '\\') ||
         is_separator(base.back());  // the root "/" itself
}

bool ArrEvents::add_file(const std::string& object, EventKind kind) {
  const auto file = payload_.object(object);
  if (!file) return false;
  add_file_object(*file, object, "relativePath", "path", kind);
  return true;
}

bool ArrEvents::add_files(const std::string& array, EventKind kind) {
  const auto files = payload_.objects(array);
  if (!files || files->empty()) return false;
  for (const auto& file : *files) add_file_object(file, array + "[]", "relativePath", "path", kind);
  return true;
}

void ArrEvents::add_replaced_files() {
  const auto files = payload_.objects("deletedFiles");
  if (!files) return;
  for (const auto& file : *files)
    add_file_object(file, "deletedFiles[]", "relativePath", "path", EventKind::deleted);
}

void ArrEvents::add_renames(const std::string& array) {
  const auto files = payload_.objects(array);
  if (!files || files->empty())
    return fall_back_to_root(EventKind::modified, "the payload has no " + array + "[]");
  for (const auto& file : *files) {
    add_file_object(file, array + "[]", "previousRelativePath", "previousPath", EventKind::deleted);
    add_file_object(file, array + "[]", "relativePath", "path", EventKind::created);
  }
}

void ArrEvents::add_root(EventKind kind) {
  const auto root = payload_.text(root_field_);
  if (!root) {
    if (missing_.empty()) missing_ = root_field_;
    return;
  }
  const bool added = std::any_of(events_.begin(), events_.end(), [&](const ScanEvent& event) {
    return !event.is_file && event.path == *root;
  });
  if (!added) add_path(*root, false, kind);
}

void ArrEvents::fall_back_to_root(EventKind kind, const std::string& why) {
  if (!payload_.text(root_field_)) return add_root(kind);  // records the lack
  remark("fell back: " + why + ": scanned " + root_field_, false);
  add_root(kind);
}

void ArrEvents::add_item_delete(EventKind kind) {
  const auto deleted_files = payload_.flag("deletedFiles");
  if (deleted_files && !*deleted_files) {
    ignored_ = event_type_ + " kept the files on disk: nothing to scan";
    if (const auto root = payload_.text(root_field_))
      dropped_.push_back({{*root, false, kind, 0}, ignored_});
    return;
  }
  add_root(kind);
}

void ArrEvents::drop_files(const std::string& array, const std::string& why) {
  ignored_ = event_type_ + " " + why;
  const auto files = payload_.objects(array);
  if (!files) return;
  for (const auto& file : *files)
    if (const auto path = file.text("path"))
      dropped_.push_back({{*path, true, EventKind::modified, 0}, ignored_});
}

WebhookOutcome ArrEvents::outcome() const {
  if (events_.empty()) {
    if (!ignored_.empty()) return WebhookOutcome::ignored(ignored_);
    return WebhookOutcome::malformed(event_type_ + " event has no " +
                                     (missing_.empty() ? root_field_ : missing_));
  }
  std::string message = event_type_ + ": " + std::to_string(events_.size()) +
                        (events_.size() == 1 ? " path" : " paths");
  for (const auto& remark : remarks_) message += "; " + remark;
  return WebhookOutcome::accepted(events_, message);
}

void ArrEvents::add_file_object(const ArrPayload& file, const std::string& field,
                                const std::string& relative_key, const std::string& path_key,
                                EventKind kind) {
  const auto root = payload_.text(root_field_);
  const auto relative = file.text(relative_key);
  std::string why = field + " has no " + relative_key + " or " + path_key;
  if (root && relative) {
    if (is_contained_relative(*relative))
      return add_path(join_host_path(trimmed(*root), *relative), true, kind);
    why = field + "." + relative_key + " leaves " + root_field_;
    note(true, field + "." + relative_key + " " + json_quote(*relative) + " leaves " + root_field_ +
                   ": not used");
  }
  if (const auto path = file.text(path_key)) {
    if (!root || is_inside(*root, *path)) return add_path(*path, true, kind);
    why = field + "." + path_key + " is outside " + root_field_;
    note(true, field + "." + path_key + " " + json_quote(*path) + " is outside " + root_field_ +
                   " " + json_quote(*root) + ": not used");
  }
  if (root) return fall_back_to_root(kind, why);
  if (missing_.empty()) missing_ = field + "." + path_key + " or " + root_field_;
  // Said even when other files were found: the reply must not look complete.
  remark("skipped: " + why + " and there is no " + root_field_, true);
}

void ArrEvents::add_path(std::string path, bool is_file, EventKind kind) {
  events_.push_back({std::move(path), is_file, kind, 0});
}

void ArrEvents::note(bool warning, std::string text) {
  notes_.push_back({warning, std::move(text)});
}

void ArrEvents::remark(const std::string& text, bool warning) {
  if (std::find(remarks_.begin(), remarks_.end(), text) != remarks_.end()) return;
  remarks_.push_back(text);
  note(warning, text);
}

}  // namespace scanhook::support
