// What a source reports: one path that changed.
#pragma once

#include <cstdint>
#include <string>

namespace scanhook {

enum class EventKind : std::uint8_t { created, modified, deleted };

inline const char* event_kind_name(EventKind kind) {
  switch (kind) {
    case EventKind::created: return "created";
    case EventKind::modified: return "modified";
    case EventKind::deleted: return "deleted";
  }
  return "modified";
}

struct ScanEvent {
  std::string path;      // as the sender wrote it; the core rewrites and checks it
  bool is_file = false;  // a file's event becomes its folder's
  EventKind kind = EventKind::modified;
  int priority = 0;  // added to the source instance's `priority`
};

}  // namespace scanhook
