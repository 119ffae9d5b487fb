#include "fakes/fake_arr.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/String.h>

#include "fakes/wire_format.hpp"

namespace scanhook::fakes {

namespace {

// Sonarr.Http's error body for an unhandled exception.
HttpReply server_error(const std::string& message) {
  Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
  body.set("message", message);
  body.set("description", "System.InvalidOperationException: " + message);
  return {500, kJsonContentType, to_json(body), {}};
}

// FluentValidation's answer for a blank command name.
HttpReply name_required() {
  return {400,
          kJsonContentType,
          R"([{"propertyName":"Name","errorMessage":"'Name' must not be empty.",)"
          R"("attemptedValue":"","severity":"error","errorCode":"NotEmptyValidator"}])",
          {}};
}

}  // namespace

FakeArr::FakeArr(App app, std::string api_key)
    : FakeHttpServer([this](const RecordedRequest& request) { return handle(request); }),
      app_(app),
      api_key_(std::move(api_key)) {}

FakeArr::~FakeArr() {
  set_down(true);
}

void FakeArr::set_items(std::vector<ArrItem> items) {
  std::lock_guard lock(mutex_);
  items_ = std::move(items);
}

std::vector<ArrCommand> FakeArr::commands() const {
  std::lock_guard lock(mutex_);
  return commands_;
}

HttpReply FakeArr::handle(const RecordedRequest& request) {
  {
    std::lock_guard lock(mutex_);
    const auto key =
        request.header("X-Api-Key") ? request.header("X-Api-Key") : request.query_param("apikey");
    if (request.path.rfind("/api/", 0) == 0 && key != api_key_) return {401, "", "", {}};
  }
  const std::string listing_route = app_ == App::sonarr ? "/api/v3/series" : "/api/v3/movie";
  // ASP.NET routes match without regard to case.
  if (request.method == "GET" && Poco::icompare(request.path, listing_route) == 0) return listing();
  if (request.method == "POST" && Poco::icompare(request.path, "/api/v3/command") == 0)
    return command(request);
  return {404, "", "", {}};
}

HttpReply FakeArr::listing() const {
  std::lock_guard lock(mutex_);
  Poco::JSON::Array list;
  for (const auto& item : items_) {
    Poco::JSON::Object entry(Poco::JSON_PRESERVE_KEY_ORDER);
    const auto slash = item.path.find_last_of("/\\");
    const std::string root = slash == std::string::npos ? "" : item.path.substr(0, slash);
    entry.set("title", item.title);
    entry.set("sortTitle", Poco::toLower(item.title));
    entry.set("status", app_ == App::sonarr ? "continuing" : "released");
    entry.set("year", 2019);
    entry.set("path", item.path);
    entry.set("qualityProfileId", 1);
    entry.set("monitored", true);
    if (app_ == App::sonarr) {
      entry.set("seasonFolder", true);
      entry.set("seriesType", "standard");
      entry.set("tvdbId", 360000 + item.id);
    } else {
      entry.set("hasFile", true);
      entry.set("tmdbId", 500000 + item.id);
      entry.set("minimumAvailability", "released");
    }
    entry.set("rootFolderPath", root);
    entry.set("added", "2025-03-14T09:26:53Z");
    entry.set("id", item.id);
    list.add(entry);
  }
  return {200, kJsonContentType, to_json(list), {}};
}

HttpReply FakeArr::command(const RecordedRequest& request) {
  Poco::JSON::Object::Ptr body;
  try {
    const auto parsed = Poco::JSON::Parser().parse(request.body);
    if (parsed.type() == typeid(Poco::JSON::Object::Ptr))
      body = parsed.extract<Poco::JSON::Object::Ptr>();
  } catch (const Poco::Exception&) {
  }
  if (!body) return {400, kJsonContentType, R"({"message":"Invalid request body"})", {}};
  const std::string name = body->optValue<std::string>("name", "");
  if (name.empty()) return name_required();
  const char* known = app_ == App::sonarr ? "RescanSeries" : "RescanMovie";
  const char* id_field = app_ == App::sonarr ? "seriesId" : "movieId";
  if (Poco::icompare(name, std::string(known)) != 0)
    return server_error("Sequence contains no matching element");
  ArrCommand accepted{name, std::nullopt};
  if (body->has(id_field) && body->get(id_field).isInteger())
    accepted.item_id = body->getValue<int>(id_field);

  std::lock_guard lock(mutex_);
  commands_.push_back(accepted);
  const int id = next_command_id_++;
  Poco::JSON::Object resource(Poco::JSON_PRESERVE_KEY_ORDER);
  resource.set("name", std::string(known));
  resource.set("commandName", app_ == App::sonarr ? "Rescan Series" : "Rescan Movie");
  Poco::JSON::Object command_body(Poco::JSON_PRESERVE_KEY_ORDER);
  if (accepted.item_id) command_body.set(id_field, *accepted.item_id);
  command_body.set("sendUpdatesToClient", true);
  command_body.set("updateScheduledTask", true);
  command_body.set("requiresDiskAccess", false);
  command_body.set("isExclusive", false);
  command_body.set("isLongRunning", false);
  command_body.set("name", std::string(known));
  command_body.set("trigger", "manual");
  command_body.set("suppressMessages", false);
  resource.set("body", command_body);
  resource.set("priority", "normal");
  resource.set("status", "queued");
  resource.set("result", "unknown");
  resource.set("queued", "2026-11-30T09:00:00Z");
  resource.set("trigger", "manual");
  resource.set("sendUpdatesToClient", true);
  resource.set("updateScheduledTask", true);
  resource.set("id", id);
  return {201,
          kJsonContentType,
          to_json(resource),
          {{"Location", "/api/v3/command/" + std::to_string(id)}}};
}

}  // namespace scanhook::fakes
