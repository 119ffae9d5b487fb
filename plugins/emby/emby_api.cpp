#include "emby_api.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <stdexcept>

namespace scanhook::emby {

HeaderList auth_headers(const std::string& token) {
  return {{"X-Emby-Token", token}};
}

std::vector<support::Library> parse_media_folders(const std::string& body) {
  const auto parsed = Poco::JSON::Parser().parse(body);
  if (parsed.type() != typeid(Poco::JSON::Array::Ptr))
    throw std::runtime_error("expected a JSON array of media folders");
  const auto folders = parsed.extract<Poco::JSON::Array::Ptr>();
  std::vector<support::Library> libraries;
  for (std::size_t i = 0; i < folders->size(); ++i) {
    const auto folder = folders->getObject(static_cast<unsigned>(i));
    if (!folder) throw std::runtime_error("a media folder is not an object");
    support::Library library;
    library.title = folder->optValue<std::string>("Name", "");
    library.key = folder->optValue<std::string>("Id", library.title);
    if (const auto subfolders = folder->getArray("SubFolders")) {
      for (std::size_t j = 0; j < subfolders->size(); ++j) {
        const auto subfolder = subfolders->getObject(static_cast<unsigned>(j));
        if (subfolder && subfolder->has("Path"))
          library.locations.push_back(subfolder->getValue<std::string>("Path"));
      }
    }
    libraries.push_back(std::move(library));
  }
  return libraries;
}

}  // namespace scanhook::emby
