// The composition root: the one place that turns a validated Config into the
// running pipeline (store, intake, ingest, every plugin instance, dispatcher,
// pollers: Pipeline), in serve mode for the daemon, or only checks it in
// validate-only mode for `scanhookd --check-config`, so "configuration OK"
// means start-up would get past every one of these steps.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "scanhook/core/config/config.hpp"
#include "scanhook/core/pipeline/intake.hpp"
#include "scanhook/core/pipeline/metrics.hpp"
#include "scanhook/core/pipeline/pipeline.hpp"
#include "scanhook/core/time_source.hpp"
#include "scanhook/host.hpp"
#include "scanhook/instance.hpp"

namespace scanhook::core {

// The built-in sources: the manual form and POST /api/scan.
inline constexpr const char* kManualSource = "manual";
inline constexpr const char* kApiSource = "api";

enum class BuildMode {
  serve,          // instances are created (create runs the plugin's check first)
  validate_only,  // nothing is created, opened, started or written: plugins' check only
};

// What validate-only mode could not check: one line per instance of a plugin
// built before SDK 1.2 (no check), whose own refusals show only at start;
// and what fits but may surprise ("FILE:LINE: [section] key: why").
struct ValidationReport {
  std::vector<std::string> unchecked;
  std::vector<std::string> warnings;
};

class PipelineBuilder {
 public:
  PipelineBuilder(const Config& config, BuildMode mode) : config_(config), mode_(mode) {}

  // The sources' and targets' path rules and origins. Throws ConfigError
  // ("FILE:LINE: [section] key: why").
  std::unique_ptr<Intake> intake() const;
  // The plugin's side-effect-free check of one section (SDK 1.2; nothing
  // for older plugins). Throws ConfigError naming the key the plugin names.
  void check(const InstanceConfig& instance) const;
  // Each plugin key of type source_name (SDK 1.2) names another webhook
  // source that takes webhooks itself and runs the plugin the key is named
  // after: one hop only, as the engine hands them on. Throws ConfigError; a
  // default naming no section, or a section of another plugin, is a warning.
  void check_source_names(const InstanceConfig& instance, ValidationReport& report) const;
  // serve mode: check, then the instance, living on `host`. Throws ConfigError.
  std::shared_ptr<Instance> create(const InstanceConfig& instance, Host& host) const;

  // The [server] database file can be opened, or its folder made (serve
  // mode makes it; this only looks). Throws ConfigError.
  void check_database_place() const;

  // Every step above for the whole configuration, creating nothing (in
  // validate-only mode also check_database_place; serve mode lets opening the
  // database say it). Throws ConfigError listing every problem, one per line.
  ValidationReport validate() const;

  // serve mode: the whole pipeline, built in dependency order (Pipeline's
  // members), its counters and gauges in `metrics` (which must outlive it),
  // every timed part on `clock` (real_time() in the daemon; a test's
  // ManualTime). Nothing is started but the ingest's commit threads. Throws
  // ConfigError (a plugin refused its section), SqlError or PostgresError
  // (the database cannot be opened).
  std::unique_ptr<Pipeline> build(Metrics& metrics, TimeSource& clock) const;

 private:
  const Config& config_;
  BuildMode mode_;
};

}  // namespace scanhook::core
