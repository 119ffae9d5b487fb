#include "scanhook/core/pipeline/engine.hpp"

#include <Poco/Environment.h>
#include <Poco/Logger.h>

#include <algorithm>

#include "scanhook/core/config/suggestion.hpp"
#include "scanhook/core/pipeline/completion_flag.hpp"
#include "scanhook/core/pipeline/verdict_fingerprint.hpp"
#include "scanhook/http.hpp"

namespace scanhook::core {

namespace {

// A target's require_exists, or null when it is off.
std::shared_ptr<const PresenceCheck> presence_check(const InstanceConfig& target,
                                                    std::shared_ptr<ExpectedFiles> files,
                                                    std::shared_ptr<FileDigests> digests) {
  const TargetSettings& settings = target.target();
  if (!settings.require_exists) return nullptr;
  try {
    return std::make_shared<const PresenceCheck>(target.instance, settings.local_rewrites,
                                                 settings.exists_timeout, std::move(files),
                                                 std::move(digests));
  } catch (const std::invalid_argument& error) {
    throw EngineError("[" + target.section + "] local_rewrite: " + error.what());
  }
}

// Who wants which notifications ([notify.NAME] events = ...).
std::vector<NotifierSubscription> subscriptions(const Config& config) {
  std::vector<NotifierSubscription> subscribers;
  for (const auto& instance : config.instances)
    if (instance.role == Role::notify)
      subscribers.push_back({instance.instance, instance.notifier().events});
  return subscribers;
}

StoreSettings store_settings(const Config& config) {
  StoreSettings settings;
  settings.database = config.server.database;
  settings.password = config.server.database_password;
  settings.instance = config.server.instance_name;
  if (settings.instance.empty()) settings.instance = Poco::Environment::nodeName();
  settings.minimum_age = config.queue.minimum_age;
  settings.dead_letter_count = config.queue.dead_letter_count;
  settings.dead_letter_bytes = config.queue.dead_letter_bytes;
  settings.lease = config.queue.lease;
  return settings;
}

DispatchSettings dispatch_settings(const QueueSettings& queue) {
  return {{queue.retry_initial, queue.retry_max},
          queue.probe_interval,
          queue.idle_interval,
          queue.anchors};
}

}  // namespace

Engine::Engine(const Config& config, Metrics& metrics)
    : config_(config),
      store_(open_store(store_settings(config))),
      queue_(store_->queue()),
      dead_letters_(store_->dead_letters()),
      outbox_(store_->open_outbox(subscriptions(config))),
      intake_(PipelineBuilder(config, BuildMode::serve).intake()),
      history_pruner_(queue_, config.queue.history_retention) {
  // Files are expected as long as the most patient require_exists target waits.
  std::chrono::milliseconds longest_wait{-1};
  std::vector<std::string> source_names{kManualSource, kApiSource};
  for (const auto& instance : config.instances) {
    if (instance.role == Role::source) source_names.push_back(instance.instance);
    if (instance.role == Role::target && instance.target().require_exists)
      longest_wait = std::max(longest_wait, instance.target().exists_timeout);
  }
  if (longest_wait.count() >= 0) {
    // The verdict at exists_timeout comes with the first attempt after it, up
    // to a retry or a probe later: the files must still be known then, or a
    // wrong hash would pass for no file at all.
    expected_files_ = std::make_shared<ExpectedFiles>(
        store_->expected_files(),
        longest_wait + config.queue.retry_max + config.queue.probe_interval);
    file_digests_ = std::make_shared<FileDigests>();
  }
  const PipelineBuilder builder(config, BuildMode::serve);
  std::vector<NotifierSlot> notifiers;
  for (const auto& instance : config.instances) {
    hosts_.push_back(std::make_unique<InstanceHost>(
        instance.instance, store_->plugins(),
        // Called once the engine runs (pollers, webhooks), when source_ingest_
        // is built. Host::submit answers when the events are durable: the
        // poller's thread waits.
        [this](const std::string& source, const std::vector<ScanEvent>& events) {
          return wait_for_callback<Submission>([&](EventSink::Done done) {
                   source_ingest_->submit(source, events, std::move(done), {});
                 }).status == 200;
        },
        [this](const std::string& source, const ScanEvent& event, const std::string& reason) {
          source_ingest_->record_dropped(source, event, reason);
        }));
    auto made = builder.create(instance, *hosts_.back());
    switch (instance.role) {
      case Role::source: {
        SourceEntry source{instance.instance, made, nullptr, nullptr, instance.source().token};
        if (instance.kind == kWebhookSource) {
          source.webhook = static_cast<WebhookSource*>(made.get());
          // SDK 1.2, optional: across the .so boundary RTTI compares type names.
          source.forwarding = dynamic_cast<ForwardingSource*>(source.webhook);
        } else {
          // One instance at a time polls (several on PostgreSQL share one queue).
          pollers_.push_back(std::make_unique<Poller>(
              instance.instance, std::static_pointer_cast<PollingSource>(made),
              [this, lock = "poller " + instance.instance] { return queue_.hold_lock(lock); }));
        }
        sources_.push_back(std::move(source));
        break;
      }
      case Role::target:
        targets_.push_back({instance.instance, std::static_pointer_cast<Target>(made),
                            instance.target().scan_delay, instance.target().required,
                            verdict_fingerprint(instance),
                            presence_check(instance, expected_files_, file_digests_),
                            hosts_.back()->describable()});
        break;
      case Role::service:
        services_[instance.instance] = std::static_pointer_cast<Service>(made);
        break;
      case Role::notify:
        notifiers.push_back({instance.instance, std::static_pointer_cast<Notifier>(made),
                             instance.notifier().batch_wait, instance.notifier().min_interval});
        break;
    }
  }
  DispatchSettings dispatch = dispatch_settings(config.queue);
  dispatch.on_change = [this] { live_.changed(kQueueTopic | kHistoryTopic | kTargetsTopic); };
  const NotifySettings notify_settings{dispatch.backoff, dispatch.probe_interval,
                                       dispatch.idle_interval};
  dispatcher_ =
      std::make_unique<Dispatcher>(queue_, *intake_, targets_, std::move(dispatch), metrics,
                                   outbox_ && outbox_->has_subscribers() ? outbox_.get() : nullptr);
  if (outbox_)
    sender_ = std::make_unique<NotificationSender>(*outbox_, std::move(notifiers), notify_settings);
  live_.add_metrics(metrics);
  // What a commit queues is due minimum_age later at the earliest; an idle
  // target looks again within idle_interval anyway, and a target woken
  // before anything is due only goes back to sleep. So the wake-up (a
  // thread switch and a read transaction per commit) is only worth it when
  // minimum_age is shorter than idle_interval.
  const bool wake_on_commit = config.queue.minimum_age < config.queue.idle_interval;
  ingest_ = std::make_unique<Ingest>(queue_, [this, wake_on_commit] {
    if (wake_on_commit) dispatcher_->wake();
    live_.changed(kQueueTopic | kHistoryTopic);
  });
  source_ingest_ =
      std::make_unique<SourceIngest>(*intake_, *ingest_, metrics, source_names, expected_files_);
  // Another instance's commit, heard through the store (PostgreSQL's NOTIFY):
  // worth a wake-up on the same terms as this instance's own.
  if (wake_on_commit) queue_.on_remote_events([this] { dispatcher_->wake(); });
  std::vector<PassSource> passes;
  for (const auto& instance : config.instances) {
    if (instance.role != Role::source || instance.source().pass.empty()) continue;
    const auto source = std::find_if(sources_.begin(), sources_.end(), [&](const SourceEntry& s) {
      return s.name == instance.instance;
    });
    passes.push_back({instance.instance, instance.source().pass, source->forwarding});
  }
  webhooks_ = std::make_unique<WebhookDelivery>(
      sources_, *source_ingest_, dead_letters_,
      static_cast<std::int64_t>(config.server.max_paths_per_request),
      [this] { live_.changed(kDeadLettersTopic); });
  pass_routes_ = std::make_unique<SourcePassRoutes>(std::move(passes), *webhooks_);

  // The gauges outlive the engine in the registry: they read through a
  // holder that the destructor empties.
  gauge_queue_ = std::make_shared<GaugeQueue>();
  gauge_queue_->queue = &queue_;
  gauge_queue_->dispatcher = dispatcher_.get();
  gauge_queue_->outbox = outbox_.get();
  auto holder = gauge_queue_;
  metrics.gauge("scanhook_queue_depth", "folders waiting for at least one target", [holder] {
    std::lock_guard lock(holder->mutex);
    return holder->queue ? static_cast<double>(holder->queue->folder_count()) : 0.0;
  });
  metrics.gauge("scanhook_oldest_due_seconds",
                "how long the longest-waiting due delivery has been due", [holder] {
                  std::lock_guard lock(holder->mutex);
                  if (!holder->queue) return 0.0;
                  const Millis now = now_millis();
                  const Millis oldest = holder->queue->oldest_due(now);
                  return oldest == 0 ? 0.0 : static_cast<double>(now - oldest) / 1000.0;
                });
  for (const auto& target : targets_) {
    const Labels labels{{"target", target.name}};
    metrics.gauge(
        "scanhook_target_failing_seconds",
        "how long every answer of the target has been a pause or a retry (0: it works)",
        [holder, name = target.name] {
          std::lock_guard lock(holder->mutex);
          const Millis since = holder->dispatcher ? holder->dispatcher->failing_since(name) : 0;
          return since == 0 ? 0.0 : static_cast<double>(now_millis() - since) / 1000.0;
        },
        labels);
    metrics.gauge(
        "scanhook_target_queued_folders", "folders the target still owes a scan",
        [holder, name = target.name] {
          std::lock_guard lock(holder->mutex);
          return holder->queue ? static_cast<double>(holder->queue->delivery_count(name)) : 0.0;
        },
        labels);
  }
  for (const auto& instance : config.instances) {
    if (instance.role != Role::notify) continue;
    metrics.gauge(
        "scanhook_notifications_waiting", "notifications kept until the notifier takes them",
        [holder, name = instance.instance] {
          std::lock_guard lock(holder->mutex);
          return holder->outbox ? static_cast<double>(holder->outbox->waiting(name)) : 0.0;
        },
        {{"notifier", instance.instance}});
  }
}

Engine::~Engine() {
  stop();
  std::lock_guard lock(gauge_queue_->mutex);
  gauge_queue_->queue = nullptr;
  gauge_queue_->dispatcher = nullptr;
  gauge_queue_->outbox = nullptr;
}

void Engine::start() {
  if (started_) return;
  started_ = true;
  std::set<std::string> configured;
  for (const auto& target : targets_) configured.insert(target.name);
  auto& logger = Poco::Logger::get("scanhook.engine");
  if (const auto dropped = queue_.drop_targets_except(configured, now_millis()))
    logger.warning(std::to_string(dropped) +
                   " queued deliveries were for targets no longer configured: dropped (see the "
                   "history)");
  history_pruner_.start();
  if (const auto dropped = outbox_ ? outbox_->drop_unsubscribed() : 0)
    logger.warning(std::to_string(dropped) +
                   " notifications were for notifiers no longer configured: dropped");
  dispatcher_->start();
  if (sender_) sender_->start();
  for (auto& poller : pollers_) poller->start();
}

void Engine::stop() {
  for (auto& poller : pollers_) poller->stop();
  // The ingest's last answers use the sources and wake the dispatcher: they
  // go out while both are still here.
  ingest_->stop();
  queue_.on_remote_events(nullptr);  // the store outlives this engine's members
  if (dispatcher_) dispatcher_->stop();
  history_pruner_.stop();
  if (sender_) sender_->stop();
}

}  // namespace scanhook::core
