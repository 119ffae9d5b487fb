#include "jellyfin_api.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <stdexcept>

#include "scanhook/support/http_client.hpp"
#include "scanhook/support/media_item_type.hpp"

namespace scanhook::jellyfin {

HeaderList auth_headers(const std::string& token) {
  return {{"Authorization", "MediaBrowser Token=\"" + token + "\""}};
}

std::vector<support::Library> parse_virtual_folders(const std::string& body) {
  const auto parsed = Poco::JSON::Parser().parse(body);
  if (parsed.type() != typeid(Poco::JSON::Array::Ptr))
    throw std::runtime_error("expected a JSON array of libraries");
  const auto folders = parsed.extract<Poco::JSON::Array::Ptr>();
  std::vector<support::Library> libraries;
  for (std::size_t i = 0; i < folders->size(); ++i) {
    const auto folder = folders->getObject(static_cast<unsigned>(i));
    if (!folder) throw std::runtime_error("a library entry is not an object");
    support::Library library;
    library.title = folder->optValue<std::string>("Name", "");
    library.key = folder->optValue<std::string>("ItemId", library.title);
    if (const auto locations = folder->getArray("Locations"))
      for (std::size_t j = 0; j < locations->size(); ++j)
        library.locations.push_back(locations->getElement<std::string>(static_cast<unsigned>(j)));
    libraries.push_back(std::move(library));
  }
  return libraries;
}

std::string id_query(const std::string& item_id) {
  return "?ids=" + support::url_encode(item_id) + "&Fields=Path";
}

std::string name_query(const std::string& item_type, const std::string& name) {
  return "?searchTerm=" + support::url_encode(name) +
         "&IncludeItemTypes=" + support::url_encode(item_type) + "&Recursive=true&Fields=Path";
}

std::string items_route(const std::string& query) {
  return "/Items" + query;
}

std::string user_items_route(const std::string& user_id, const std::string& query) {
  return "/Users/" + support::url_encode(user_id) + items_route(query);
}

std::optional<std::string> parse_administrator(const std::string& body) {
  const auto parsed = Poco::JSON::Parser().parse(body);
  if (parsed.type() != typeid(Poco::JSON::Array::Ptr))
    throw std::runtime_error("expected a JSON array of users");
  const auto users = parsed.extract<Poco::JSON::Array::Ptr>();
  for (std::size_t i = 0; i < users->size(); ++i) {
    const auto user = users->getObject(static_cast<unsigned>(i));
    if (!user) throw std::runtime_error("a user entry is not an object");
    const auto policy = user->getObject("Policy");
    const std::string id = user->optValue<std::string>("Id", "");
    if (policy && policy->optValue<bool>("IsAdministrator", false) && !id.empty()) return id;
  }
  return std::nullopt;
}

namespace {

Poco::JSON::Array::Ptr items_of(const std::string& body) {
  const auto parsed = Poco::JSON::Parser().parse(body);
  if (parsed.type() != typeid(Poco::JSON::Object::Ptr))
    throw std::runtime_error("expected a JSON object with Items");
  const auto items = parsed.extract<Poco::JSON::Object::Ptr>()->getArray("Items");
  if (!items) throw std::runtime_error("the answer has no Items");
  for (std::size_t i = 0; i < items->size(); ++i)
    if (!items->getObject(static_cast<unsigned>(i)))
      throw std::runtime_error("an item is not an object");
  return items;
}

std::optional<ItemPath> path_of(const Poco::JSON::Object& item) {
  const std::string path = item.optValue<std::string>("Path", "");
  if (path.empty()) return std::nullopt;
  const bool is_folder = item.has("IsFolder")
                             ? item.getValue<bool>("IsFolder")
                             : !support::is_file_item_type(item.optValue<std::string>("Type", ""));
  return ItemPath{path, !is_folder};
}

}  // namespace

std::optional<ItemPath> parse_item_lookup(const std::string& body) {
  const auto items = items_of(body);
  if (items->size() == 0) return std::nullopt;
  return path_of(*items->getObject(0));
}

std::optional<ItemPath> parse_named_item(const std::string& body, const std::string& name,
                                         const std::string& artist) {
  const auto items = items_of(body);
  std::optional<ItemPath> by_name;
  for (std::size_t i = 0; i < items->size(); ++i) {
    const auto item = items->getObject(static_cast<unsigned>(i));
    if (item->optValue<std::string>("Name", "") != name) continue;
    const auto found = path_of(*item);
    if (!found) continue;
    const std::string album_artist = item->optValue<std::string>("AlbumArtist", "");
    if (artist.empty() || album_artist == artist) return found;
    // Another artist's album of the same name is not this one.
    if (album_artist.empty() && !by_name) by_name = found;
  }
  return by_name;
}

}  // namespace scanhook::jellyfin
