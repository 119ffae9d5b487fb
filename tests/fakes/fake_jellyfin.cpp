#include "fakes/fake_jellyfin.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <Poco/String.h>

#include <cstdio>
#include <sstream>

#include "fakes/wire_format.hpp"

namespace scanhook::fakes {

std::string media_browser_token(const std::string& header) {
  const std::string scheme = "MediaBrowser ";
  if (header.compare(0, scheme.size(), scheme) != 0) return {};
  const auto start = header.find("Token=\"");
  if (start == std::string::npos) return {};
  const auto value = start + 7;
  const auto end = header.find('"', value);
  return end == std::string::npos ? std::string{} : header.substr(value, end - value);
}

FakeJellyfin::FakeJellyfin(std::string api_key, std::string base_url)
    : FakeMediaBrowser(base_url), base_url_(std::move(base_url)), api_key_(std::move(api_key)) {}

// Stop serving before the members the handler reads go away.
FakeJellyfin::~FakeJellyfin() {
  set_down(true);
}

void FakeJellyfin::set_api_key(std::string api_key) {
  std::lock_guard lock(auth_mutex_);
  api_key_ = std::move(api_key);
}

void FakeJellyfin::set_legacy_authorization(bool enabled) {
  std::lock_guard lock(auth_mutex_);
  legacy_authorization_ = enabled;
}

void FakeJellyfin::set_version(std::string version) {
  std::lock_guard lock(auth_mutex_);
  version_ = std::move(version);
}

void FakeJellyfin::add_user(std::string id, std::string name, bool administrator) {
  std::lock_guard lock(auth_mutex_);
  users_.push_back({std::move(id), std::move(name), administrator});
}

bool FakeJellyfin::items_need_user() const {
  std::lock_guard lock(auth_mutex_);
  int major = 0, minor = 0, patch = 0;
  if (std::sscanf(version_.c_str(), "%d.%d.%d", &major, &minor, &patch) != 3) return false;
  return major == 10 && minor == 8 && patch <= 7;
}

bool FakeJellyfin::has_user(const std::string& id) const {
  std::lock_guard lock(auth_mutex_);
  for (const auto& user : users_)
    if (Poco::icompare(user.id, id) == 0) return true;
  return false;
}

HttpReply FakeJellyfin::users() const {
  std::lock_guard lock(auth_mutex_);
  Poco::JSON::Array list;
  for (const auto& user : users_) {
    Poco::JSON::Object entry(Poco::JSON_PRESERVE_KEY_ORDER);
    entry.set("Name", user.name);
    entry.set("ServerId", "4c1f8cbd2b6a4e1d9f0e6a0d3c9b8a71");
    entry.set("Id", user.id);
    entry.set("HasPassword", true);
    entry.set("HasConfiguredPassword", true);
    Poco::JSON::Object policy(Poco::JSON_PRESERVE_KEY_ORDER);
    policy.set("IsAdministrator", user.administrator);
    policy.set("IsHidden", false);
    policy.set("IsDisabled", false);
    policy.set("EnableAllFolders", true);
    entry.set("Policy", policy);
    list.add(entry);
  }
  return {200, kJsonContentType, to_json(list), {}};
}

bool FakeJellyfin::authorized(const RecordedRequest& request) const {
  std::lock_guard lock(auth_mutex_);
  for (const char* header : {"Authorization", "X-Emby-Authorization"})
    if (const auto value = request.header(header))
      if (media_browser_token(*value) == api_key_) return true;
  if (!legacy_authorization_) return false;
  return request.header("X-Emby-Token") == api_key_ ||
         query_param_nocase(request, "api_key") == api_key_;
}

HttpReply FakeJellyfin::handle(const RecordedRequest& request) {
  const auto in_base = route_of(request);
  if (!in_base) {
    // The middleware's Uri.MakeRelativeUri: up from the request's folder, then into the base.
    std::string location;
    for (std::size_t i = 1; i < request.path.size(); ++i)
      if (request.path[i] == '/') location += "../";
    return {302, "", "", {{"Location", location + base_url_.substr(1) + "/web/"}}};
  }
  const std::string route = *in_base;
  if (request.method == "GET" && is_route(route, "/System/Info/Public")) {
    Poco::JSON::Object info(Poco::JSON_PRESERVE_KEY_ORDER);
    info.set("LocalAddress", url());
    info.set("ServerName", "jellyfin-test");
    {
      std::lock_guard lock(auth_mutex_);
      info.set("Version", version_);
    }
    info.set("ProductName", "Jellyfin Server");
    info.set("OperatingSystem", "");
    info.set("Id", "4c1f8cbd2b6a4e1d9f0e6a0d3c9b8a71");
    info.set("StartupWizardCompleted", true);
    return {200, kJsonContentType, to_json(info), {}};
  }
  // /Users/{userId}/Items: the user-scoped lookup.
  std::string user_id;
  const std::string users_prefix = "/Users/";
  if (route.size() > users_prefix.size() + 6 &&
      Poco::icompare(route.substr(0, users_prefix.size()), users_prefix) == 0 &&
      is_route(route.substr(route.size() - 6), "/Items"))
    user_id = route.substr(users_prefix.size(), route.size() - users_prefix.size() - 6);
  const bool known = is_route(route, "/Library/VirtualFolders") ||
                     is_route(route, "/Library/Media/Updated") || is_route(route, "/Items") ||
                     is_route(route, "/Users") || !user_id.empty();
  if (!known) return {404, "", "", {}};
  if (!authorized(request)) return {401, "", "", {}};
  if (request.method == "GET" && is_route(route, "/Library/VirtualFolders")) {
    Poco::JSON::Array folders;
    for (const auto& library : libraries()) {
      Poco::JSON::Object folder(Poco::JSON_PRESERVE_KEY_ORDER);
      folder.set("Name", library.title);
      Poco::JSON::Array locations;
      for (const auto& location : library.locations) locations.add(location);
      folder.set("Locations", locations);
      folder.set("CollectionType", library.type);
      folder.set("ItemId", library.key);
      folder.set("PrimaryImageItemId", library.key);
      folder.set("RefreshStatus", "Idle");
      folders.add(folder);
    }
    return {200, kJsonContentType, to_json(folders), {}};
  }
  if (request.method == "POST" && is_route(route, "/Library/Media/Updated"))
    return media_updated(request);
  if (request.method == "GET" && is_route(route, "/Items")) {
    if (items_need_user() && !query_param_nocase(request, "userId"))
      return {500, "text/plain", "Error processing request.", {}};
    return items(request);
  }
  if (request.method == "GET" && is_route(route, "/Users")) return users();
  if (request.method == "GET" && !user_id.empty()) {
    if (!has_user(user_id)) return {404, "", "", {}};
    return items(request);
  }
  return {405, "", "", {}};
}

}  // namespace scanhook::fakes
