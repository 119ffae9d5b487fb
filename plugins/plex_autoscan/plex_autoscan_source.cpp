// The `plex_autoscan` webhook source: plex_autoscan's one URL. Sonarr, Radarr
// and Lidarr payloads are told apart by one top-level field and forwarded to
// the configured source of that app; its manual form (eventType=Manual with a
// filepath, as a form or JSON) is queued here. README.md beside this file.
#include <iterator>
#include <memory>
#include <string>

#include "manual_path.hpp"
#include "scanhook/scanhook.hpp"
#include "scanhook/support/form_field.hpp"
#include "scanhook/support/json_tree.hpp"

namespace scanhook::plex_autoscan {

namespace {

using support::JsonTree;

// How plex_autoscan (scripts/plex_autoscan.py, the /<SERVER_PASS> route) tells
// the apps apart: Sonarr's payload has "series", Radarr's "movie", Lidarr's "artist".
struct PayloadShape {
  const char* field;
  const char* app;
  const char* key;  // this plugin's key naming the source that takes it
};

constexpr PayloadShape kShapes[] = {
    {"series", "Sonarr", "sonarr"},
    {"movie", "Radarr", "radarr"},
    {"artist", "Lidarr", "lidarr"},
};

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

std::string string_member(const JsonTree& tree, const char* key) {
  const auto node = tree.member(0, key);
  return node != JsonTree::kNone && tree.type(node) == JsonTree::Type::string
             ? std::string(tree.value(node))
             : std::string();
}

class PlexAutoscanSource final : public WebhookSourceBase, public ForwardingSource {
 public:
  PlexAutoscanSource(std::string instance, const ConfigView& config)
      : instance_(std::move(instance)) {
    for (std::size_t i = 0; i < std::size(kShapes); ++i)
      sources_[i] = config.string(kShapes[i].key);
  }

  std::string forward_to(const HttpRequest& request) noexcept override {
    try {
      if (support::is_form(request.header("Content-Type").value_or(""))) return {};
      const auto tree = JsonTree::parse(request.body);
      if (!tree || tree->type(0) != JsonTree::Type::object) return {};
      for (std::size_t i = 0; i < std::size(kShapes); ++i)
        if (tree->member(0, kShapes[i].field) != JsonTree::kNone) return sources_[i];
    } catch (...) {
      // handle() answers what could not be read here.
    }
    return {};
  }

  HttpReply page(const HttpRequest&) noexcept override {
    return {200, "text/html; charset=utf-8", kForm, {}};
  }

 protected:
  WebhookOutcome on_request(const HttpRequest& request) override {
    const std::string content_type = request.header("Content-Type").value_or("");
    if (support::is_form(content_type)) {
      std::optional<std::string> event_type, filepath;
      try {
        event_type = support::form_field(request.body, content_type, "eventType");
        filepath = support::form_field(request.body, content_type, "filepath");
      } catch (const std::runtime_error& error) {
        return WebhookOutcome::failed(400, error.what());
      }
      if (event_type.value_or("") != "Manual")
        return WebhookOutcome::failed(400, "a form must be eventType=Manual with a filepath");
      return manual(filepath.value_or(""));
    }

    const auto tree = JsonTree::parse(request.body);
    if (!tree)
      return WebhookOutcome::malformed("the body is not valid JSON: " + tree.error().message);
    if (tree->type(0) != JsonTree::Type::object)
      return WebhookOutcome::malformed("the body must be a JSON object");
    // forward_to sent every shape that has a source on.
    for (const PayloadShape& shape : kShapes)
      if (tree->member(0, shape.field) != JsonTree::kNone)
        return WebhookOutcome::failed(400, std::string("a ") + shape.app + " webhook (it has \"" +
                                               shape.field + "\"), but [source." + instance_ +
                                               "] " + shape.key + " is empty: name the " +
                                               shape.key + " source that should take it");
    std::string event_type = string_member(*tree, "eventType");
    if (event_type.empty()) event_type = string_member(*tree, "EventType");
    if (event_type == "Manual") return manual(string_member(*tree, "filepath"));
    // plex_autoscan answers a bare Test, whatever sent it.
    if (event_type == "Test") return WebhookOutcome::ignored("Test: nothing to scan");
    return WebhookOutcome::failed(
        400,
        "not a Sonarr, Radarr or Lidarr webhook (it has no \"series\", \"movie\" or \"artist\") "
        "nor a Manual scan (eventType=Manual with a filepath)");
  }

 private:
  static WebhookOutcome manual(const std::string& filepath) {
    if (filepath.empty()) return WebhookOutcome::failed(400, "a Manual scan needs a filepath");
    return WebhookOutcome::accepted(
        {ScanEvent{filepath, manual_path_is_file(filepath), EventKind::modified, 0}}, "Manual");
  }

  std::string instance_;
  std::string sources_[std::size(kShapes)];
};

constexpr ConfigKey kConfigKeys[] = {
    // source_name: the core refuses one that names no webhook source here (SDK 1.2).
    {"sonarr", ConfigType::source_name, "sonarr", kWebhookSource, false,
     "the webhook source that takes Sonarr payloads (\"series\"); empty: refuse them"},
    {"radarr", ConfigType::source_name, "radarr", kWebhookSource, false,
     "the webhook source that takes Radarr payloads (\"movie\"); empty: refuse them"},
    {"lidarr", ConfigType::source_name, "lidarr", kWebhookSource, false,
     "the webhook source that takes Lidarr payloads (\"artist\"); empty: refuse them"},
};

std::unique_ptr<Instance> make(const CreateArgs& args) {
  return std::make_unique<PlexAutoscanSource>(args.instance, *args.config);
}

}  // namespace

}  // namespace scanhook::plex_autoscan

SCANHOOK_PLUGIN("plex_autoscan", "1.0.0",
                "plex_autoscan's URL: Sonarr/Radarr/Lidarr payloads to their sources, a manual "
                "form",
                scanhook::kWebhookSource, scanhook::plex_autoscan::kConfigKeys,
                scanhook::plex_autoscan::make)
