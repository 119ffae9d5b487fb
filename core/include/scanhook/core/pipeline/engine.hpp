// The engine: the database, the queue, ingest, the dispatcher, dead letters
// and every configured plugin instance, with the routes that reach them.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "scanhook/core/auth/user_auth.hpp"
#include "scanhook/core/config/config.hpp"
#include "scanhook/core/http/router.hpp"
#include "scanhook/core/notify/notification_outbox.hpp"
#include "scanhook/core/notify/notification_sender.hpp"
#include "scanhook/core/pipeline/dead_letters.hpp"
#include "scanhook/core/pipeline/dispatcher.hpp"
#include "scanhook/core/pipeline/expected_files.hpp"
#include "scanhook/core/pipeline/history_pruner.hpp"
#include "scanhook/core/pipeline/ingest.hpp"
#include "scanhook/core/pipeline/intake.hpp"
#include "scanhook/core/pipeline/metrics.hpp"
#include "scanhook/core/pipeline/pipeline_builder.hpp"
#include "scanhook/core/pipeline/poller.hpp"
#include "scanhook/core/pipeline/queue.hpp"
#include "scanhook/core/plugins/instance_host.hpp"
#include "scanhook/core/store/database.hpp"
#include "scanhook/core/store/store.hpp"
#include "scanhook/core/web/live_events.hpp"
#include "scanhook/core/web/source_pass_routes.hpp"
#include "scanhook/scanhook.hpp"

namespace scanhook::core {

// A plugin refused its configuration, or the database cannot be opened.
class EngineError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What became of a batch of events from one source.
struct Submission {
  int status = 200;  // 200, 400 (a path refused at the door), 503 (not committed)
  std::string error;
  std::size_t added = 0;
  std::size_t merged = 0;
  std::size_t filtered = 0;
};

class Engine {
 public:
  // Opens the database and creates every instance (PipelineBuilder, serve
  // mode); throws ConfigError for a refused configuration, SqlError for storage.
  // `auth`, if given, checks the webhook and manual trigger routes' callers
  // and limits their failures (UserAuth::check_webhook); without it (tests)
  // the same rules apply, unlimited.
  Engine(const Config& config, Metrics& metrics, UserAuth* auth = nullptr);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // The core routes: /triggers/..., /api/... (user), and each service's /api/<instance>/*.
  void register_routes(Router& router);
  void start();
  void stop();
  bool database_ok() { return queue_.healthy(); }
  std::optional<std::string> database_write_failure() const { return queue_.last_write_failure(); }

  using SubmissionDone = std::function<void(Submission)>;

  // Checks, rewrites, filters and commits a source's events (Host::submit and the routes).
  Submission submit(const std::string& source, const std::vector<ScanEvent>& events);
  // The same without waiting: `done` runs once the events are durable, on the
  // ingest's syncer thread (or at once, when they are refused).
  // `sha256`: for file events, the hash each file must have before a
  // require_exists target gets its folder ("" or absent: none).
  void submit_async(const std::string& source, const std::vector<ScanEvent>& events,
                    SubmissionDone done, const std::vector<std::string>& sha256 = {});

  // Keeps an event that `source` named but will not queue: a history row
  // (outcome "ignored", the folder after the source's rewrite) in the next
  // commit, and one info line (Host::record_dropped).
  void record_dropped(const std::string& source, const ScanEvent& event, const std::string& reason);

  QueueStore& queue() { return queue_; }
  Dispatcher& dispatcher() { return *dispatcher_; }

 private:
  struct Source {
    std::string name;
    std::shared_ptr<Instance> instance;
    WebhookSource* webhook = nullptr;        // null for a polling source
    ForwardingSource* forwarding = nullptr;  // the webhook's, if it forwards (SDK 1.2)
    std::string token;
    Counter* received = nullptr;
    Counter* merged = nullptr;
    Counter* rejected = nullptr;
    Counter* filtered = nullptr;
  };
  struct WebhookAnswer {
    HttpReply reply;
    bool succeeded = false;
    std::string error;  // why it failed, for a dead letter
    bool keep = false;  // keep the request as a dead letter
  };

  using ReplyDone = std::function<void(HttpReply)>;

  Source& add_source_counters(Source& source, Metrics& metrics);
  std::int64_t max_paths_per_request() const {
    return static_cast<std::int64_t>(config_.server.max_paths_per_request);
  }
  // The answers below come once the events are durable (see submit_async);
  // each has a form that waits for it, for the callers that need the reply.
  void run_webhook_async(Source& source, const HttpRequest& request,
                         std::function<void(WebhookAnswer)> done);
  WebhookAnswer run_webhook(Source& source, const HttpRequest& request);
  // The 401 saying `message` (or a 429) for a caller of `source` that is
  // neither the [server] user nor holds `token` (if any); nullopt if allowed.
  std::optional<HttpReply> refuse_caller(const HttpRequest& request, const std::string& source,
                                         const std::string& token, const std::string& message);
  // refuse_caller for webhook source `name` (nullopt when there is no such source).
  std::optional<HttpReply> refuse_webhook_caller(const std::string& name,
                                                 const HttpRequest& request);
  void webhook_route(const std::string& name, const HttpRequest& request, const Respond& respond);
  // The id of `request` kept as a dead letter of `source`; nullopt (logged) if it cannot be kept.
  std::optional<std::int64_t> keep_dead_letter(const std::string& source,
                                               const HttpRequest& request,
                                               const std::string& error);
  // Runs an authorised request through a webhook source; keeps a dead letter when it fails.
  void deliver_async(Source& source, const HttpRequest& request, ReplyDone done);
  HttpReply deliver(Source& source, const HttpRequest& request);
  // For require_exists targets: the files `events` name, before they are committed.
  void expect_files(const std::string& source, const std::vector<ScanEvent>& events,
                    const std::vector<std::string>& sha256);
  // A 400 when a caller gave hashes nothing would check; nullopt otherwise.
  std::optional<HttpReply> refuse_unchecked_hashes(const std::vector<std::string>& sha256) const;
  void manual_route(const HttpRequest& request, const Respond& respond);
  void queue_manual_async(const std::vector<ScanEvent>& events, ReplyDone done,
                          const std::vector<std::string>& sha256 = {});
  HttpReply queue_manual(const std::vector<ScanEvent>& events);
  void scan_route(const HttpRequest& request, const Respond& respond);
  HttpReply queue_route(const HttpRequest& request);
  HttpReply targets_route();
  HttpReply dead_letters_route(const HttpRequest& request);
  HttpReply replay_route(const std::string& id);
  // POST /api/history/{id}/retry: a rejected folder back in its target's queue.
  HttpReply retry_route(const std::string& id);
  HttpReply explain_route(const HttpRequest& request);

  const Config& config_;
  UserAuth* auth_;
  LiveEvents live_;  // before the ingest and the dispatcher, which tell it of changes
  std::unique_ptr<Store> store_;
  QueueStore& queue_;
  DeadLetterStore& dead_letters_;
  std::unique_ptr<NotificationOutbox> outbox_;
  std::unique_ptr<Intake> intake_;
  // Set when some target has require_exists.
  std::shared_ptr<ExpectedFiles> expected_files_;
  std::shared_ptr<FileDigests> file_digests_;
  std::atomic<Dispatcher*> wake_{nullptr};
  Ingest ingest_;
  std::vector<std::unique_ptr<InstanceHost>> hosts_;
  std::map<std::string, Source> sources_;  // configured, plus the built-in "manual" and "api"
  std::vector<TargetSlot> targets_;
  std::map<std::string, std::shared_ptr<Service>> services_;
  std::vector<std::unique_ptr<Poller>> pollers_;
  std::unique_ptr<Dispatcher> dispatcher_;
  std::unique_ptr<NotificationSender> sender_;
  HistoryPruner history_pruner_;
  std::unique_ptr<SourcePassRoutes> pass_routes_;
  bool started_ = false;
  struct GaugeQueue {
    std::mutex mutex;
    QueueStore* queue = nullptr;
    Dispatcher* dispatcher = nullptr;
    NotificationOutbox* outbox = nullptr;
  };
  std::shared_ptr<GaugeQueue> gauge_queue_;
};

}  // namespace scanhook::core
