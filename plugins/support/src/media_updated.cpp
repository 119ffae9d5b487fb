#include "scanhook/support/media_updated.hpp"

#include "scanhook/http.hpp"

namespace scanhook::support {

const char* update_type(EventKind kind) {
  switch (kind) {
    case EventKind::created: return "Created";
    case EventKind::modified: return "Modified";
    case EventKind::deleted: return "Deleted";
  }
  return "Modified";
}

std::string media_updated_body(const std::vector<ScanFolder>& folders) {
  std::string body = "{\"Updates\":[";
  for (std::size_t i = 0; i < folders.size(); ++i) {
    if (i > 0) body += ',';
    body += "{\"Path\":" + json_quote(folders[i].path) + ",\"UpdateType\":\"" +
            update_type(folders[i].kind) + "\"}";
  }
  return body + "]}";
}

}  // namespace scanhook::support
