#include "scanhook/core/plugins/plugin_commands.hpp"

#include <Poco/Logger.h>

#include <memory>
#include <ostream>

#include "scanhook/core/plugins/instance_host.hpp"
#include "scanhook/core/store/database.hpp"
#include "scanhook/core/store/sqlite_plugin_store.hpp"
#include "scanhook/core/store/store.hpp"

namespace scanhook::core {

namespace {

// The Host a CommandSet is made with: it has no instance, so it only logs.
class LoggingHost final : public Host {
 public:
  explicit LoggingHost(const std::string& plugin)
      : logger_(Poco::Logger::get("scanhook." + plugin)) {}

  void log(LogLevel level, const std::string& message) noexcept override {
    log_plugin_line(logger_, level, message);
  }
  bool submit(const std::vector<ScanEvent>&) noexcept override { return false; }
  std::optional<std::string> load(const std::string&) noexcept override { return std::nullopt; }
  std::vector<std::string> keys(const std::string&) noexcept override { return {}; }
  bool store_all(const std::vector<KeyValueChange>&) noexcept override { return false; }

 private:
  Poco::Logger& logger_;
};

// One plugin's CommandSet and the host it was made with (declared first, so
// it outlives the set).
struct LoadedCommands {
  std::unique_ptr<LoggingHost> host;
  std::shared_ptr<CommandSet> set;
};

std::optional<LoadedCommands> load_commands(const PluginLibrary& library) {
  if (!library.offers(kCommands)) return std::nullopt;
  LoadedCommands loaded{std::make_unique<LoggingHost>(library.name()), nullptr};
  auto made = library.create(kCommands, library.name(), ConfigView(), *loaded.host);
  if (!made) {
    loaded.host->log(LogLevel::warning, "its commands could not be made: " + made.error().message);
    return std::nullopt;
  }
  loaded.set = std::static_pointer_cast<CommandSet>(*made);
  return loaded;
}

// What a running command may reach: its plugin's configured instances, made
// on the daemon's database (opened on first use): the SQLite file, or the
// PostgreSQL database every instance shares.
class RunningCommandHost final : public CommandHost {
 public:
  RunningCommandHost(const Config& config, std::string plugin, std::ostream& out, std::ostream& err)
      : config_(config), plugin_(std::move(plugin)), out_(out), err_(err) {}

  std::vector<std::string> instances(Kind kind) noexcept override {
    std::vector<std::string> names;
    for (const auto& instance : config_.instances)
      if (instance.kind == kind && instance.plugin->name() == plugin_)
        names.push_back(instance.instance);
    return names;
  }

  OpenedInstance open(Kind kind, const std::string& name) noexcept override {
    const InstanceConfig* section = nullptr;
    for (const auto& instance : config_.instances)
      if (instance.kind == kind && instance.plugin->name() == plugin_ && instance.instance == name)
        section = &instance;
    if (section == nullptr)
      return {nullptr, "no " + std::string(kind_name(kind)) + " " + name + " of plugin " + plugin_,
              78};
    try {
      hosts_.push_back(std::make_unique<InstanceHost>(
          section->instance, plugin_store(),
          [](const std::string&, const std::vector<ScanEvent>&) { return false; }));
      auto made =
          section->plugin->create(kind, section->instance, section->plugin_config, *hosts_.back());
      if (!made) return {nullptr, "[" + section->section + "] " + made.error().message, 78};
      return {std::move(made).value(), "", 0};
    } catch (const std::exception& error) {
      return {nullptr, error.what(), 1};
    }
  }

  std::ostream& out() noexcept override { return out_; }
  std::ostream& err() noexcept override { return err_; }

 private:
  // Opens the daemon's store on first use; throws SqlError when it cannot.
  PluginStore& plugin_store() {
    if (plugins_ != nullptr) return *plugins_;
    const std::string& name = config_.server.database;
    if (is_postgres_url(name)) {
      StoreSettings settings{name, config_.server.database_password, plugin_};
      settings.minimum_age = config_.queue.minimum_age;  // as the daemons': unchanged
      settings.lease = config_.queue.lease;
      shared_ = open_store(settings);
      plugins_ = &shared_->plugins();
    } else {
      // The plugin store alone: the queue's lock stays with a running daemon.
      database_ = std::make_unique<Database>(name);
      file_store_ = std::make_unique<SqlitePluginStore>(*database_);
      plugins_ = file_store_.get();
    }
    return *plugins_;
  }

  const Config& config_;
  std::string plugin_;
  std::ostream& out_;
  std::ostream& err_;
  // Declared before the instances' hosts: they use them.
  std::unique_ptr<Store> shared_;
  std::unique_ptr<Database> database_;
  std::unique_ptr<SqlitePluginStore> file_store_;
  PluginStore* plugins_ = nullptr;
  std::vector<std::unique_ptr<InstanceHost>> hosts_;
};

}  // namespace

std::vector<PluginCommand> plugin_commands(const PluginCatalog& catalog) {
  std::vector<PluginCommand> commands;
  for (const auto& [name, library] : catalog.loaded())
    if (const auto loaded = load_commands(*library))
      for (auto& help : loaded->set->commands()) commands.push_back({name, std::move(help)});
  return commands;
}

std::optional<int> run_plugin_command(const Config& config, const PluginCatalog& catalog,
                                      const std::string& command,
                                      const std::vector<std::string>& words, std::ostream& out,
                                      std::ostream& err) {
  for (const auto& [name, library] : catalog.loaded()) {
    const auto loaded = load_commands(*library);
    if (!loaded) continue;
    for (const auto& help : loaded->set->commands()) {
      if (help.name != command) continue;
      RunningCommandHost host(config, name, out, err);
      return loaded->set->run(command, words, host);
    }
  }
  return std::nullopt;
}

}  // namespace scanhook::core
