#include "fakes/fake_media_browser.hpp"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/String.h>

#include <cctype>
#include <sstream>

#include "fakes/wire_format.hpp"

namespace scanhook::fakes {

namespace {

// ASP.NET's validation answer.
HttpReply problem(const std::string& detail) {
  Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
  body.set("type", "https://tools.ietf.org/html/rfc9110#section-15.5.1");
  body.set("title", "One or more validation errors occurred.");
  body.set("status", 400);
  body.set("detail", detail);
  std::ostringstream out;
  body.stringify(out);
  return {400, "application/problem+json; charset=utf-8", out.str(), {}};
}

// Jellyfin reads an id with or without dashes, in any case (a Guid); Emby's are numbers.
std::string item_key(const std::string& id) {
  std::string key;
  for (const char c : id)
    if (c != '-') key += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return key;
}

}  // namespace

std::optional<std::string> query_param_nocase(const RecordedRequest& request,
                                              const std::string& name) {
  for (const auto& [key, value] : request.query)
    if (iequals(key, name)) return value;
  return std::nullopt;
}

FakeMediaBrowser::FakeMediaBrowser(std::string prefix)
    : FakeHttpServer([this](const RecordedRequest& request) { return handle(request); }),
      prefix_(std::move(prefix)) {}

void FakeMediaBrowser::set_libraries(std::vector<FakeLibrary> libraries) {
  std::lock_guard lock(mutex_);
  libraries_ = std::move(libraries);
}

void FakeMediaBrowser::add_item(FakeItem item) {
  std::lock_guard lock(mutex_);
  const std::string key = item_key(item.id);
  items_[key] = std::move(item);
}

void FakeMediaBrowser::remove_item(const std::string& id) {
  std::lock_guard lock(mutex_);
  items_.erase(item_key(id));
}

std::vector<std::vector<MediaUpdate>> FakeMediaBrowser::media_updates() const {
  std::lock_guard lock(mutex_);
  return media_updates_;
}

std::vector<FakeLibrary> FakeMediaBrowser::libraries() const {
  std::lock_guard lock(mutex_);
  return libraries_;
}

std::optional<FakeItem> FakeMediaBrowser::item(const std::string& id) const {
  std::lock_guard lock(mutex_);
  const auto it = items_.find(item_key(id));
  if (it == items_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> FakeMediaBrowser::route_of(const RecordedRequest& request) const {
  if (request.path.size() < prefix_.size() ||
      Poco::icompare(request.path.substr(0, prefix_.size()), prefix_) != 0)
    return std::nullopt;
  return request.path.substr(prefix_.size());
}

bool FakeMediaBrowser::is_route(const std::string& route, const std::string& expected) {
  return Poco::icompare(route, expected) == 0;
}

HttpReply FakeMediaBrowser::media_updated(const RecordedRequest& request) {
  std::vector<MediaUpdate> updates;
  try {
    const auto parsed = Poco::JSON::Parser().parse(request.body);
    const auto body = parsed.extract<Poco::JSON::Object::Ptr>();
    const auto list = body->getArray("Updates");
    if (!list) return problem("The Updates field is required.");
    for (std::size_t i = 0; i < list->size(); ++i) {
      const auto update = list->getObject(static_cast<unsigned>(i));
      if (!update || !update->has("Path") || update->isNull("Path"))
        return problem("Updates[" + std::to_string(i) + "].Path must not be null.");
      const std::string type = update->optValue<std::string>("UpdateType", "Modified");
      if (type != "Created" && type != "Modified" && type != "Deleted")
        return problem("Updates[" + std::to_string(i) + "].UpdateType: unknown value " + type);
      updates.push_back({update->getValue<std::string>("Path"), type});
    }
  } catch (const Poco::Exception& error) {
    return problem("The request body is not valid JSON: " + error.displayText());
  }
  std::lock_guard lock(mutex_);
  media_updates_.push_back(std::move(updates));
  return {204, "", "", {}};
}

HttpReply FakeMediaBrowser::items(const RecordedRequest& request) const {
  std::vector<FakeItem> found;
  if (const auto ids = query_param_nocase(request, "ids")) {
    std::istringstream list(*ids);
    for (std::string id; std::getline(list, id, ',');)
      if (const auto known = item(id)) found.push_back(*known);
  } else if (const auto term = query_param_nocase(request, "searchTerm")) {
    const std::string types =
        "," + query_param_nocase(request, "IncludeItemTypes").value_or("") + ",";
    std::lock_guard lock(mutex_);
    for (const auto& [key, candidate] : items_)
      if (types.find("," + candidate.type + ",") != std::string::npos &&
          Poco::toLower(candidate.name).find(Poco::toLower(*term)) != std::string::npos)
        found.push_back(candidate);
  }
  const std::string fields = query_param_nocase(request, "fields").value_or("");
  const bool with_path = Poco::toLower(fields).find("path") != std::string::npos;
  Poco::JSON::Array list;
  for (const auto& entry_item : found) {
    Poco::JSON::Object entry(Poco::JSON_PRESERVE_KEY_ORDER);
    entry.set("Name", entry_item.name);
    entry.set("ServerId", "4c1f8cbd2b6a4e1d9f0e6a0d3c9b8a71");
    entry.set("Id", entry_item.id);
    if (with_path) entry.set("Path", entry_item.path);
    entry.set("IsFolder", entry_item.is_folder);
    entry.set("Type", entry_item.type);
    if (!entry_item.album_artist.empty()) entry.set("AlbumArtist", entry_item.album_artist);
    entry.set("LocationType", "FileSystem");
    list.add(entry);
  }
  Poco::JSON::Object result(Poco::JSON_PRESERVE_KEY_ORDER);
  result.set("Items", list);
  result.set("TotalRecordCount", static_cast<int>(list.size()));
  result.set("StartIndex", 0);
  return {200, "application/json; charset=utf-8", to_json(result), {}};
}

}  // namespace scanhook::fakes
