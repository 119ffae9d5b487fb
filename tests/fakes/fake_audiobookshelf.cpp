#include "fakes/fake_audiobookshelf.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include "fakes/wire_format.hpp"

namespace scanhook::fakes {

namespace {

constexpr const char* kText = "text/plain; charset=utf-8";

// Express's res.sendStatus: the status's reason phrase as the body.
HttpReply send_status(int status, const char* phrase) {
  return {status, kText, phrase, {}};
}

// Is `path` the folder or under it (ABS's isSameOrSubPath, POSIX paths)?
bool same_or_sub_path(const std::string& folder, const std::string& path) {
  if (path == folder) return true;
  const std::string base = folder.size() > 1 && folder.back() == '/' ? folder : folder + "/";
  return path.compare(0, base.size(), base) == 0;
}

}  // namespace

FakeAudiobookshelf::FakeAudiobookshelf(std::string token)
    : FakeHttpServer([this](const RecordedRequest& request) { return handle(request); }),
      token_(std::move(token)) {}

FakeAudiobookshelf::~FakeAudiobookshelf() {
  set_down(true);
}

void FakeAudiobookshelf::set_libraries(std::vector<FakeLibrary> libraries) {
  std::lock_guard lock(mutex_);
  libraries_ = std::move(libraries);
}

void FakeAudiobookshelf::set_admin(bool admin) {
  std::lock_guard lock(mutex_);
  admin_ = admin;
}

std::vector<WatcherUpdate> FakeAudiobookshelf::watcher_updates() const {
  std::lock_guard lock(mutex_);
  return accepted_;
}

std::vector<WatcherUpdate> FakeAudiobookshelf::ignored_updates() const {
  std::lock_guard lock(mutex_);
  return ignored_;
}

HttpReply FakeAudiobookshelf::handle(const RecordedRequest& request) {
  if (request.method == "GET" && request.path == "/ping")
    return {200, kJsonContentType, R"({"success":true})", {}};
  if (request.method == "GET" && request.path == "/status")
    return {200,
            kJsonContentType,
            R"({"app":"audiobookshelf","serverVersion":"2.36.0","isInit":true,)"
            R"("language":"en-us","authMethods":["local"],"authFormData":{}})",
            {}};
  if (request.path.rfind("/api/", 0) != 0) return send_status(404, "Not Found");
  {
    std::lock_guard lock(mutex_);
    if (request.header("Authorization") != "Bearer " + token_)
      return send_status(401, "Unauthorized");
  }
  if (request.method == "GET" && request.path == "/api/libraries") return libraries();
  if (request.method == "POST" && request.path == "/api/watcher/update")
    return watcher_update(request);
  return send_status(404, "Not Found");
}

HttpReply FakeAudiobookshelf::libraries() const {
  std::lock_guard lock(mutex_);
  Poco::JSON::Array list;
  int order = 1;
  for (const auto& library : libraries_) {
    Poco::JSON::Object entry(Poco::JSON_PRESERVE_KEY_ORDER);
    entry.set("id", library.key);
    entry.set("name", library.title);
    Poco::JSON::Array folders;
    int n = 0;
    for (const auto& location : library.locations) {
      Poco::JSON::Object folder(Poco::JSON_PRESERVE_KEY_ORDER);
      folder.set("id", library.key.substr(0, 8) + "-f" + std::to_string(n++));
      folder.set("fullPath", location);
      folder.set("libraryId", library.key);
      folder.set("addedAt", 1764489600000LL);
      folders.add(folder);
    }
    entry.set("folders", folders);
    entry.set("displayOrder", order++);
    entry.set("icon", library.type == "podcast" ? "podcast" : "audiobookshelf");
    entry.set("mediaType", library.type.empty() ? "book" : library.type);
    entry.set("provider", library.type == "podcast" ? "itunes" : "google");
    Poco::JSON::Object settings(Poco::JSON_PRESERVE_KEY_ORDER);
    settings.set("coverAspectRatio", 1);
    settings.set("disableWatcher", false);
    entry.set("settings", settings);
    entry.set("lastScan", 1764493200000LL);
    entry.set("lastScanVersion", "2.36.0");
    entry.set("createdAt", 1764489600000LL);
    entry.set("lastUpdate", 1764493200000LL);
    list.add(entry);
  }
  Poco::JSON::Object answer;
  answer.set("libraries", list);
  return {200, kJsonContentType, to_json(answer), {}};
}

HttpReply FakeAudiobookshelf::watcher_update(const RecordedRequest& request) {
  std::lock_guard lock(mutex_);
  if (!admin_) return send_status(403, "Forbidden");
  Poco::JSON::Object::Ptr body;
  try {
    const auto parsed = Poco::JSON::Parser().parse(request.body);
    if (parsed.type() == typeid(Poco::JSON::Object::Ptr))
      body = parsed.extract<Poco::JSON::Object::Ptr>();
  } catch (const Poco::Exception&) {
    // body-parser answers a malformed JSON body with a 400 error page.
    return {400, "text/html; charset=utf-8", "<!DOCTYPE html><pre>SyntaxError</pre>", {}};
  }
  const auto text = [&](const char* key) {
    return body && body->has(key) && body->get(key).isString() ? body->getValue<std::string>(key)
                                                               : std::string();
  };
  WatcherUpdate update{text("libraryId"), text("path"), text("type")};
  if (update.library_id.empty() || update.path.empty() || update.type.empty())
    return send_status(400, "Bad Request");
  if (update.type != "add" && update.type != "unlink" && update.type != "rename")
    return send_status(400, "Bad Request");
  if (update.type == "rename" && text("oldPath").empty()) return send_status(400, "Bad Request");
  bool held = false;
  for (const auto& library : libraries_)
    if (library.key == update.library_id)
      for (const auto& location : library.locations)
        held |= same_or_sub_path(location, update.path);
  (held ? accepted_ : ignored_).push_back(std::move(update));
  return send_status(200, "OK");
}

}  // namespace scanhook::fakes
