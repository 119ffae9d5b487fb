#include "scanhook/core/plex_autoscan_routes.hpp"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <cctype>
#include <stdexcept>

#include "scanhook/core/form_body.hpp"
#include "scanhook/core/utf8_text.hpp"

namespace scanhook::core {

// How plex_autoscan tells the apps' payloads apart: by one top-level field.
struct PayloadShape {
  const char* field;
  const char* app;
  const char* plugin;
  std::string PlexAutoscanSettings::*source;
};

namespace {

constexpr std::size_t kShortestPass = 8;

// The form plex_autoscan shows: it posts back to the same URL (the pass).
constexpr const char* kForm = R"html(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>scanhook: manual scan</title></head>
<body><h1>Scan a path</h1>
<form method="post" action="">
<label for="filepath">File or folder (absolute path)</label>
<input id="filepath" name="filepath" size="80" required
 placeholder="/mnt/unionfs/Media/Movies/Movie Name (year)/">
<input type="hidden" name="eventType" value="Manual">
<button type="submit">Queue scan</button>
</form>
</body></html>
)html";

// A [server] plex_autoscan_<app> source: the one named, else the first of that plugin.
std::string source_for(const Config& config, const std::string& app) {
  const std::string key = "plex_autoscan_" + app;
  const std::string named = config.server.string(key);
  if (!named.empty()) {
    const InstanceConfig* instance = config.find(Role::source, named);
    if (!instance || instance->kind != kWebhookSource)
      throw std::invalid_argument("[server] " + key + ": there is no webhook source [source." +
                                  named + "]");
    return named;
  }
  for (const auto& instance : config.instances)
    if (instance.role == Role::source && instance.kind == kWebhookSource &&
        instance.plugin->name() == app)
      return instance.instance;
  return {};
}

const PayloadShape kShapes[] = {
    {"series", "Sonarr", "sonarr", &PlexAutoscanSettings::sonarr},
    {"movie", "Radarr", "radarr", &PlexAutoscanSettings::radarr},
    {"artist", "Lidarr", "lidarr", &PlexAutoscanSettings::lidarr},
};

bool is_url_safe(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' ||
         c == '~';
}

}  // namespace

PlexAutoscanSettings plex_autoscan_settings(const Config& config) {
  PlexAutoscanSettings settings;
  settings.pass = config.server.string("plex_autoscan_pass");
  if (settings.pass.empty()) return settings;
  bool safe = settings.pass.size() >= kShortestPass;
  for (const char c : settings.pass) safe = safe && is_url_safe(c);
  if (!safe)
    throw std::invalid_argument("[server] plex_autoscan_pass: it is a URL path segment, so use " +
                                std::to_string(kShortestPass) +
                                " or more of the characters A-Z a-z 0-9 - . _ ~");
  for (const PayloadShape& shape : kShapes)
    settings.*shape.source = source_for(config, shape.plugin);
  return settings;
}

bool manual_path_is_file(const std::string& path) {
  const auto separator = path.find_last_of("/\\");
  const std::string name = separator == std::string::npos ? path : path.substr(separator + 1);
  const auto dot = name.rfind('.');
  if (dot == std::string::npos || dot == 0) return false;
  const std::string extension = name.substr(dot + 1);
  if (extension.size() < 2 || extension.size() > 5) return false;
  bool letter = false;
  for (const char c : extension) {
    if (!std::isalnum(static_cast<unsigned char>(c))) return false;
    letter = letter || std::isalpha(static_cast<unsigned char>(c));
  }
  return letter;
}

PlexAutoscanRoutes::PlexAutoscanRoutes(PlexAutoscanSettings settings, Deliver deliver,
                                       QueueManual queue_manual, UserAuth* auth)
    : settings_(std::move(settings)),
      deliver_(std::move(deliver)),
      queue_manual_(std::move(queue_manual)),
      auth_(auth) {}

std::optional<HttpReply> PlexAutoscanRoutes::refusal(const HttpRequest& request) const {
  return auth_ ? auth_->pass_refusal(request) : std::nullopt;
}

void PlexAutoscanRoutes::register_routes(Router& router) const {
  if (settings_.pass.empty()) return;
  // The pass is the credential of this URL, as it was for plex_autoscan. A
  // client refused for guessing is refused the right pass too: no oracle.
  const auto wrong_pass = [this](const HttpRequest& request, const RouteParams&) {
    if (auto refused = refusal(request)) return std::move(*refused);
    if (auth_) auth_->record_wrong_pass(request);
    // What any unknown path gets (the HTTP server's own answer).
    return json_error(404, "no such route: " + utf8_text(request.path));
  };
  router.add_secret(
      "GET", "/{secret}", settings_.pass, Access::webhook,
      [this](const HttpRequest& request, const RouteParams&) {
        if (auto refused = refusal(request)) return std::move(*refused);
        return form();
      },
      wrong_pass);
  router.add_secret(
      "POST", "/{secret}", settings_.pass, Access::webhook,
      [this](const HttpRequest& request, const RouteParams&) {
        if (auto refused = refusal(request)) return std::move(*refused);
        return post(request);
      },
      wrong_pass);
}

HttpReply PlexAutoscanRoutes::form() {
  return {200, "text/html; charset=utf-8", kForm, {}};
}

HttpReply PlexAutoscanRoutes::post(const HttpRequest& request) const {
  if (request.content_type().find("application/x-www-form-urlencoded") != std::string::npos) {
    std::vector<std::string> event_type, filepath;
    try {
      event_type = form_values(request.body, "eventType");
      filepath = form_values(request.body, "filepath");
    } catch (const FormError& error) {
      return json_error(400, error.what());
    }
    if (event_type.empty() || event_type.back() != "Manual")
      return json_error(400, "a form must be eventType=Manual with a filepath");
    if (filepath.empty() || filepath.back().empty())
      return json_error(400, "a Manual scan needs a filepath");
    return manual(filepath.back());
  }

  Poco::JSON::Object::Ptr body;
  try {
    const Poco::Dynamic::Var parsed = Poco::JSON::Parser().parse(request.body);
    if (parsed.type() == typeid(Poco::JSON::Object::Ptr))
      body = parsed.extract<Poco::JSON::Object::Ptr>();
  } catch (const Poco::Exception& error) {
    return json_error(400, "the body is not valid JSON: " + error.message());
  }
  if (!body) return json_error(400, "the body must be a JSON object");

  for (const PayloadShape& shape : kShapes)
    if (body->has(shape.field)) return to_source(shape, request);
  const std::string event_type = body->optValue<std::string>(
      "eventType", body->optValue<std::string>("EventType", std::string()));
  if (event_type == "Manual") {
    const std::string filepath = body->optValue<std::string>("filepath", std::string());
    if (filepath.empty()) return json_error(400, "a Manual scan needs a filepath");
    return manual(filepath);
  }
  // plex_autoscan answers a bare Test, whatever sent it.
  if (event_type == "Test")
    return {200, "application/json", R"({"message":"Test: nothing to scan","queued":0})", {}};
  return json_error(400,
                    "not a Sonarr, Radarr or Lidarr webhook (it has no \"series\", \"movie\" or "
                    "\"artist\") nor a Manual scan (eventType=Manual with a filepath)");
}

HttpReply PlexAutoscanRoutes::manual(const std::string& filepath) const {
  return queue_manual_({filepath, manual_path_is_file(filepath), EventKind::modified, 0});
}

HttpReply PlexAutoscanRoutes::to_source(const PayloadShape& shape,
                                        const HttpRequest& request) const {
  const std::string& source = settings_.*shape.source;
  if (source.empty())
    return json_error(400, std::string("a ") + shape.app + " webhook (it has \"" + shape.field +
                               "\"), but no " + shape.plugin +
                               " source is configured: add [source." + shape.plugin +
                               "] or set [server] plex_autoscan_" + shape.plugin);
  // The source sees the request as if it came to its own route, not the pass.
  HttpRequest forwarded = request;
  forwarded.path = "/triggers/" + source;
  return deliver_(source, forwarded);
}

}  // namespace scanhook::core
