#include "scanhook/core/pipeline/pipeline_builder.hpp"

#include <Poco/Environment.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "scanhook/core/config/suggestion.hpp"
#include "scanhook/core/pipeline/completion_flag.hpp"
#include "scanhook/core/pipeline/path_rules.hpp"
#include "scanhook/core/pipeline/verdict_fingerprint.hpp"
#include "scanhook/core/store/database_filesystem.hpp"
#include "scanhook/core/store/store.hpp"

namespace scanhook::core {

namespace {

// The keys of an instance's plugin that name another source (SDK 1.2).
std::vector<const ConfigKey*> source_name_keys(const InstanceConfig& instance) {
  std::vector<const ConfigKey*> keys;
  const Descriptor& d = instance.plugin->descriptor();
  for (std::uint32_t i = 0; i < d.config_key_count; ++i)
    if (d.config_keys[i].type == ConfigType::source_name &&
        (d.config_keys[i].applies_to & instance.kind))
      keys.push_back(&d.config_keys[i]);
  return keys;
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

// Who wants which notifications ([notify.NAME] events = ...).
std::vector<NotifierSubscription> subscriptions(const Config& config) {
  std::vector<NotifierSubscription> subscribers;
  for (const auto& instance : config.instances)
    if (instance.role == Role::notify)
      subscribers.push_back({instance.instance, instance.notifier().events});
  return subscribers;
}

// The files require_exists targets wait for, if any target has it: known as
// long as the most patient of them waits. The verdict at exists_timeout comes
// with the first attempt after it, up to a retry or a probe later: the files
// must still be known then, or a wrong hash would pass for no file at all.
void expect_files(Pipeline& pipeline) {
  const Config& config = pipeline.config;
  std::chrono::milliseconds longest_wait{-1};
  for (const auto& instance : config.instances)
    if (instance.role == Role::target && instance.target().require_exists)
      longest_wait = std::max(longest_wait, instance.target().exists_timeout);
  if (longest_wait.count() < 0) return;
  pipeline.expected_files = std::make_shared<ExpectedFiles>(
      pipeline.store->expected_files(),
      longest_wait + config.queue.retry_max + config.queue.probe_interval);
  pipeline.file_digests = std::make_shared<FileDigests>();
}

// The group commit, and the sources' way into it. Each commit tells the live
// UI, and wakes the dispatcher through the commit wake-up (connected later).
void build_ingest(Pipeline& pipeline, Metrics& metrics) {
  pipeline.ingest = std::make_unique<Ingest>(
      pipeline.queue(),
      [&wakeup = pipeline.commit_wakeup, &live = pipeline.live] {
        wakeup.wake();
        live.changed(kQueueTopic | kHistoryTopic);
      },
      pipeline.clock);
  std::vector<std::string> source_names{kManualSource, kApiSource};
  for (const auto& instance : pipeline.config.instances)
    if (instance.role == Role::source) source_names.push_back(instance.instance);
  pipeline.source_ingest = std::make_unique<SourceIngest>(
      *pipeline.intake, *pipeline.ingest, metrics, source_names, pipeline.expected_files);
}

// A target's require_exists, or null when it is off.
std::shared_ptr<const PresenceCheck> presence_check(const Config& config,
                                                    const InstanceConfig& target,
                                                    const Pipeline& pipeline) {
  const TargetSettings& settings = target.target();
  if (!settings.require_exists) return nullptr;
  try {
    return std::make_shared<const PresenceCheck>(target.instance, settings.local_rewrites,
                                                 settings.exists_timeout, pipeline.expected_files,
                                                 pipeline.file_digests);
  } catch (const std::invalid_argument& error) {
    throw ConfigError(config.where(target.section, "local_rewrite") + ": " + error.what());
  }
}

// Each instance on its own host, which submits through the source ingest (a
// poller's thread waits there: Host::submit answers once the events are
// durable); sorted into sources, targets, services and notifiers.
std::vector<NotifierSlot> build_instances(Pipeline& pipeline, const PipelineBuilder& builder) {
  const Config& config = pipeline.config;
  SourceIngest& ingest = *pipeline.source_ingest;
  std::vector<NotifierSlot> notifiers;
  for (const auto& instance : config.instances) {
    pipeline.hosts.push_back(std::make_unique<InstanceHost>(
        instance.instance, pipeline.store->plugins(),
        [&ingest](const std::string& source, const std::vector<ScanEvent>& events) {
          return wait_for_callback<Submission>([&](EventSink::Done done) {
                   ingest.submit(source, events, std::move(done), {});
                 }).status == 200;
        },
        [&ingest](const std::string& source, const ScanEvent& event, const std::string& reason) {
          ingest.record_dropped(source, event, reason);
        }));
    InstanceHost& host = *pipeline.hosts.back();
    auto made = builder.create(instance, host);
    switch (instance.role) {
      case Role::source: {
        SourceEntry source{instance.instance, made, nullptr, nullptr, instance.source().token};
        if (instance.kind == kWebhookSource) {
          source.webhook = static_cast<WebhookSource*>(made.get());
          // SDK 1.2, optional: across the .so boundary RTTI compares type names.
          source.forwarding = dynamic_cast<ForwardingSource*>(source.webhook);
        }
        pipeline.sources.push_back(std::move(source));
        break;
      }
      case Role::target:
        pipeline.targets.push_back({instance.instance, std::static_pointer_cast<Target>(made),
                                    instance.target().scan_delay, instance.target().required,
                                    verdict_fingerprint(instance),
                                    presence_check(config, instance, pipeline),
                                    host.describable()});
        break;
      case Role::service:
        pipeline.services[instance.instance] = std::static_pointer_cast<Service>(made);
        break;
      case Role::notify:
        notifiers.push_back({instance.instance, std::static_pointer_cast<Notifier>(made),
                             instance.notifier().batch_wait, instance.notifier().min_interval});
        break;
    }
  }
  return notifiers;
}

// The dispatcher over the targets, woken by commits; the notification sender
// over the notifiers, with the dispatcher's back-off and intervals.
void build_delivery(Pipeline& pipeline, Metrics& metrics, std::vector<NotifierSlot> notifiers) {
  const QueueSettings& queue = pipeline.config.queue;
  DispatchSettings dispatch{
      {queue.retry_initial, queue.retry_max},
      queue.probe_interval,
      queue.idle_interval,
      queue.anchors,
      [&live = pipeline.live] { live.changed(kQueueTopic | kHistoryTopic | kTargetsTopic); }};
  NotificationOutbox* outbox = pipeline.outbox.get();
  pipeline.dispatcher = std::make_unique<Dispatcher>(
      pipeline.queue(), *pipeline.intake, pipeline.targets, dispatch, metrics,
      outbox && outbox->has_subscribers() ? outbox : nullptr, pipeline.clock);
  // What a commit queues is due minimum_age later at the earliest; an idle
  // target looks again within idle_interval anyway, and a target woken
  // before anything is due only goes back to sleep. So the wake-up (a
  // thread switch and a read transaction per commit) is only worth it when
  // minimum_age is shorter than idle_interval. Another instance's commit,
  // heard through the store (PostgreSQL's NOTIFY), on the same terms.
  if (queue.minimum_age < queue.idle_interval) {
    pipeline.commit_wakeup.connect([&dispatcher = *pipeline.dispatcher] { dispatcher.wake(); });
    pipeline.queue().on_remote_events([&wakeup = pipeline.commit_wakeup] { wakeup.wake(); });
  }
  if (outbox)
    pipeline.sender = std::make_unique<NotificationSender>(
        *outbox, std::move(notifiers),
        NotifySettings{dispatch.backoff, dispatch.probe_interval, dispatch.idle_interval},
        pipeline.clock);
}

// Webhooks through their sources into the source ingest, kept as dead
// letters when they fail; pass URLs (a secret path instead of a credential).
void build_webhooks(Pipeline& pipeline) {
  const Config& config = pipeline.config;
  pipeline.webhooks = std::make_unique<WebhookDelivery>(
      pipeline.sources, *pipeline.source_ingest, pipeline.dead_letters(),
      static_cast<std::int64_t>(config.server.max_paths_per_request),
      [&live = pipeline.live] { live.changed(kDeadLettersTopic); });
  std::vector<PassSource> passes;
  for (const auto& source : pipeline.sources) {
    const InstanceConfig* instance = config.find(Role::source, source.name);
    if (!instance->source().pass.empty())
      passes.push_back({source.name, instance->source().pass, source.forwarding});
  }
  pipeline.pass_routes = std::make_unique<SourcePassRoutes>(std::move(passes), *pipeline.webhooks);
}

// One poller per polled source. One instance at a time polls (several on
// PostgreSQL share one queue): the one holding the poller's lock.
void build_pollers(Pipeline& pipeline) {
  for (const auto& source : pipeline.sources) {
    if (source.webhook) continue;
    pipeline.pollers.push_back(std::make_unique<Poller>(
        source.name, std::static_pointer_cast<PollingSource>(source.instance),
        [&queue = pipeline.queue(), lock = "poller " + source.name] {
          return queue.hold_lock(lock);
        },
        pipeline.clock));
  }
}

// The gauges of the queue, the targets and the notifiers, each removed with
// the pipeline (before the parts it reads).
void add_gauges(Pipeline& pipeline, Metrics& metrics) {
  QueueStore& queue = pipeline.queue();
  const TimeSource& clock = pipeline.clock;
  const auto seconds_since = [&clock](Millis since) {
    return since == 0 ? 0.0 : static_cast<double>(clock.millis() - since) / 1000.0;
  };
  auto& gauges = pipeline.gauges;
  gauges.push_back(
      metrics.scoped_gauge("scanhook_queue_depth", "folders waiting for at least one target",
                           [&queue] { return static_cast<double>(queue.folder_count()); }));
  gauges.push_back(metrics.scoped_gauge(
      "scanhook_oldest_due_seconds", "how long the longest-waiting due delivery has been due",
      [&queue, &clock, seconds_since] { return seconds_since(queue.oldest_due(clock.millis())); }));
  for (const auto& target : pipeline.targets) {
    const Labels labels{{"target", target.name}};
    gauges.push_back(metrics.scoped_gauge(
        "scanhook_target_failing_seconds",
        "how long every answer of the target has been a pause or a retry (0: it works)",
        [&dispatcher = *pipeline.dispatcher, seconds_since, name = target.name] {
          return seconds_since(dispatcher.failing_since(name));
        },
        labels));
    gauges.push_back(metrics.scoped_gauge(
        "scanhook_target_queued_folders", "folders the target still owes a scan",
        [&queue, name = target.name] { return static_cast<double>(queue.delivery_count(name)); },
        labels));
  }
  if (!pipeline.outbox) return;
  for (const auto& instance : pipeline.config.instances) {
    if (instance.role != Role::notify) continue;
    gauges.push_back(metrics.scoped_gauge("scanhook_notifications_waiting",
                                          "notifications kept until the notifier takes them",
                                          [&outbox = *pipeline.outbox, name = instance.instance] {
                                            return static_cast<double>(outbox.waiting(name));
                                          },
                                          {{"notifier", instance.instance}}));
  }
}

}  // namespace

std::unique_ptr<Intake> PipelineBuilder::intake() const {
  std::vector<SourceRules> sources;
  std::vector<TargetRules> targets;
  const auto rules_of = [&](const std::string& section, const PathRuleSettings& s) {
    try {
      return PathRules(s.rewrite, s.include, s.exclude);
    } catch (const std::invalid_argument& error) {
      // The validator checks each rule; this is what it cannot see alone.
      throw ConfigError(config_.where(section) + ": " + error.what());
    }
  };
  for (const auto& instance : config_.instances) {
    if (instance.role == Role::service || instance.role == Role::notify) continue;
    if (instance.role == Role::target) {
      const TargetSettings& target = instance.target();
      targets.push_back(
          {instance.instance, rules_of(instance.section, target.rules), target.scan_origin});
      continue;
    }
    const SourceSettings& source = instance.source();
    std::string origin = source.origin_target;
    if (!origin.empty() && !config_.find(Role::target, origin))
      throw ConfigError(config_.where(instance.section, "origin_target") +
                        ": there is no [target." + origin + "]");
    if (origin.empty() && config_.find(Role::target, instance.instance)) origin = instance.instance;
    sources.push_back(
        {instance.instance, rules_of(instance.section, source.rules), source.priority, origin});
  }
  sources.push_back(
      {kManualSource, rules_of("manual", config_.manual.rules), config_.manual.priority, ""});
  return std::make_unique<Intake>(std::move(sources), std::move(targets));
}

void PipelineBuilder::check(const InstanceConfig& instance) const {
  const auto failure =
      instance.plugin->check(instance.kind, instance.instance, instance.plugin_config);
  if (!failure) return;
  throw ConfigError(config_.where(instance.section, failure->key) + ": " + failure->message);
}

void PipelineBuilder::check_source_names(const InstanceConfig& instance,
                                         ValidationReport& report) const {
  for (const ConfigKey* key : source_name_keys(instance)) {
    const std::string named = instance.plugin_config.string(key->name);
    if (named.empty()) continue;
    const std::string where = config_.where(instance.section, key->name) + ": ";
    const InstanceConfig* source = config_.find(Role::source, named);
    if (named == instance.instance)
      throw ConfigError(where +
                        "names this section itself: name the source that should take "
                        "these webhooks, or leave it empty");
    if (!source) {
      if (config_.ini.line_of(instance.section, key->name) == 0) {
        report.warnings.push_back(where + "no [source." + named + "] takes what the default (" +
                                  named + ") names: such webhooks are refused (400); add [source." +
                                  named + "], or set " + key->name + " = to refuse them");
        continue;
      }
      std::vector<std::string> webhook_sources;
      for (const auto& other : config_.instances)
        if (other.role == Role::source && other.kind == kWebhookSource)
          webhook_sources.push_back(other.instance);
      throw ConfigError(where + "there is no [source." + named + "]" +
                        did_you_mean(named, webhook_sources));
    }
    const std::string plugin = " (plugin " + source->plugin->name() + ")";
    if (source->kind != kWebhookSource)
      throw ConfigError(where + "[source." + named + "]" + plugin +
                        " is polled: it takes no webhooks");
    if (!source_name_keys(*source).empty())
      throw ConfigError(where + "[source." + named + "]" + plugin +
                        " hands webhooks on itself: name the source that takes them (one hop "
                        "only)");
    if (source->plugin->name() != key->name) {
      const std::string other = "[source." + named + "] is a " + source->plugin->name() +
                                " source, not a " + key->name + " one: it refuses what " +
                                key->name + " hands it";
      if (config_.ini.line_of(instance.section, key->name) != 0)
        throw ConfigError(where + other + "; name a source with plugin = " + key->name);
      report.warnings.push_back(where + other + " (" + named + " is the default); set " +
                                key->name + " = a source with plugin = " + key->name +
                                ", or leave it empty to refuse such webhooks");
    }
  }
}

std::shared_ptr<Instance> PipelineBuilder::create(const InstanceConfig& instance,
                                                  Host& host) const {
  if (mode_ != BuildMode::serve)
    throw std::logic_error("validate-only mode creates no plugin instance");
  check(instance);
  auto made =
      instance.plugin->create(instance.kind, instance.instance, instance.plugin_config, host);
  if (!made)
    throw ConfigError(config_.where(instance.section) + ": the plugin " + instance.plugin->name() +
                      " refused the configuration: " + made.error().message);
  return std::move(made).value();
}

void PipelineBuilder::check_database_place() const {
  // What opening the database would trip over, found without creating anything.
  namespace fs = std::filesystem;
  if (is_postgres_url(config_.server.database)) return;  // a server's, not a file
  const fs::path file = config_.server.database;
  const auto refuse = [&](const std::string& why) {
    throw ConfigError(config_.where("server", "database") + ": " + why);
  };
  std::error_code error;
  if (fs::exists(file, error)) {
    if (fs::is_directory(file, error)) refuse(file.string() + " is a folder, not a database file");
    if (!fs::is_regular_file(file, error))
      refuse(file.string() + " is not a regular file (a device or a pipe): name a database file");
    if (const auto unfit = database_filesystem_refusal(file)) refuse(*unfit);
    if (::access(file.c_str(), R_OK | W_OK) != 0)
      refuse("cannot open " + file.string() + " for reading and writing: " + std::strerror(errno));
    // An empty file is a new database; any other must start as SQLite's do.
    static constexpr char kSqliteHeader[] = "SQLite format 3";  // and its NUL: 16 bytes
    char header[sizeof kSqliteHeader] = {};
    std::ifstream in(file, std::ios::binary);
    in.read(header, sizeof header);
    if (in.gcount() > 0 &&
        (in.gcount() != sizeof header || std::memcmp(header, kSqliteHeader, sizeof header) != 0))
      refuse(file.string() +
             " is not an SQLite database (it does not start as one): name a new file, or the "
             "database scanhookd made");
    return;
  }
  fs::path existing = file.has_parent_path() ? file.parent_path() : fs::path(".");
  while (!existing.empty() && existing != existing.root_path() && !fs::exists(existing, error)) {
    // A link to nothing stands where the folder would be made.
    if (fs::is_symlink(fs::symlink_status(existing, error)))
      refuse("cannot create the folder " + file.parent_path().string() +
             " for the database: " + existing.string() + " is a symbolic link to " +
             fs::read_symlink(existing, error).string() + ", which does not exist");
    existing = existing.parent_path();
  }
  if (existing.empty()) existing = ".";
  if (!fs::is_directory(existing, error))
    refuse("cannot create the folder " + file.parent_path().string() +
           " for the database: " + existing.string() + " is not a folder");
  // Root's access() below says yes on procfs and the like.
  if (const auto unfit = database_filesystem_refusal(existing))
    refuse("cannot create the database " + file.string() + ": " + *unfit);
  if (::access(existing.c_str(), W_OK | X_OK) != 0)
    refuse("cannot create the database " + file.string() + " in " + existing.string() + ": " +
           std::strerror(errno));
}

std::unique_ptr<Pipeline> PipelineBuilder::build(Metrics& metrics, TimeSource& clock) const {
  if (mode_ != BuildMode::serve) throw std::logic_error("validate-only mode builds no pipeline");
  auto pipeline = std::make_unique<Pipeline>(config_, clock);
  pipeline->store = open_store(store_settings(config_));
  pipeline->outbox = pipeline->store->open_outbox(subscriptions(config_));
  pipeline->intake = intake();
  expect_files(*pipeline);
  build_ingest(*pipeline, metrics);
  auto notifiers = build_instances(*pipeline, *this);
  build_delivery(*pipeline, metrics, std::move(notifiers));
  build_webhooks(*pipeline);
  build_pollers(*pipeline);
  pipeline->history_pruner =
      std::make_unique<HistoryPruner>(pipeline->queue(), config_.queue.history_retention, clock);
  pipeline->live.add_metrics(metrics);
  add_gauges(*pipeline, metrics);
  return pipeline;
}

ValidationReport PipelineBuilder::validate() const {
  ValidationReport report;
  std::string problems;
  const auto collect = [&](const auto& step) {
    try {
      step();
    } catch (const ConfigError& error) {
      problems += error.what();
      if (problems.back() != '\n') problems += '\n';
    }
  };
  // Serving opens the database itself, and tells a storage fault (exit 73,
  // restarted) from a configuration error (78, not restarted).
  if (mode_ == BuildMode::validate_only) collect([&] { check_database_place(); });
  collect([&] { intake(); });
  for (const auto& instance : config_.instances) {
    collect([&] { check_source_names(instance, report); });
    if (!instance.plugin->has_check()) {
      const Descriptor& d = instance.plugin->descriptor();
      const std::string plugin = "[" + instance.section + "] plugin " + instance.plugin->name();
      const std::string unchecked = ": its keys are checked, its own refusals show only at start";
      report.unchecked.push_back(
          d.abi_minor >= 2 ? plugin + " has no check of its own" + unchecked
                           : plugin + " is built against SDK " + std::to_string(d.abi_major) + "." +
                                 std::to_string(d.abi_minor) + " (no check)" + unchecked +
                                 "; rebuild it against SDK 1.2 to check them here");
      continue;
    }
    collect([&] { check(instance); });
  }
  if (!problems.empty()) throw ConfigError(problems);
  return report;
}

}  // namespace scanhook::core
