// The engine's HTTP surface: triggers, the manual form, and the JSON API.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Logger.h>

#include <algorithm>
#include <map>
#include <sstream>

#include "scanhook/config_value.hpp"
#include "scanhook/core/auth/auth.hpp"
#include "scanhook/core/config/suggestion.hpp"
#include "scanhook/core/http/api_reply.hpp"
#include "scanhook/core/http/form_body.hpp"
#include "scanhook/core/pipeline/completion_flag.hpp"
#include "scanhook/core/pipeline/engine.hpp"
#include "scanhook/core/pipeline/path_rules.hpp"
#include "scanhook/core/plugins/target_descriptions.hpp"
#include "scanhook/core/text/utf8_text.hpp"
#include "scanhook/core/web/dead_letter_routes.hpp"
#include "scanhook/core/web/history_routes.hpp"
#include "scanhook/core/web/query_parameters.hpp"

namespace scanhook::core {

namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

constexpr const char* kManualNeedsCredentials = "the manual trigger needs the server's credentials";

Object::Ptr object() {
  return json_object();
}

// The body as a JSON object, or an error saying what is wrong with it.
Object::Ptr json_body(const HttpRequest& request, std::string& error) {
  Poco::Dynamic::Var parsed;
  try {
    parsed = Poco::JSON::Parser().parse(request.body);
  } catch (const Poco::Exception& e) {
    error = "the body is not valid JSON: " + e.message();
    return nullptr;
  }
  if (parsed.type() == typeid(Object::Ptr)) return parsed.extract<Object::Ptr>();
  error = "the body must be a JSON object";
  return nullptr;
}

// Every ingest's answer, {"message":..,"queued":..,"merged":..,"filtered":..}
// ("message" only from a webhook): written directly, not through a Poco::JSON::Object.
HttpReply submission_reply(int status, const Submission& submission,
                           const std::string* message = nullptr) {
  std::string body = "{";
  if (message) body += "\"message\":" + json_quote(*message) + ",";
  body += "\"queued\":" + std::to_string(submission.added) +
          ",\"merged\":" + std::to_string(submission.merged) +
          ",\"filtered\":" + std::to_string(submission.filtered) + "}";
  return {status, "application/json", std::move(body), {}};
}

HttpReply with_dead_letter(HttpReply reply, std::optional<std::int64_t> id) {
  if (!id || reply.body.empty() || reply.body.back() != '}') return reply;
  reply.body.pop_back();
  reply.body += ",\"dead_letter\":" + std::to_string(*id) + "}";
  return reply;
}

// The 413 for a request naming more paths than [server] max_paths_per_request.
std::optional<HttpReply> too_many_paths(std::size_t count, std::int64_t limit) {
  if (static_cast<std::int64_t>(count) <= limit) return std::nullopt;
  return json_error(413, "the request names " + std::to_string(count) +
                             " paths, over the limit of " + std::to_string(limit) +
                             " ([server] max_paths_per_request)");
}

const char* stage_name(Stage stage) {
  return stage == Stage::prepare ? "prepare" : "scan";
}

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

}  // namespace

void Engine::run_webhook_async(Source& source, const HttpRequest& request,
                               std::function<void(WebhookAnswer)> done) {
  WebhookOutcome outcome = source.webhook->handle(request);
  if (outcome.status < 200 || outcome.status > 599) {
    const std::string why = "the " + source.name + " plugin answered an invalid status " +
                            std::to_string(outcome.status) + ": " + outcome.message;
    return done({json_error(500, why), false, why, true});
  }
  if (outcome.status >= 300) {
    const bool keep = outcome.keep_as_dead_letter || outcome.status >= 500;
    return done({json_error(outcome.status, outcome.message), false, outcome.message, keep});
  }
  // Kept: with a higher limit it can be replayed.
  if (auto refusal = too_many_paths(outcome.events.size(), max_paths_per_request()))
    return done({*refusal, false, refusal->body, true});
  submit_async(source.name, outcome.events,
               [done = std::move(done), status = outcome.status,
                message = std::move(outcome.message)](const Submission& submission) {
                 if (submission.status != 200)
                   return done({json_error(submission.status, submission.error), false,
                                submission.error, true});
                 done({submission_reply(status, submission, &message), true, "", false});
               });
}

Engine::WebhookAnswer Engine::run_webhook(Source& source, const HttpRequest& request) {
  return wait_for_callback<WebhookAnswer>(
      [&](auto done) { run_webhook_async(source, request, std::move(done)); });
}

std::optional<HttpReply> Engine::refuse_caller(const HttpRequest& request,
                                               const std::string& source, const std::string& token,
                                               const std::string& message) {
  if (auth_) return auth_->check_webhook(request, source, token, message);
  if (webhook_allowed(request, token, config_.server.username, config_.server.password))
    return std::nullopt;
  return json_error(401, message);
}

std::optional<HttpReply> Engine::refuse_webhook_caller(const std::string& name,
                                                       const HttpRequest& request) {
  const auto found = sources_.find(name);
  if (found == sources_.end() || !found->second.instance) return std::nullopt;
  return refuse_caller(request, name, found->second.token,
                       "this webhook needs the source's token or the server's credentials");
}

void Engine::webhook_route(const std::string& name, const HttpRequest& request,
                           const Respond& respond) {
  const auto found = sources_.find(name);
  if (found == sources_.end() || !found->second.instance) {
    std::vector<std::string> names;
    for (const auto& [candidate, source] : sources_)
      if (source.webhook) names.push_back(candidate);
    return respond(
        json_error(404, "no webhook source named \"" + name + "\"" + did_you_mean(name, names)));
  }
  Source& source = found->second;
  if (auto refusal = refuse_webhook_caller(name, request)) return respond(std::move(*refusal));
  if (!source.webhook)
    return respond(json_error(405, "the source " + name + " is polled: it takes no webhooks"));
  deliver_async(source, request, respond);
}

std::optional<std::int64_t> Engine::keep_dead_letter(const std::string& source,
                                                     const HttpRequest& request,
                                                     const std::string& error) {
  // The database may refuse this write too: the answer goes out all the same
  // (without a dead letter's id).
  try {
    live_.changed(kDeadLettersTopic);
    return dead_letters_.keep(source, request, error, now_millis());
  } catch (const std::exception& failure) {
    Poco::Logger::get("scanhook.engine")
        .error("could not keep the %s webhook as a dead letter: %s", source,
               std::string(failure.what()));
    return std::nullopt;
  }
}

void Engine::deliver_async(Source& source, const HttpRequest& request, ReplyDone done) {
  if (source.forwarding) {
    const std::string to = source.forwarding->forward_to(request);
    const auto target = sources_.find(to);
    // One hop only: a source that forwards is never forwarded to (no loops).
    if (!to.empty() && to != source.name) {
      if (target == sources_.end() || !target->second.webhook || target->second.forwarding)
        return done(json_error(400, "[source." + source.name + "] forwards this request to \"" +
                                        to + "\", which is no webhook source here: add [source." +
                                        to + "] or change [source." + source.name + "]"));
      HttpRequest forwarded = request;
      forwarded.path = "/triggers/" + to;
      return deliver_async(target->second, forwarded, std::move(done));
    }
  }
  // The answer may come after the route returned: a failed one keeps this copy.
  auto kept = std::make_shared<const HttpRequest>(request);
  run_webhook_async(
      source, request, [this, &source, kept, done = std::move(done)](WebhookAnswer answer) {
        // Runs on the ingest's syncer, after a failed commit perhaps.
        const auto letter =
            answer.keep ? keep_dead_letter(source.name, *kept, answer.error) : std::nullopt;
        done(with_dead_letter(std::move(answer.reply), letter));
      });
}

HttpReply Engine::deliver(Source& source, const HttpRequest& request) {
  return wait_for_callback<HttpReply>(
      [&](ReplyDone done) { deliver_async(source, request, std::move(done)); });
}

void Engine::manual_route(const HttpRequest& request, const Respond& respond) {
  if (auto refusal = refuse_caller(request, kManualSource, "", kManualNeedsCredentials))
    return respond(std::move(*refusal));
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
  if (!hashes.empty()) {
    if (const std::string problem = check_sha256(hashes[0]); !problem.empty())
      return respond(json_error(400, "hash: " + problem));
    if (auto refusal = refuse_unchecked_hashes(hashes)) return respond(std::move(*refusal));
  }
  if (auto refusal = too_many_paths(dirs.size() + files.size(), max_paths_per_request()))
    return respond(std::move(*refusal));
  std::vector<ScanEvent> events;
  std::vector<std::string> sha256(dirs.size());
  for (const auto& dir : dirs) events.push_back({dir, false, EventKind::modified, 0});
  for (const auto& file : files) events.push_back({file, true, EventKind::modified, 0});
  sha256.insert(sha256.end(), hashes.begin(), hashes.end());
  queue_manual_async(events, respond, sha256);
}

std::optional<HttpReply> Engine::refuse_unchecked_hashes(
    const std::vector<std::string>& sha256) const {
  const bool any = std::any_of(sha256.begin(), sha256.end(),
                               [](const std::string& hash) { return !hash.empty(); });
  if (!any || expected_files_) return std::nullopt;
  return json_error(400,
                    "a hash is only checked by a target with require_exists = true, and no "
                    "[target.NAME] sets it");
}

void Engine::queue_manual_async(const std::vector<ScanEvent>& events, ReplyDone done,
                                const std::vector<std::string>& sha256) {
  submit_async(
      kManualSource, events,
      [done = std::move(done)](const Submission& submission) {
        done(submission.status == 200 ? submission_reply(200, submission)
                                      : json_error(submission.status, submission.error));
      },
      sha256);
}

HttpReply Engine::queue_manual(const std::vector<ScanEvent>& events) {
  return wait_for_callback<HttpReply>(
      [&](ReplyDone done) { queue_manual_async(events, std::move(done)); });
}

void Engine::scan_route(const HttpRequest& request, const Respond& respond) {
  std::string error;
  const auto body = json_body(request, error);
  if (!body) return respond(json_error(400, error));
  const auto paths = body->getArray("paths");
  const auto files = body->getArray("files");
  const std::size_t count = (paths ? paths->size() : 0) + (files ? files->size() : 0);
  if (count == 0 || (body->has("paths") && !paths) || (body->has("files") && !files))
    return respond(json_error(400,
                              "\"paths\" must be a non-empty array of absolute paths (or "
                              "\"files\" an array of {\"path\": ..., \"hash\": sha256})"));
  if (auto refusal = too_many_paths(count, max_paths_per_request()))
    return respond(std::move(*refusal));
  std::vector<ScanEvent> events;
  std::vector<std::string> sha256;
  for (std::size_t i = 0; paths && i < paths->size(); ++i) {
    const auto value = paths->get(static_cast<unsigned>(i));
    if (!value.isString())
      return respond(json_error(400, "\"paths\"[" + std::to_string(i) + "] must be a string"));
    events.push_back({value.extract<std::string>(), false, EventKind::modified, 0});
    sha256.emplace_back();
  }
  for (std::size_t i = 0; files && i < files->size(); ++i) {
    const std::string where = "\"files\"[" + std::to_string(i) + "]";
    const auto file = files->getObject(static_cast<unsigned>(i));
    if (!file || !file->has("path") || !file->get("path").isString())
      return respond(json_error(400, where + " must be {\"path\": \"/...\", \"hash\": sha256}"));
    std::string hash;
    if (file->has("hash")) {
      const auto value = file->get("hash");
      hash = value.isString() ? value.extract<std::string>() : std::string("?");
      if (const std::string problem = check_sha256(hash); !problem.empty())
        return respond(json_error(400, where + ".hash: " + problem));
    }
    events.push_back({file->getValue<std::string>("path"), true, EventKind::modified, 0});
    sha256.push_back(hash);
  }
  if (auto refusal = refuse_unchecked_hashes(sha256)) return respond(std::move(*refusal));
  submit_async(
      kApiSource, events,
      [respond](const Submission& submission) {
        respond(submission.status == 200 ? submission_reply(200, submission)
                                         : json_error(submission.status, submission.error));
      },
      sha256);
}

HttpReply Engine::queue_route(const HttpRequest& request) {
  const std::string unknown =
      unknown_parameter(request, {"limit", "offset"}, "the queue takes limit and offset");
  if (!unknown.empty()) return json_error(400, unknown);
  const Page page = page_of(request);
  if (!page.error.empty()) return json_error(400, page.error);
  auto body = object();
  body->set("total", queue_.folder_count());
  body->set("limit", page.limit);
  body->set("offset", page.offset);
  body->set("blocked", dispatcher_->blocked_reason());
  Array::Ptr folders = new Array;
  for (const auto& folder : queue_.list(page.limit, page.offset)) {
    auto item = object();
    item->set("path", folder.path);
    item->set("kind", event_kind_name(folder.kind));
    item->set("priority", folder.priority);
    item->set("source", folder.source);
    item->set("first_event", folder.first_event);
    item->set("last_event", folder.last_event);
    item->set("events", folder.events);
    Array::Ptr deliveries = new Array;
    for (const auto& delivery : folder.deliveries) {
      auto d = object();
      d->set("target", delivery.target);
      d->set("attempts", delivery.attempts);
      d->set("due_at", delivery.due_at);
      d->set("next_attempt", delivery.next_attempt);
      d->set("last_error", delivery.last_error);
      deliveries->add(d);
    }
    item->set("deliveries", deliveries);
    folders->add(item);
  }
  body->set("folders", folders);
  body->set("unreadable_rows",
            queue_.unreadable().count("folders") + queue_.unreadable().count("deliveries"));
  return json_reply(200, *body);
}

HttpReply Engine::targets_route() {
  const std::string blocked = dispatcher_->blocked_reason();
  Array::Ptr targets = new Array;
  for (const auto& state : dispatcher_->states()) {
    auto item = object();
    item->set("name", state.name);
    item->set("stage", stage_name(state.stage));
    item->set("state", !blocked.empty() ? "blocked" : state.paused ? "paused" : "running");
    item->set("paused", state.paused);
    item->set("blocked", blocked);
    item->set("last_error", state.last_error);
    item->set("last_error_at", state.last_error_at);
    item->set("last_error_past", state.last_error_past);
    item->set("next_attempt", state.next_attempt);
    item->set("last_delivery", state.last_delivery);
    item->set("queued", state.queued);
    item->set("failing_since", state.failing_since);
    item->set("last_answer", state.last_answer);
    item->set("failing_seconds",
              state.failing_since == 0 ? 0 : (now_millis() - state.failing_since) / 1000);
    targets->add(item);
  }
  auto body = object();
  body->set("targets", targets);
  return json_reply(200, *body);
}

HttpReply Engine::dead_letters_route(const HttpRequest& request) {
  const Page page = page_of(request);
  if (!page.error.empty()) return json_error(400, page.error);
  Array::Ptr letters = new Array;
  for (const auto& letter : dead_letters_.list(page.limit, page.offset)) {
    auto item = object();
    item->set("id", letter.id);
    item->set("source", letter.source);
    item->set("received_at", letter.received_at);
    item->set("error", utf8_text(letter.error));
    item->set("attempts", letter.attempts);
    auto headers = object();
    for (const auto& [name, value] : letter.headers)
      headers->set(utf8_text(name), utf8_text(value));
    item->set("headers", headers);
    Array::Ptr query = new Array;
    for (const auto& [name, value] : letter.query) {
      Array::Ptr pair = new Array;
      pair->add(utf8_text(name));
      pair->add(utf8_text(value));
      query->add(pair);
    }
    item->set("query", query);
    // What a request held need not be UTF-8 (a Plex thumbnail); replay sends the stored bytes.
    item->set("body", utf8_text(letter.body));
    letters->add(item);
  }
  auto body = object();
  body->set("dead_letters", letters);
  body->set("unreadable_rows", dead_letters_.unreadable().count("dead_letters"));
  return json_reply(200, *body);
}

HttpReply Engine::replay_route(const std::string& id_text) {
  const auto id = parse_integer(id_text);
  if (!id || *id <= 0)
    return json_error(400, "a dead letter id is a positive whole number, not \"" + id_text + "\"");
  const auto letter = dead_letters_.find(*id);
  if (!letter) return json_error(404, "no dead letter " + id_text);
  const auto found = sources_.find(letter->source);
  if (found == sources_.end() || !found->second.webhook)
    return json_error(409,
                      "the source " + letter->source +
                          " is no longer a configured webhook source: nothing to replay it to");
  WebhookAnswer answer = run_webhook(found->second, DeadLetters::request_of(*letter));
  live_.changed(kDeadLettersTopic);
  if (answer.succeeded) {
    dead_letters_.remove(*id);
    return answer.reply;
  }
  dead_letters_.failed_again(*id, answer.error);
  return with_dead_letter(std::move(answer.reply), *id);
}

HttpReply Engine::retry_route(const std::string& id_text) {
  const auto id = parse_integer(id_text);
  if (!id || *id <= 0)
    return json_error(400, "a history id is a positive whole number, not \"" + id_text + "\"");
  const std::string target = queue_.history_target(*id);
  if (target.empty()) return json_error(404, "no history entry " + id_text);
  if (std::none_of(targets_.begin(), targets_.end(),
                   [&](const TargetSlot& slot) { return slot.name == target; }))
    return json_error(
        409, "the target " + target + " is no longer configured: nothing to retry the folder with");
  switch (queue_.retry(*id, kApiSource, now_millis())) {
    case Retried::not_found: return json_error(404, "no history entry " + id_text);
    case Retried::not_rejected:
      return json_error(
          409, "history entry " + id_text + " was not rejected: only a rejected folder is retried");
    case Retried::requeued: break;
  }
  if (Dispatcher* dispatcher = wake_.load()) dispatcher->wake();
  live_.changed(kQueueTopic | kHistoryTopic);
  auto body = object();
  body->set("id", *id);
  body->set("target", target);
  body->set("queued", true);
  return json_reply(200, *body);
}

HttpReply Engine::explain_route(const HttpRequest& request) {
  std::string error;
  const auto body = json_body(request, error);
  if (!body) return json_error(400, error);
  if (!body->has("path") || !body->get("path").isString())
    return json_error(400, "\"path\" must be a string: the path as the source would send it");
  const std::string source = body->optValue<std::string>("source", kApiSource);
  if (!sources_.count(source)) {
    std::vector<std::string> names;
    for (const auto& [name, s] : sources_) names.push_back(name);
    return json_error(400, "no source named \"" + source + "\"" + did_you_mean(source, names));
  }
  const bool is_file = body->optValue<bool>("is_file", false);
  const std::string path = body->getValue<std::string>("path");
  // The door would refuse it whatever the rules: say so without echoing it.
  if (path.size() > kMaxPathBytes)
    return json_error(400, check_path(path).error().message + ": " + quoted_excerpt(path));
  const EventPlan plan = intake_->plan(source, {path, is_file, EventKind::modified, 0});

  auto reply = object();
  reply->set("input", plan.input);
  reply->set("source", source);
  auto rewrite = object();
  rewrite->set("rule", plan.rewrite_rule);
  rewrite->set("result", plan.rewritten);
  reply->set("rewrite", rewrite);
  auto door = object();
  door->set("ok", plan.error.empty());
  door->set("error", plan.error);
  door->set("path", plan.checked);
  reply->set("door", door);
  auto filter = object();
  filter->set("accepted", plan.error.empty() && plan.source_filter.accepted);
  filter->set("reason", plan.source_filter.reason);
  reply->set("filter", filter);
  reply->set("folder", plan.folder);
  Array::Ptr targets = new Array;
  for (const auto& target_plan : plan.targets) {
    auto item = object();
    item->set("target", target_plan.target);
    item->set("path", target_plan.path);
    item->set("rewrite_rule", target_plan.rewrite_rule);
    item->set("accepted", target_plan.accepted);
    item->set("reason", target_plan.reason);
    for (const auto& slot : targets_) {
      if (slot.name != target_plan.target) continue;
      item->set("stage", stage_name(slot.target->stage()));
      if (!target_plan.accepted) break;
      if (slot.presence) {
        auto presence = object();
        presence->set("local_path", slot.presence->local_path(plan.folder));
        presence->set("missing", slot.presence->missing(plan.folder, now_millis()).value_or(""));
        item->set("require_exists", presence);
      }
      const Explanation explanation =
          slot.target->explain({target_plan.path, EventKind::modified, 0});
      auto explained = object();
      explained->set("verdict", status_name(explanation.verdict.status));
      explained->set("reason", explanation.verdict.reason);
      explained->set("library", explanation.library);
      Array::Ptr requests = new Array;
      for (const auto& planned : explanation.requests) {
        auto r = object();
        r->set("method", planned.method);
        r->set("url", planned.url);
        r->set("body", planned.body);
        requests->add(r);
      }
      explained->set("requests", requests);
      item->set("explain", explained);
    }
    targets->add(item);
  }
  reply->set("targets", targets);
  reply->set("queued", plan.queued());
  return json_reply(200, *reply);
}

void Engine::register_routes(Router& router) {
  // The ingest routes answer once their events are durable (deferred: no
  // thread waits for the commit).
  const auto manual = [this](const HttpRequest& request, const RouteParams&,
                             const Respond& respond) { manual_route(request, respond); };
  // The *arr apps send POST or PUT (their webhook's Method setting); autoscan's
  // manual trigger took any method but GET as a scan.
  // The callers are checked from the head too, so a stranger's body is never read.
  const HeadCheck manual_caller = [this](const HttpRequest& request, const RouteParams&) {
    return refuse_caller(request, kManualSource, "", kManualNeedsCredentials);
  };
  router.add_deferred("GET", "/triggers/manual", Access::webhook, manual, manual_caller);
  for (const char* method : {"POST", "PUT"}) {
    router.add_deferred(method, "/triggers/manual", Access::webhook, manual, manual_caller);
    router.add_deferred(
        method, "/triggers/{source}", Access::webhook,
        [this](const HttpRequest& request, const RouteParams& params, const Respond& respond) {
          webhook_route(params.at("source"), request, respond);
        },
        [this](const HttpRequest& request, const RouteParams& params) {
          return refuse_webhook_caller(params.at("source"), request);
        });
  }
  pass_routes_->register_routes(router);
  router.add_deferred("POST", "/api/scan", Access::user,
                      [this](const HttpRequest& request, const RouteParams&,
                             const Respond& respond) { scan_route(request, respond); });
  router.add(
      "GET", "/api/queue", Access::user,
      [this](const HttpRequest& request, const RouteParams&) { return queue_route(request); });
  std::map<std::string, std::string> target_configs;
  for (const auto& slot : targets_) target_configs[slot.name] = slot.config;
  add_history_routes(router, queue_, std::move(target_configs));
  router.add("GET", "/api/targets", Access::user,
             [this](const HttpRequest&, const RouteParams&) { return targets_route(); });
  add_target_description_route(router, targets_, config_);
  router.add("GET", "/api/deadletters", Access::user,
             [this](const HttpRequest& request, const RouteParams&) {
               return dead_letters_route(request);
             });
  add_dead_letter_delete_route(router, dead_letters_, [this] { live_.changed(kDeadLettersTopic); });
  live_.register_routes(router);
  router.add("POST", "/api/deadletters/{id}/replay", Access::user,
             [this](const HttpRequest&, const RouteParams& params) {
               return replay_route(params.at("id"));
             });
  router.add("POST", "/api/history/{id}/retry", Access::user,
             [this](const HttpRequest&, const RouteParams& params) {
               return retry_route(params.at("id"));
             });
  router.add(
      "POST", "/api/explain", Access::user,
      [this](const HttpRequest& request, const RouteParams&) { return explain_route(request); });
  for (const auto& [name, service] : services_) {
    Service* target = service.get();
    for (const char* method : {"GET", "POST", "PUT", "PATCH", "DELETE"})
      router.add(method, "/api/" + name + "/*", Access::user,
                 [target](const HttpRequest& request, const RouteParams& params) {
                   HttpRequest relative = request;
                   relative.path = params.count("*") ? params.at("*") : "";
                   return target->handle(relative);
                 });
  }
}

}  // namespace scanhook::core
