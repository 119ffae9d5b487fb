#include "plex_api.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <stdexcept>

#include "scanhook/support/http_client.hpp"

namespace scanhook::plex {

namespace {

Poco::JSON::Object::Ptr media_container(const std::string& body) {
  const auto parsed = Poco::JSON::Parser().parse(body);
  if (parsed.type() != typeid(Poco::JSON::Object::Ptr))
    throw std::runtime_error("expected a JSON object");
  const auto container = parsed.extract<Poco::JSON::Object::Ptr>()->getObject("MediaContainer");
  if (!container) throw std::runtime_error("the answer has no MediaContainer");
  return container;
}

// Plex omits empty arrays: a missing one is an empty one.
template <class Visit>
void each_object(const Poco::JSON::Object& parent, const std::string& name, Visit visit) {
  const auto list = parent.getArray(name);
  if (!list) return;
  for (std::size_t i = 0; i < list->size(); ++i)
    if (const auto element = list->getObject(static_cast<unsigned>(i))) visit(*element);
}

}  // namespace

HeaderList auth_headers(const std::string& token) {
  return {{"X-Plex-Token", token}};
}

std::string refresh_route(const std::string& section_key, const std::string& folder) {
  return std::string(kSections) + "/" + support::url_encode(section_key) +
         "/refresh?path=" + support::url_encode(folder);
}

std::string metadata_route(const std::string& rating_key) {
  return "/library/metadata/" + support::url_encode(rating_key);
}

std::string children_route(const std::string& rating_key) {
  return metadata_route(rating_key) + "/children";
}

std::vector<support::Library> parse_sections(const std::string& body) {
  std::vector<support::Library> libraries;
  each_object(*media_container(body), "Directory", [&](const Poco::JSON::Object& directory) {
    support::Library library;
    library.key = directory.get("key").toString();
    library.title = directory.optValue<std::string>("title", library.key);
    each_object(directory, "Location", [&](const Poco::JSON::Object& location) {
      library.locations.push_back(location.getValue<std::string>("path"));
    });
    libraries.push_back(std::move(library));
  });
  return libraries;
}

std::vector<ScanEvent> parse_item_paths(const std::string& body) {
  std::vector<ScanEvent> paths;
  each_object(*media_container(body), "Metadata", [&](const Poco::JSON::Object& item) {
    each_object(item, "Media", [&](const Poco::JSON::Object& media) {
      each_object(media, "Part", [&](const Poco::JSON::Object& part) {
        if (part.has("file")) paths.push_back({part.getValue<std::string>("file"), true});
      });
    });
    each_object(item, "Location", [&](const Poco::JSON::Object& location) {
      if (location.has("path")) paths.push_back({location.getValue<std::string>("path"), false});
    });
  });
  return paths;
}

std::string parse_item_type(const std::string& body) {
  std::string type;
  each_object(*media_container(body), "Metadata", [&](const Poco::JSON::Object& item) {
    if (type.empty()) type = item.optValue<std::string>("type", "");
  });
  return type;
}

bool files_are_children(const std::string& item_type) {
  return item_type == "season" || item_type == "album";
}

std::string parse_machine_identifier(const std::string& body) {
  const auto container = media_container(body);
  const std::string id = container->optValue<std::string>("machineIdentifier", "");
  if (id.empty()) throw std::runtime_error("the identity has no machineIdentifier");
  return id;
}

std::string parse_identity_version(const std::string& body) {
  try {
    return media_container(body)->optValue<std::string>("version", "");
  } catch (const std::exception&) {
    return "";
  }
}

}  // namespace scanhook::plex
