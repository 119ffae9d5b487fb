// Fakes of the pipeline's narrow interfaces for the route modules' tests:
// an EventSink that records what it is given and answers as scripted, and
// WebhookSources with a fixed set of sources.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "scanhook/core/pipeline/event_sink.hpp"
#include "scanhook/core/pipeline/webhook_sources.hpp"

namespace scanhook::testing {

class FakeEventSink final : public core::EventSink {
 public:
  struct Call {
    std::string source;
    std::vector<ScanEvent> events;
    std::vector<std::string> sha256;
  };

  void submit(const std::string& source, const std::vector<ScanEvent>& events, Done done,
              const std::vector<std::string>& sha256) override {
    calls.push_back({source, events, sha256});
    core::Submission answer = next;
    if (answer.status == 200) answer.added = events.size();
    done(answer);
  }
  bool checks_files() const override { return checks; }

  std::vector<Call> calls;
  core::Submission next;  // the answer; on 200, every event counts as added
  bool checks = false;
};

class FakeWebhookSources final : public core::WebhookSources {
 public:
  struct Source {
    std::string token;
    bool webhook = true;  // false: polled
    core::WebhookAnswer answer{{200, "application/json", "{\"ran\":true}", {}}, true, "", false};
  };

  std::optional<std::string> token(const std::string& name) const override {
    const auto found = sources.find(name);
    if (found == sources.end()) return std::nullopt;
    return found->second.token;
  }
  bool takes_webhooks(const std::string& name) const override {
    const auto found = sources.find(name);
    return found != sources.end() && found->second.webhook;
  }
  std::vector<std::string> names() const override {
    std::vector<std::string> names;
    for (const auto& [name, source] : sources)
      if (source.webhook) names.push_back(name);
    return names;
  }
  void deliver(const std::string& name, const HttpRequest& request, ReplyDone done) override {
    delivered.push_back(name + " " + request.method + " " + request.path + " " + request.body);
    done(sources.at(name).answer.reply);
  }
  void rerun(const std::string& name, const HttpRequest& request, AnswerDone done) override {
    rerun_bodies.push_back(name + " " + request.body);
    reruns.push_back(request);
    done(sources.at(name).answer);
  }
  void keep_refused(const std::string& name, const HttpRequest& request,
                    const std::string& why) override {
    kept.push_back(name + " " + request.body + " (" + why + ")");
  }

  std::map<std::string, Source> sources;
  std::vector<std::string> delivered;     // "name METHOD path body"
  std::vector<std::string> rerun_bodies;  // "name body"
  std::vector<HttpRequest> reruns;        // each request a rerun was given, whole
  std::vector<std::string> kept;          // "name body (why)"
};

}  // namespace scanhook::testing
