#include "scanhook/core/app/daemon.hpp"

#include <Poco/AutoPtr.h>
#include <Poco/ConsoleChannel.h>
#include <Poco/Exception.h>
#include <Poco/FormattingChannel.h>
#include <Poco/Logger.h>
#include <Poco/PatternFormatter.h>
#include <Poco/Util/Option.h>
#include <Poco/Util/OptionException.h>
#include <Poco/Util/OptionProcessor.h>
#include <Poco/Util/OptionSet.h>

#include <csignal>
#include <filesystem>
#include <iostream>

#include "scanhook/core/app/database_check_command.hpp"
#include "scanhook/core/app/doctor_command.hpp"
#include "scanhook/core/app/startup_banner.hpp"
#include "scanhook/core/app/version.hpp"
#include "scanhook/core/config/command_line.hpp"
#include "scanhook/core/config/default_config.hpp"
#include "scanhook/core/config/environment_settings.hpp"
#include "scanhook/core/http/http_subsystem.hpp"
#include "scanhook/core/pipeline/engine_subsystem.hpp"
#include "scanhook/core/pipeline/pipeline_builder.hpp"
#include "scanhook/core/plugins/plugin_commands.hpp"
#include "scanhook/core/store/storage_fault.hpp"
#include "scanhook/core/text/counted.hpp"
#include "scanhook/core/web/login_routes.hpp"
#include "scanhook/core/web/status_routes.hpp"
#include "scanhook/core/web/web_routes.hpp"

namespace scanhook::core {

namespace {

void set_up_logging(LogPriority level) {
  Poco::AutoPtr<Poco::PatternFormatter> pattern(
      new Poco::PatternFormatter("%Y-%m-%d %H:%M:%S.%i %q %s: %t"));
  Poco::AutoPtr<Poco::FormattingChannel> channel(
      new Poco::FormattingChannel(pattern, new Poco::ConsoleChannel));
  Poco::Logger::root().setChannel(channel);
  Poco::Logger::root().setLevel(static_cast<int>(level));
  Poco::Logger::setLevel("", static_cast<int>(level));
}

std::string kind_list(std::uint32_t kinds) {
  std::string out;
  for (const Kind kind : kAllKinds)
    if (kinds & kind) out += (out.empty() ? "" : ", ") + std::string(kind_name(kind));
  return out;
}

// The INI file named by --config FILE, -c FILE or --config=FILE, or "".
std::string config_path_in(const std::vector<std::string>& arguments) {
  for (std::size_t i = 1; i < arguments.size(); ++i) {
    const std::string& word = arguments[i];
    if ((word == "--config" || word == "-c") && i + 1 < arguments.size()) return arguments[i + 1];
    if (word.rfind("--config=", 0) == 0) return word.substr(9);
  }
  return {};
}

bool pid_file_folder_exists(const std::string& file) {
  const std::filesystem::path folder = std::filesystem::path(file).parent_path();
  std::error_code error;
  return folder.empty() || std::filesystem::is_directory(folder, error);
}

IniFile read_configuration(const std::string& path) {
  return path.empty() ? parse_ini(default_config_text(), "(built-in etc/scanhook.ini)")
                      : read_ini_file(path);
}

}  // namespace

Daemon::Daemon(std::vector<std::string> plugin_words)
    : plugin_words_(std::move(plugin_words)), start_directory_(std::filesystem::current_path()) {
  setUnixOptions(true);
}

Daemon::~Daemon() {
  // The subsystems outlive this class's members (Poco's Application owns
  // them); the pipeline reads metrics_, so it goes first.
  if (engine_) engine_->release();
}

void Daemon::defineOptions(Poco::Util::OptionSet& options) {
  ServerApplication::defineOptions(options);
  options.addOption(Poco::Util::Option("help", "h", "show this help and exit"));
  options.addOption(Poco::Util::Option("version", "v", "print the version and exit"));
  options.addOption(
      Poco::Util::Option("config", "c", "the INI file (default: the built-in etc/scanhook.ini)")
          .argument("FILE"));
  options.addOption(Poco::Util::Option("check-config", "",
                                       "validate the configuration and its plugins, then exit"));
}

int Daemon::run_command_line(int argc, char** argv) {
  // Poco answers an option it does not know with 78 (a configuration error,
  // which systemd does not restart on); a mistyped command line is a usage error.
  Poco::Util::OptionSet options;
  defineOptions(options);
  Poco::Util::OptionProcessor processor(options);
  processor.setUnixStyle(true);
  try {
    for (int i = 1; i < argc; ++i) {
      std::string name;
      std::string value;
      processor.process(argv[i], name, value);
      if (name.empty()) continue;
      // Poco checks these values only while starting, and answers 78.
      if (const auto problem = option_value_problem(name, value)) {
        std::cerr << "scanhookd: " << *problem << " (try --help)\n";
        return EXIT_USAGE;
      }
      if (name == "pidfile" && !pid_file_folder_exists(value)) {
        std::cerr << "scanhookd: cannot create the pid file " << value
                  << ": its folder does not exist\n";
        return EXIT_CANTCREAT;
      }
    }
    processor.checkRequired();
  } catch (const Poco::Util::OptionException& error) {
    std::cerr << "scanhookd: " << error.displayText() << " (try --help)\n";
    return EXIT_USAGE;
  }
  return run(argc, argv);
}

void Daemon::handleOption(const std::string& name, const std::string& value) {
  ServerApplication::handleOption(name, value);
  if (name == "help") {
    print_help();
    stop_after_options_ = true;
    stopOptionsProcessing();
  } else if (name == "version") {
    std::cout << "scanhookd " << kVersion << " (plugin SDK " << kAbiMajor << "." << kAbiMinor
              << ", " << kToolchainTag << ")\n";
    stop_after_options_ = true;
    stopOptionsProcessing();
  } else if (name == "config") {
    config_path_ = value;
  } else if (name == "check-config") {
    check_only_ = true;
  }
}

std::string Daemon::default_plugin_dir() const {
  const std::filesystem::path beside_binary =
      std::filesystem::path(config().getString("application.dir")) / ".." / "lib" / "scanhook" /
      "plugins";
  return beside_binary.lexically_normal().string();
}

// The commands of the plugins in the configuration's plugin_dir, for --help.
std::vector<HelpEntry> Daemon::plugin_commands_help() const {
  std::vector<HelpEntry> entries;
  try {
    IniFile ini = read_configuration(config_path_in(argv()));
    apply_environment(ini, process_environment());
    const auto catalog = PluginCatalog::scan(plugin_dir_of(ini, default_plugin_dir()));
    for (const auto& command : plugin_commands(catalog))
      entries.push_back({command.help.name + " " + command.help.synopsis,
                         command.plugin + " plugin: " + command.help.summary});
  } catch (const std::exception& error) {
    entries.push_back({"(plugins' commands)", "unknown: " + std::string(error.what())});
  }
  return entries;
}

void Daemon::print_help() const {
  std::vector<HelpEntry> commands = {
      {"(none)", "run the daemon"},
      {"plugins", "list the plugins in plugin_dir: name, version, kinds, file, and refusals"},
      {"db check", "check the database file without changing it (integrity, owner)"},
      {"doctor [PATH ...]",
       "probe every target (reachable, credentials) and show, for each PATH, the library each "
       "target would scan and the exact request"}};
  for (auto& entry : plugin_commands_help()) commands.push_back(std::move(entry));
  std::cout << help_text(commandName(), commands, option_entries(options()),
                         {{"0", "ok"},
                          {"1", "doctor found a problem (a target not ready, or none configured)"},
                          {"64", "usage error (an unknown option, a bad option value)"},
                          {"65", "damaged database"},
                          {"66", "no database to check (db check)"},
                          {"70", "internal error"},
                          {"73", "cannot create the database or the --pidfile"},
                          {"74", "disk or I/O error"},
                          {"75",
                           "the listen address is taken or cannot be bound now "
                           "(the systemd unit restarts on it)"},
                          {"78", "configuration error (the systemd unit does not restart on it)"}});
}

namespace {

// SIGINT, SIGQUIT and SIGTERM blocked before the first thread starts, so every
// thread inherits the mask and waitForTerminationRequest's sigwait takes them:
// a SIGTERM that arrived before the main thread reached the wait would
// otherwise kill the process on another thread, without the clean stop.
// (Children the command target spawns get an empty mask: program_run.cpp.)
void block_termination_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGQUIT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
}

}  // namespace

void Daemon::initialize(Poco::Util::Application& self) {
  if (config().getBool("application.runAsDaemon", false)) {
    std::error_code unreachable;
    std::filesystem::current_path(start_directory_, unreachable);
  }
  if (!stop_after_options_) {
    load_configuration();
    // Said before anything listens, so they lead the log.
    const bool loaded = !usage_error_ && !config_error_;
    if (loaded)
      for (const auto& warning : config_->warnings) logger().warning(warning);
    if (loaded && command_.empty() && !check_only_) {
      block_termination_signals();
      add_daemon_subsystems();
    }
  }
  try {
    ServerApplication::initialize(self);
  } catch (const SqlError& error) {
    // Poco would answer 78 (configuration error), which systemd does not
    // restart on; a full or read-only disk is not the configuration's fault.
    const StorageFault fault = storage_fault(error);
    logger().fatal("cannot open the database: %s\n%s", std::string(error.what()), remedy(fault));
    startup_exit_code_ = exit_code(fault);
  } catch (const ListenError& error) {
    logger().fatal(error.what());
    startup_exit_code_ = EXIT_TEMPFAIL;
  }
}

void Daemon::load_configuration() {
  const ArgVec& arguments = argv();
  // Words that are not options (nor an option's argument) are the command and its words.
  for (std::size_t i = 1; i < arguments.size(); ++i) {
    const std::string& word = arguments[i];
    if (word.empty() || word[0] == '-') {
      if (word == "--config" || word == "-c" || word == "--pidfile" || word == "--umask") ++i;
      continue;
    }
    if (command_.empty())
      command_ = word;
    else
      command_words_.push_back(word);
  }
  usage_error_ = command_usage_problem(command_, command_words_, check_only_);
  if (usage_error_) return;
  IniFile ini;
  try {
    ini = read_configuration(config_path_);
    apply_environment(ini, process_environment());
    const std::string plugin_dir = plugin_dir_of(ini, default_plugin_dir());
    // `plugins` lists every plugin and a plugin's command is looked for in all
    // of them; serving, checking, `db` and `doctor` load only those the INI names.
    const bool every_plugin = !command_.empty() && command_ != "db" && command_ != "doctor";
    catalog_ = std::make_unique<PluginCatalog>(
        every_plugin ? PluginCatalog::scan(plugin_dir)
                     : PluginCatalog::load_named(plugin_dir, plugins_named_by(ini)));
    config_ = std::make_unique<Config>(validate_config(ini, *catalog_));
    const ServerSettings& server = config_->server;
    set_up_logging(server.log_level);
    const std::string& host = server.listen.host;
    const bool has_credentials = server.has_credentials();
    if (!is_loopback_host(host) && !has_credentials && !server.allow_unauthenticated)
      throw ConfigError(config_->where("server", "listen") + ": " + host +
                        " is reachable from other machines and no username/password is set; "
                        "set [server] username and password, or allow_unauthenticated = true");
    if (!is_loopback_host(host) && !has_credentials && server.server_names.empty())
      config_->warnings.push_back(
          "[server] listen: " + host +
          " without credentials answers only requests whose Host is loopback (others get 421); "
          "add a [server] server_name for each name or address clients use");
    // Serve and check run the same validate-only build first, before anything
    // is opened: a configuration the check passes gets past these steps at start.
    if (command_.empty()) {
      validation_ =
          PipelineBuilder(*config_, check_only_ ? BuildMode::validate_only : BuildMode::serve)
              .validate();
      for (const auto& warning : validation_.warnings) config_->warnings.push_back(warning);
    }
  } catch (const ConfigError& error) {
    config_error_ = error.what();
  }
}

void Daemon::add_daemon_subsystems() {
  add_process_metrics(metrics_);
  // Subsystems start in this order and stop in reverse: the engine runs
  // before the server listens and until it has stopped.
  const ServerSettings& server = config_->server;
  user_auth_ = std::make_unique<UserAuth>(
      server.username, server.password,
      std::chrono::duration_cast<std::chrono::seconds>(server.session_idle_timeout),
      DoorRules{server.server_names, TrustedProxies(server.trusted_proxies)});
  auto* engine = engine_ = new EngineSubsystem(*config_, router_, metrics_, real_time());
  addSubsystem(engine);
  add_status_routes(router_, *catalog_, metrics_, [engine] { return engine->database_status(); });
  add_login_routes(router_, *user_auth_);
  add_web_routes(router_, *user_auth_, *config_);
  http_ =
      new HttpSubsystem(*config_, router_, metrics_,
                        [auth = user_auth_.get()](const HttpRequest& request, const Route& route,
                                                  const RouteParams& params) {
                          return auth->refusal(request, route, params);
                        });
  addSubsystem(http_);
}

int Daemon::list_plugins() const {
  std::cout << "plugins in " << catalog_->folder().string() << ":\n";
  for (const auto& [name, library] : catalog_->loaded()) {
    const Descriptor& d = library->descriptor();
    std::cout << "  " << name << " " << d.version << "  [" << kind_list(d.kinds) << "]  "
              << library->file().string() << "\n      " << d.summary << "\n";
  }
  if (catalog_->loaded().empty()) std::cout << "  (none loaded)\n";
  if (const auto& unlisted = catalog_->folder_error()) std::cout << "  " << *unlisted << "\n";
  for (const auto& [stem, message] : catalog_->rejected())
    std::cout << "  refused: " << message << "\n";
  return EXIT_OK;
}

int Daemon::main(const ArgVec&) {
  if (stop_after_options_) return EXIT_OK;
  if (usage_error_) {
    std::cerr << "scanhookd: " << *usage_error_ << "\n";
    return EXIT_USAGE;
  }
  if (startup_exit_code_) return *startup_exit_code_;
  if (config_error_) {
    std::cerr << "scanhookd: configuration error\n" << *config_error_;
    if (config_error_->back() != '\n') std::cerr << "\n";
    return EXIT_CONFIG;
  }
  if (command_ == "plugins") return list_plugins();
  if (command_ == "db") return run_database_check(config_->server.database, std::cout, std::cerr);
  if (command_ == "doctor") return run_doctor(*config_, command_words_, std::cout);
  if (!command_.empty()) {
    if (const auto code =
            run_plugin_command(*config_, *catalog_, command_, plugin_words_, std::cout, std::cerr))
      return *code;
    std::cerr << "scanhookd: unknown command \"" << command_ << "\" (try --help)\n";
    return EXIT_USAGE;
  }
  if (check_only_) {
    for (const auto& line : validation_.unchecked) std::cout << "note: " << line << "\n";
    std::size_t counts[4] = {0, 0, 0, 0};
    for (const auto& instance : config_->instances) ++counts[static_cast<int>(instance.role)];
    std::cout << "configuration OK: " << config_->file << " (" << counted(counts[0], "source")
              << ", " << counted(counts[1], "target") << ", " << counted(counts[2], "service")
              << (counts[3] ? ", " + counted(counts[3], "notifier") : "") << "; plugins from "
              << config_->plugin_dir << ")\n";
    return EXIT_OK;
  }
  logger().information("scanhookd %s started with %s", std::string(kVersion), config_->file);
  const std::string base_url = webhook_base_url(config_->server.listen.host, http_->port());
  for (const auto& line : startup_banner(*config_, base_url)) logger().information(line);
  waitForTerminationRequest();
  logger().information("stopping");
  return EXIT_OK;
}

}  // namespace scanhook::core
