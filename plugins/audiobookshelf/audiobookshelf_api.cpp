#include "audiobookshelf_api.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <stdexcept>

namespace scanhook::audiobookshelf {

HeaderList auth_headers(const std::string& token) {
  return {{"Authorization", "Bearer " + token}};
}

std::vector<support::Library> parse_libraries(const std::string& body) {
  const auto parsed = Poco::JSON::Parser().parse(body);
  if (parsed.type() != typeid(Poco::JSON::Object::Ptr))
    throw std::runtime_error("expected a JSON object with \"libraries\"");
  const auto listed = parsed.extract<Poco::JSON::Object::Ptr>()->getArray("libraries");
  if (!listed) throw std::runtime_error("expected a \"libraries\" array");
  std::vector<support::Library> libraries;
  for (std::size_t i = 0; i < listed->size(); ++i) {
    const auto entry = listed->getObject(static_cast<unsigned>(i));
    if (!entry || !entry->has("id")) throw std::runtime_error("a library entry has no id");
    support::Library library;
    library.key = entry->getValue<std::string>("id");
    library.title = entry->optValue<std::string>("name", library.key);
    if (const auto folders = entry->getArray("folders"))
      for (std::size_t j = 0; j < folders->size(); ++j) {
        const auto folder = folders->getObject(static_cast<unsigned>(j));
        if (!folder || !folder->has("fullPath"))
          throw std::runtime_error("a folder of library " + library.title + " has no fullPath");
        library.locations.push_back(folder->getValue<std::string>("fullPath"));
      }
    libraries.push_back(std::move(library));
  }
  return libraries;
}

const char* watcher_type(EventKind kind) {
  return kind == EventKind::deleted ? "unlink" : "add";
}

std::string watcher_update_body(const std::string& library_id, const std::string& path,
                                EventKind kind) {
  return "{\"libraryId\":" + json_quote(library_id) + ",\"path\":" + json_quote(path) +
         ",\"type\":\"" + watcher_type(kind) + "\"}";
}

}  // namespace scanhook::audiobookshelf
