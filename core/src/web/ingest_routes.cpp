#include "scanhook/core/web/ingest_routes.hpp"

#include <algorithm>

#include "scanhook/core/config/suggestion.hpp"
#include "scanhook/core/http/form_body.hpp"
#include "scanhook/core/http/json_body.hpp"
#include "scanhook/core/pipeline/expected_files.hpp"
#include "scanhook/core/pipeline/pipeline_builder.hpp"
#include "scanhook/core/pipeline/webhook_delivery.hpp"

namespace scanhook::core {

namespace {

using support::JsonTree;

constexpr const char* kManualForm = R"html(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>scanhook: manual scan</title></head>
<body><h1>Scan folders</h1>
<form method="post" action="/triggers/manual">
<label for="dir">Folder (absolute path)</label>
<input id="dir" name="dir" size="80" required placeholder="/mnt/media/tv/Show/Season 1">
<button type="submit">Queue scan</button>
</form>
<p>Also: <code>POST /triggers/manual?dir=/a&amp;dir=/b</code></p>
</body></html>
)html";

// Paths to queue, with the sha256 each file must have ("" none, always "" for a folder).
struct ScanRequest {
  std::vector<ScanEvent> events;
  std::vector<std::string> sha256;
};

class IngestRoutes {
 public:
  IngestRoutes(EventSink& sink, WebhookSources& sources, std::int64_t max_paths)
      : sink_(sink), sources_(sources), max_paths_(max_paths) {}

  void webhook(const std::string& name, const HttpRequest& request, const Respond& respond) const {
    if (!sources_.token(name))
      return respond(json_error(
          404, "no webhook source named \"" + name + "\"" + did_you_mean(name, sources_.names())));
    if (!sources_.takes_webhooks(name))
      return respond(json_error(405, "the source " + name + " is polled: it takes no webhooks"));
    sources_.deliver(name, request, respond);
  }

  void manual(const HttpRequest& request, const Respond& respond) const {
    if (request.method == "GET" || request.method == "HEAD")
      return respond({200, "text/html; charset=utf-8", kManualForm, {}});
    std::vector<std::string> dirs;
    std::vector<std::string> files;
    std::vector<std::string> hashes;
    for (const auto& [key, value] : request.query) {
      if (key == "dir") dirs.push_back(value);
      if (key == "file") files.push_back(value);
      if (key == "hash") hashes.push_back(value);
    }
    if (request.content_type().find("application/x-www-form-urlencoded") != std::string::npos) {
      try {
        for (auto& dir : form_values(request.body, "dir")) dirs.push_back(std::move(dir));
      } catch (const FormError& error) {
        return respond(json_error(400, error.what()));
      }
    }
    if (dirs.empty() && files.empty())
      return respond(json_error(
          400, "give at least one folder: ?dir=/path (repeatable), or a file: ?file=/path/x.mkv"));
    // A hash names one file's content: with several files it could not say whose.
    if (!hashes.empty() && (hashes.size() > 1 || files.size() != 1))
      return respond(json_error(400,
                                "hash= is the sha256 of the one file= of the request: give "
                                "exactly one file with it"));
    if (!hashes.empty())
      if (const auto checked = check_sha256(hashes[0]); !checked)
        return respond(json_error(400, "hash: " + checked.error().text()));
    ScanRequest scan;
    for (const auto& dir : dirs) scan.events.push_back({dir, false, EventKind::modified, 0});
    for (const auto& file : files) scan.events.push_back({file, true, EventKind::modified, 0});
    scan.sha256.resize(dirs.size());
    scan.sha256.insert(scan.sha256.end(), hashes.begin(), hashes.end());
    queue(kManualSource, std::move(scan), respond);
  }

  void scan(const HttpRequest& request, const Respond& respond) const {
    const auto body = json_body(request);
    if (!body) return respond(json_error(400, body.error().text()));
    auto parsed = scan_request(*body);
    if (!parsed) return respond(json_error(400, parsed.error().text()));
    queue(kApiSource, std::move(parsed).value(), respond);
  }

 private:
  // {"paths": [...], "files": [{"path": ..., "hash": ...}]}, checked.
  static Expected<ScanRequest> scan_request(const JsonTree& tree) {
    const auto paths = tree.member(0, "paths");
    const auto files = tree.member(0, "files");
    const auto is_array = [&](std::uint32_t node) {
      return node != JsonTree::kNone && tree.type(node) == JsonTree::Type::array;
    };
    const auto size = [&](std::uint32_t node) {
      std::size_t count = 0;
      for (auto i = tree.first_child(node); i < tree.end(node); i = tree.end(i)) ++count;
      return count;
    };
    const std::size_t count =
        (is_array(paths) ? size(paths) : 0) + (is_array(files) ? size(files) : 0);
    if (count == 0 || (paths != JsonTree::kNone && !is_array(paths)) ||
        (files != JsonTree::kNone && !is_array(files)))
      return failure(
          "\"paths\" must be a non-empty array of absolute paths (or \"files\" an array of "
          "{\"path\": ..., \"hash\": sha256})");
    ScanRequest scan;
    std::size_t index = 0;
    for (auto i = is_array(paths) ? tree.first_child(paths) : 0;
         is_array(paths) && i < tree.end(paths); i = tree.end(i), ++index) {
      if (tree.type(i) != JsonTree::Type::string)
        return failure("\"paths\"[" + std::to_string(index) + "] must be a string");
      scan.events.push_back({std::string(tree.value(i)), false, EventKind::modified, 0});
      scan.sha256.emplace_back();
    }
    index = 0;
    for (auto i = is_array(files) ? tree.first_child(files) : 0;
         is_array(files) && i < tree.end(files); i = tree.end(i), ++index) {
      const std::string where = "\"files\"[" + std::to_string(index) + "]";
      const auto path =
          tree.type(i) == JsonTree::Type::object ? json_string(tree, i, "path") : std::nullopt;
      if (!path) return failure(where + " must be {\"path\": \"/...\", \"hash\": sha256}");
      std::string hash;
      if (tree.member(i, "hash") != JsonTree::kNone) {
        hash = json_string(tree, i, "hash").value_or("?");
        if (const auto checked = check_sha256(hash); !checked)
          return failure(where + ".hash: " + checked.error().text());
      }
      scan.events.push_back({*path, true, EventKind::modified, 0});
      scan.sha256.push_back(hash);
    }
    return scan;
  }

  void queue(const std::string& source, ScanRequest scan, const Respond& respond) const {
    if (auto refusal = too_many_paths(scan.events.size(), max_paths_))
      return respond(std::move(*refusal));
    const bool hashed = std::any_of(scan.sha256.begin(), scan.sha256.end(),
                                    [](const std::string& hash) { return !hash.empty(); });
    if (hashed && !sink_.checks_files())
      return respond(json_error(400,
                                "a hash is only checked by a target with require_exists = true, "
                                "and no [target.NAME] sets it"));
    sink_.submit(
        source, scan.events,
        [respond](const Submission& submission) { respond(submission_reply(200, submission)); },
        scan.sha256);
  }

  EventSink& sink_;
  WebhookSources& sources_;
  std::int64_t max_paths_;
};

}  // namespace

void add_ingest_routes(Router& router, EventSink& sink, WebhookSources& sources,
                       std::int64_t max_paths) {
  auto routes = std::make_shared<const IngestRoutes>(sink, sources, max_paths);
  const DeferredRouteHandler manual = [routes](const HttpRequest& request, const RouteParams&,
                                               const Respond& respond) {
    routes->manual(request, respond);
  };
  const CredentialOf manual_credential = [](const RouteParams&) {
    return std::optional<WebhookCredential>(
        {kManualSource, "", "the manual trigger needs the server's credentials"});
  };
  const CredentialOf source_credential =
      [&sources](const RouteParams& params) -> std::optional<WebhookCredential> {
    const std::string& name = params.at("source");
    const auto token = sources.token(name);
    if (!token) return std::nullopt;
    return WebhookCredential{
        name, *token,
        token->empty()
            ? "this webhook needs the server's credentials ([source." + name + "] has no token)"
            : "this webhook needs the source's token or the server's credentials"};
  };
  // The *arr apps send POST or PUT (their webhook's Method setting); autoscan's
  // manual trigger took any method but GET as a scan.
  router.add_webhook("GET", "/triggers/manual", manual_credential, manual);
  // A rate-limited caller's request with the right token is kept (a dead
  // letter to replay); the manual trigger's has no source to replay it through.
  const KeepRefused keep = [&sources](const HttpRequest& request, const RouteParams& params,
                                      const std::string& why) {
    sources.keep_refused(params.at("source"), request, why);
  };
  for (const char* method : {"POST", "PUT"}) {
    router.add_webhook(method, "/triggers/manual", manual_credential, manual);
    router.add_webhook(
        method, "/triggers/{source}", source_credential,
        [routes](const HttpRequest& request, const RouteParams& params, const Respond& respond) {
          routes->webhook(params.at("source"), request, respond);
        },
        keep);
  }
  router.add_deferred("POST", "/api/scan", Access::user,
                      [routes](const HttpRequest& request, const RouteParams&,
                               const Respond& respond) { routes->scan(request, respond); });
}

}  // namespace scanhook::core
