#include "fakes/fake_emby.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <sstream>

#include "fakes/fake_jellyfin.hpp"

#include "fakes/wire_format.hpp"

namespace scanhook::fakes {

FakeEmby::FakeEmby(std::string api_key) : FakeMediaBrowser("/emby"), api_key_(std::move(api_key)) {}

// Stop serving before the members the handler reads go away.
FakeEmby::~FakeEmby() {
  set_down(true);
}

void FakeEmby::set_api_key(std::string api_key) {
  std::lock_guard lock(auth_mutex_);
  api_key_ = std::move(api_key);
}

bool FakeEmby::authorized(const RecordedRequest& request) const {
  std::lock_guard lock(auth_mutex_);
  if (request.header("X-Emby-Token") == api_key_) return true;
  if (query_param_nocase(request, "api_key") == api_key_) return true;
  const auto authorization = request.header("X-Emby-Authorization");
  return authorization && media_browser_token(*authorization) == api_key_;
}

HttpReply FakeEmby::handle(const RecordedRequest& request) {
  const auto route = route_of(request);
  if (!route) return {404, "text/plain", "Not found", {}};
  if (request.method == "GET" && is_route(*route, "/System/Info/Public")) {
    Poco::JSON::Object info(Poco::JSON_PRESERVE_KEY_ORDER);
    info.set("LocalAddress", url());
    info.set("WanAddress", "");
    info.set("ServerName", "emby-test");
    info.set("Version", "4.8.10.0");
    info.set("Id", "7b1e0d9c5a4f4e3d8c2b1a0f9e8d7c6b");
    return {200, kJsonContentType, to_json(info), {}};
  }
  const bool known = is_route(*route, "/Library/SelectableMediaFolders") ||
                     is_route(*route, "/Library/VirtualFolders") ||
                     is_route(*route, "/Library/Media/Updated") || is_route(*route, "/Items");
  if (!known) return {404, "text/plain", "Not found", {}};
  if (!authorized(request))
    return {401, "text/plain; charset=utf-8", "Access token is invalid or expired.", {}};
  if (request.method == "GET" && is_route(*route, "/Library/SelectableMediaFolders")) {
    Poco::JSON::Array folders;
    for (const auto& library : libraries()) {
      Poco::JSON::Object folder(Poco::JSON_PRESERVE_KEY_ORDER);
      folder.set("Name", library.title);
      folder.set("Id", library.key);
      Poco::JSON::Array subfolders;
      int id = 100;
      for (const auto& location : library.locations) {
        Poco::JSON::Object subfolder(Poco::JSON_PRESERVE_KEY_ORDER);
        // Windows libraries (\\nas\media) use backslashes.
        subfolder.set("Name", location.substr(location.find_last_of("/\\") + 1));
        subfolder.set("Id", std::to_string(id++));
        subfolder.set("Path", location);
        subfolders.add(subfolder);
      }
      folder.set("SubFolders", subfolders);
      folders.add(folder);
    }
    return {200, kJsonContentType, to_json(folders), {}};
  }
  if (request.method == "GET" && is_route(*route, "/Library/VirtualFolders")) {
    Poco::JSON::Array folders;
    for (const auto& library : libraries()) {
      Poco::JSON::Object folder(Poco::JSON_PRESERVE_KEY_ORDER);
      folder.set("Name", library.title);
      Poco::JSON::Array locations;
      for (const auto& location : library.locations) locations.add(location);
      folder.set("Locations", locations);
      folder.set("CollectionType", library.type);
      folder.set("ItemId", library.key);
      folders.add(folder);
    }
    return {200, kJsonContentType, to_json(folders), {}};
  }
  if (request.method == "POST" && is_route(*route, "/Library/Media/Updated"))
    return media_updated(request);
  if (request.method == "GET" && is_route(*route, "/Items")) return items(request);
  return {405, "text/plain", "Method not allowed", {}};
}

}  // namespace scanhook::fakes
