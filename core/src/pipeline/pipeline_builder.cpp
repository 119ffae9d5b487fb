#include "scanhook/core/pipeline/pipeline_builder.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "scanhook/core/config/suggestion.hpp"
#include "scanhook/core/pipeline/path_rules.hpp"

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
  const fs::path file = config_.server.database;
  const auto refuse = [&](const std::string& why) {
    throw ConfigError(config_.where("server", "database") + ": " + why);
  };
  std::error_code error;
  if (fs::exists(file, error)) {
    if (fs::is_directory(file, error)) refuse(file.string() + " is a folder, not a database file");
    if (!fs::is_regular_file(file, error))
      refuse(file.string() + " is not a regular file (a device or a pipe): name a database file");
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
  if (::access(existing.c_str(), W_OK | X_OK) != 0)
    refuse("cannot create the database " + file.string() + " in " + existing.string() + ": " +
           std::strerror(errno));
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
