// The running pipeline, as PipelineBuilder::build makes it from a validated
// Config: every part the daemon serves with, owned here. The members are
// declared in the order they are built, each from parts declared above it,
// so they are destroyed in the reverse order: nothing outlives what it uses.
// Building starts only the ingest's commit threads; Engine registers the
// routes on these parts, and starts and stops them.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "scanhook/core/config/config.hpp"
#include "scanhook/core/notify/notification_outbox.hpp"
#include "scanhook/core/notify/notification_sender.hpp"
#include "scanhook/core/pipeline/commit_wakeup.hpp"
#include "scanhook/core/pipeline/dispatcher.hpp"
#include "scanhook/core/pipeline/expected_files.hpp"
#include "scanhook/core/pipeline/history_pruner.hpp"
#include "scanhook/core/pipeline/ingest.hpp"
#include "scanhook/core/pipeline/intake.hpp"
#include "scanhook/core/pipeline/metrics.hpp"
#include "scanhook/core/pipeline/poller.hpp"
#include "scanhook/core/pipeline/source_ingest.hpp"
#include "scanhook/core/pipeline/webhook_delivery.hpp"
#include "scanhook/core/plugins/instance_host.hpp"
#include "scanhook/core/store/store.hpp"
#include "scanhook/core/time_source.hpp"
#include "scanhook/core/web/live_events.hpp"
#include "scanhook/core/web/source_pass_routes.hpp"
#include "scanhook/service.hpp"

namespace scanhook::core {

struct Pipeline {
  Pipeline(const Config& validated, TimeSource& time) : config(validated), clock(time) {}
  // Disconnects the commit wake-up and the store's remote-events callback
  // first: the dispatcher goes before the ingest and the store that call them.
  ~Pipeline();
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  QueueStore& queue() const { return store->queue(); }
  DeadLetterStore& dead_letters() const { return store->dead_letters(); }

  const Config& config;
  TimeSource& clock;  // every timed part's
  LiveEvents live;    // told of changes by the ingest, the dispatcher and the routes
  std::unique_ptr<Store> store;
  std::unique_ptr<NotificationOutbox> outbox;
  std::unique_ptr<Intake> intake;
  // Set when some target has require_exists.
  std::shared_ptr<ExpectedFiles> expected_files;
  std::shared_ptr<FileDigests> file_digests;
  CommitWakeup commit_wakeup;  // the dispatcher's, connected once it is built
  std::unique_ptr<Ingest> ingest;
  std::unique_ptr<SourceIngest> source_ingest;  // the hosts' and the routes' way in
  // One per configured instance, before the instances that live on them.
  std::vector<std::unique_ptr<InstanceHost>> hosts;
  std::vector<SourceEntry> sources;
  std::vector<TargetSlot> targets;
  std::map<std::string, std::shared_ptr<Service>> services;
  std::unique_ptr<Dispatcher> dispatcher;
  std::unique_ptr<NotificationSender> sender;  // null without an outbox
  std::unique_ptr<WebhookDelivery> webhooks;
  std::unique_ptr<SourcePassRoutes> pass_routes;
  std::vector<std::unique_ptr<Poller>> pollers;
  std::unique_ptr<HistoryPruner> history_pruner;
  // Last: the gauges read the queue, the dispatcher and the outbox, and are
  // out of the registry before those go.
  std::vector<GaugeRegistration> gauges;
};

}  // namespace scanhook::core
