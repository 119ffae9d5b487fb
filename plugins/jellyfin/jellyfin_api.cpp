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

std::string item_lookup(const std::string& item_id) {
  return "/Items?ids=" + support::url_encode(item_id) + "&Fields=Path";
}

std::string user_item_lookup(const std::string& user_id, const std::string& item_id) {
  return "/Users/" + support::url_encode(user_id) + item_lookup(item_id);
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

std::optional<ItemPath> parse_item_lookup(const std::string& body) {
  const auto parsed = Poco::JSON::Parser().parse(body);
  if (parsed.type() != typeid(Poco::JSON::Object::Ptr))
    throw std::runtime_error("expected a JSON object with Items");
  const auto items = parsed.extract<Poco::JSON::Object::Ptr>()->getArray("Items");
  if (!items) throw std::runtime_error("the answer has no Items");
  if (items->size() == 0) return std::nullopt;
  const auto item = items->getObject(0);
  if (!item) throw std::runtime_error("an item is not an object");
  const std::string path = item->optValue<std::string>("Path", "");
  if (path.empty()) return std::nullopt;
  const bool is_folder = item->has("IsFolder")
                             ? item->getValue<bool>("IsFolder")
                             : !support::is_file_item_type(item->optValue<std::string>("Type", ""));
  return ItemPath{path, !is_folder};
}

}  // namespace scanhook::jellyfin
