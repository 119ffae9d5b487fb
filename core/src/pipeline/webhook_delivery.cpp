#include "scanhook/core/pipeline/webhook_delivery.hpp"

#include <Poco/Logger.h>

#include "scanhook/core/app/log_excerpt.hpp"
#include "scanhook/core/http/json_writer.hpp"
#include "scanhook/core/store/queue_store.hpp"

namespace scanhook::core {

std::optional<HttpReply> too_many_paths(std::size_t count, std::int64_t limit) {
  if (static_cast<std::int64_t>(count) <= limit) return std::nullopt;
  return json_error(413, "the request names " + std::to_string(count) +
                             " paths, over the limit of " + std::to_string(limit) +
                             " ([server] max_paths_per_request)");
}

HttpReply submission_reply(int status, const Submission& submission, const std::string* message) {
  if (submission.status != 200) return json_error(submission.status, submission.error);
  JsonWriter json;
  json.begin_object();
  if (message) json.member("message", *message);
  json.member("queued", submission.added)
      .member("merged", submission.merged)
      .member("filtered", submission.filtered)
      .end_object();
  return json.reply(status);
}

HttpReply with_dead_letter(HttpReply reply, std::optional<std::int64_t> id) {
  if (!id || reply.body.empty() || reply.body.back() != '}') return reply;
  reply.body.pop_back();
  reply.body += ",\"dead_letter\":" + std::to_string(*id) + "}";
  return reply;
}

WebhookDelivery::WebhookDelivery(std::vector<SourceEntry> sources, EventSink& sink,
                                 DeadLetterStore& dead_letters, std::int64_t max_paths,
                                 std::function<void()> dead_letters_changed)
    : sink_(sink),
      dead_letters_(dead_letters),
      max_paths_(max_paths),
      dead_letters_changed_(std::move(dead_letters_changed)) {
  for (auto& source : sources) {
    std::string name = source.name;
    sources_.emplace(std::move(name), std::move(source));
  }
}

const SourceEntry* WebhookDelivery::find(const std::string& name) const {
  const auto found = sources_.find(name);
  return found == sources_.end() ? nullptr : &found->second;
}

std::optional<std::string> WebhookDelivery::token(const std::string& name) const {
  const SourceEntry* source = find(name);
  if (!source) return std::nullopt;
  return source->token;
}

bool WebhookDelivery::takes_webhooks(const std::string& name) const {
  const SourceEntry* source = find(name);
  return source && source->webhook;
}

std::vector<std::string> WebhookDelivery::names() const {
  std::vector<std::string> names;
  for (const auto& [name, source] : sources_)
    if (source.webhook) names.push_back(name);
  return names;
}

void WebhookDelivery::rerun(const std::string& name, const HttpRequest& request, AnswerDone done) {
  const SourceEntry* source = find(name);
  if (!source || !source->webhook)
    return done({json_error(409, "the source " + name +
                                     " is no longer a configured webhook source: nothing to "
                                     "run it through"),
                 false, "", false});
  WebhookOutcome outcome = source->webhook->handle(request);
  if (outcome.status < 200 || outcome.status > 599) {
    const std::string why = "the " + name + " plugin answered an invalid status " +
                            std::to_string(outcome.status) + ": " + outcome.message;
    return done({json_error(500, why), false, why, true});
  }
  if (outcome.status >= 300) {
    const bool keep = outcome.keep_as_dead_letter || outcome.status >= 500;
    return done({json_error(outcome.status, outcome.message), false, outcome.message, keep});
  }
  // Kept: with a higher limit it can be replayed.
  if (auto refusal = too_many_paths(outcome.events.size(), max_paths_))
    return done({*refusal, false, refusal->body, true});
  sink_.submit(name, outcome.events,
               [done = std::move(done), status = outcome.status,
                message = std::move(outcome.message)](const Submission& submission) {
                 if (submission.status != 200)
                   return done({json_error(submission.status, submission.error), false,
                                submission.error, true});
                 done({submission_reply(status, submission, &message), true, "", false});
               },
               {});
}

std::string WebhookDelivery::receiver(const std::string& name, const HttpRequest& request) const {
  const SourceEntry* source = find(name);
  if (!source || !source->forwarding) return name;
  const std::string to = source->forwarding->forward_to(request);
  return to.empty() ? name : to;
}

bool WebhookDelivery::runs_itself(const std::string& name) const {
  const SourceEntry* source = find(name);
  return source && source->webhook && !source->forwarding;
}

void WebhookDelivery::deliver(const std::string& name, const HttpRequest& request, ReplyDone done) {
  // One hop only: a source that forwards is never forwarded to (no loops).
  if (const std::string to = receiver(name, request); to != name) {
    if (!runs_itself(to))
      return done(json_error(400, "[source." + name + "] forwards this request to \"" + to +
                                      "\", which is no webhook source here: add [source." + to +
                                      "] or change [source." + name + "]"));
    HttpRequest forwarded = request;
    forwarded.path = "/triggers/" + to;
    return deliver(to, forwarded, std::move(done));
  }
  // The answer may come after the route returned: a failed one keeps this copy.
  auto kept = std::make_shared<const HttpRequest>(request);
  rerun(name, request, [this, name, kept, done = std::move(done)](WebhookAnswer answer) {
    // Runs on the ingest's syncer, after a failed commit perhaps.
    const auto letter = answer.keep ? keep_dead_letter(name, *kept, answer.error) : std::nullopt;
    if (!answer.succeeded) log_refusal(name, answer, letter);
    done(with_dead_letter(std::move(answer.reply), letter));
  });
}

void WebhookDelivery::keep_refused(const std::string& name, const HttpRequest& request,
                                   const std::string& why) {
  // A forward to nowhere is kept as sent: its replay then says what is wrong.
  std::string to = receiver(name, request);
  if (to != name && !runs_itself(to)) to = name;
  const auto id = keep_dead_letter(to, request, why);
  if (!id) {
    Poco::Logger::get("scanhook.engine")
        .error("a %s webhook refused with 429 (%s) could not be kept as a dead letter", to, why);
    return;
  }
  const std::string letter = std::to_string(*id);
  Poco::Logger::get("scanhook.engine")
      .warning(
          "kept the %s webhook refused with 429 as dead letter %s (%s): replay it from the "
          "UI or with POST /api/deadletters/%s/replay",
          to, letter, why, letter);
}

void WebhookDelivery::log_refusal(const std::string& source, const WebhookAnswer& answer,
                                  std::optional<std::int64_t> letter) {
  // The access line says only the status: the reason goes here, escaped and
  // cut, as it quotes the request (a path with a NUL, a 1 MB field).
  const std::string why = log_escaped(log_excerpt(answer.error, kLoggedMessageBytes));
  auto& logger = Poco::Logger::get("scanhook.engine");
  if (letter)
    logger.warning("a %s webhook was refused (%d): %s; kept as dead letter %s", source,
                   static_cast<int>(answer.reply.status), why, std::to_string(*letter));
  else
    logger.information("a %s webhook was refused (%d): %s", source,
                       static_cast<int>(answer.reply.status), why);
}

std::optional<std::int64_t> WebhookDelivery::keep_dead_letter(const std::string& source,
                                                              const HttpRequest& request,
                                                              const std::string& error) {
  // The database may refuse this write too: the answer goes out all the same
  // (without a dead letter's id).
  try {
    if (dead_letters_changed_) dead_letters_changed_();
    return dead_letters_.keep(source, request, error, now_millis());
  } catch (const std::exception& failure) {
    Poco::Logger::get("scanhook.engine")
        .error("could not keep the %s webhook as a dead letter: %s", source,
               std::string(failure.what()));
    return std::nullopt;
  }
}

}  // namespace scanhook::core
