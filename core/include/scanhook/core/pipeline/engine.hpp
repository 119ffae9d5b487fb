// The engine: holds the running pipeline (the database, the queue, ingest,
// the dispatcher, dead letters and every configured plugin instance), starts
// and stops it, and hands its parts to the route modules (web/*_routes).
// It serves no route and checks no credential itself.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

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
#include "scanhook/core/pipeline/source_ingest.hpp"
#include "scanhook/core/pipeline/webhook_delivery.hpp"
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

class Engine {
 public:
  // Opens the database and creates every instance (PipelineBuilder, serve
  // mode); throws ConfigError for a refused configuration, SqlError for storage.
  Engine(const Config& config, Metrics& metrics);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // The pipeline's routes, each module on the part it needs: ingest
  // (/triggers/..., /api/scan), pass URLs, queue and targets, history, dead
  // letters, explain, target descriptions, live events and each service's
  // /api/<instance>/*. Access is checked by the HTTP server (Access levels).
  void register_routes(Router& router);
  void start();
  void stop();
  bool database_ok() { return queue_.healthy(); }
  std::optional<std::string> database_write_failure() const { return queue_.last_write_failure(); }

  QueueStore& queue() { return queue_; }
  Dispatcher& dispatcher() { return *dispatcher_; }

 private:
  const Config& config_;
  LiveEvents live_;  // before the ingest and the dispatcher, which tell it of changes
  std::unique_ptr<Store> store_;
  QueueStore& queue_;
  DeadLetterStore& dead_letters_;
  std::unique_ptr<NotificationOutbox> outbox_;
  std::unique_ptr<Intake> intake_;
  // Set when some target has require_exists.
  std::shared_ptr<ExpectedFiles> expected_files_;
  std::shared_ptr<FileDigests> file_digests_;
  std::vector<std::unique_ptr<InstanceHost>> hosts_;
  std::vector<SourceEntry> sources_;  // the configured sources
  std::vector<TargetSlot> targets_;
  std::map<std::string, std::shared_ptr<Service>> services_;
  std::vector<std::unique_ptr<Poller>> pollers_;
  std::unique_ptr<Dispatcher> dispatcher_;
  std::unique_ptr<NotificationSender> sender_;
  // After the dispatcher, which each commit wakes; gone before it.
  std::unique_ptr<Ingest> ingest_;
  std::unique_ptr<SourceIngest> source_ingest_;  // the hosts' and the routes' way in
  std::unique_ptr<WebhookDelivery> webhooks_;
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
