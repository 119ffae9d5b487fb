// Runs requests through the configured webhook sources: a forwarding source
// (SDK 1.2) hands a request on first (one hop); the source's events go to the
// EventSink; a request that failed in a way its body might survive is kept
// as a dead letter. The credential check is done before, by the HTTP server.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "scanhook/core/pipeline/event_sink.hpp"
#include "scanhook/core/pipeline/webhook_sources.hpp"
#include "scanhook/core/store/dead_letter_store.hpp"
#include "scanhook/forwarding_source.hpp"
#include "scanhook/webhook_source.hpp"

namespace scanhook::core {

// One configured source, as WebhookDelivery sees it.
struct SourceEntry {
  std::string name;
  std::shared_ptr<Instance> instance;      // the plugin's object, kept alive
  WebhookSource* webhook = nullptr;        // null for a polled source
  ForwardingSource* forwarding = nullptr;  // the webhook's, if it forwards (SDK 1.2)
  std::string token;                       // [source.NAME] token, "" none
};

class WebhookDelivery final : public WebhookSources {
 public:
  // `max_paths`: [server] max_paths_per_request (a request naming more is a
  // 413, kept). `dead_letters_changed` runs when a letter is kept (the live
  // UI's cue). The sources' objects outlive this.
  WebhookDelivery(std::vector<SourceEntry> sources, EventSink& sink, DeadLetterStore& dead_letters,
                  std::int64_t max_paths, std::function<void()> dead_letters_changed);

  std::optional<std::string> token(const std::string& name) const override;
  bool takes_webhooks(const std::string& name) const override;
  std::vector<std::string> names() const override;
  void deliver(const std::string& name, const HttpRequest& request, ReplyDone done) override;
  void rerun(const std::string& name, const HttpRequest& request, AnswerDone done) override;
  void keep_refused(const std::string& name, const HttpRequest& request,
                    const std::string& why) override;

 private:
  const SourceEntry* find(const std::string& name) const;
  // The source a request to `name` is for: the one `name` forwards it to
  // (SDK 1.2, one hop; maybe not configured), else `name`.
  std::string receiver(const std::string& name, const HttpRequest& request) const;
  // A source that runs requests itself: configured, takes webhooks, does not forward.
  bool runs_itself(const std::string& name) const;
  // The id of `request` kept as a dead letter of `source`; nullopt (logged) if it cannot be kept.
  // One log line for a refused webhook: its reason (escaped, cut) and the
  // dead letter that keeps it, if any.
  static void log_refusal(const std::string& source, const WebhookAnswer& answer,
                          std::optional<std::int64_t> letter);
  std::optional<std::int64_t> keep_dead_letter(const std::string& source,
                                               const HttpRequest& request,
                                               const std::string& error);

  std::map<std::string, SourceEntry> sources_;
  EventSink& sink_;
  DeadLetterStore& dead_letters_;
  std::int64_t max_paths_;
  std::function<void()> dead_letters_changed_;
};

// The 413 for a request naming more paths than [server] max_paths_per_request.
std::optional<HttpReply> too_many_paths(std::size_t count, std::int64_t limit);

// Every ingest's answer, {"message":..,"queued":..,"merged":..,"filtered":..}
// ("message" only from a webhook source), or the submission's error.
HttpReply submission_reply(int status, const Submission& submission,
                           const std::string* message = nullptr);

// `reply` (a JSON object) naming the dead letter `id` keeps it, if any.
HttpReply with_dead_letter(HttpReply reply, std::optional<std::int64_t> id);

}  // namespace scanhook::core
