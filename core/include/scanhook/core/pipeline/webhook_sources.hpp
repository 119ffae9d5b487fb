// The configured webhook sources, by name, as the routes that reach them see
// them: what credential each asks for, and running a request through one.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "scanhook/http.hpp"

namespace scanhook::core {

// A webhook source's answer to one request.
struct WebhookAnswer {
  HttpReply reply;
  bool succeeded = false;
  std::string error;  // why it failed, for a dead letter
  bool keep = false;  // worth keeping as a dead letter (its body might succeed later)
};

class WebhookSources {
 public:
  using ReplyDone = std::function<void(HttpReply)>;
  using AnswerDone = std::function<void(WebhookAnswer)>;

  virtual ~WebhookSources() = default;
  // The token [source.NAME] asks of its callers ("" none); nullopt when no
  // source of that name is configured (polled sources included: they refuse
  // webhooks only after the caller is known).
  virtual std::optional<std::string> token(const std::string& name) const = 0;
  // True when `name` takes webhooks (not polled, configured).
  virtual bool takes_webhooks(const std::string& name) const = 0;
  // Every source that takes webhooks, for "did you mean".
  virtual std::vector<std::string> names() const = 0;
  // Runs an authorised request through webhook source `name` (handing it on
  // first when the source forwards it, SDK 1.2); a failure that its body
  // might survive is kept as a dead letter, whose id the reply names
  // ("dead_letter"). `done` runs once the events are durable.
  virtual void deliver(const std::string& name, const HttpRequest& request, ReplyDone done) = 0;
  // Keeps a request to `name` that showed the right credential but was
  // refused (its caller rate-limited, AccessRefusal::keep) as a dead letter
  // of the source that takes it (the one `name` forwards it to, SDK 1.2),
  // with `why` as its error, and logs it; the refusal is answered already.
  virtual void keep_refused(const std::string& name, const HttpRequest& request,
                            const std::string& why) = 0;
  // Runs a kept request through `name` again, keeping nothing (a replay).
  virtual void rerun(const std::string& name, const HttpRequest& request, AnswerDone done) = 0;
};

}  // namespace scanhook::core
