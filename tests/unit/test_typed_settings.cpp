// The validator fills the core's typed settings (settings.hpp) from the key
// tables (core_keys.hpp): defaults, set values in their units, and refusals
// naming FILE:LINE [section] key.
#include <catch2/catch.hpp>

#include <chrono>
#include <limits>
#include <string>
#include <variant>
#include <vector>

#include "scanhook/core/config/config.hpp"
#include "scanhook/core/config/core_keys.hpp"
#include "scanhook/core/config/ini_file.hpp"
#include "support/config_refusal.hpp"

using Catch::Matchers::Contains;
using scanhook::NotificationEvent;
using scanhook::core::Config;
using scanhook::core::CoreKey;
using scanhook::core::LogPriority;
using scanhook::core::parse_ini;
using scanhook::core::PluginCatalog;
using scanhook::core::Role;
using namespace std::chrono_literals;

namespace {

const PluginCatalog& built_plugins() {
  static const PluginCatalog catalog = PluginCatalog::scan(SCANHOOK_PLUGIN_BUILD_DIR);
  return catalog;
}

Config validate(const std::string& text) {
  return scanhook::core::validate_config(parse_ini(text, "test.ini"), built_plugins());
}

std::string error_of(const std::string& text) {
  return scanhook::testing::config_refusal([&] { validate(text); }, text);
}

// A value one below the key's lowest, as the INI writes it (a duration in ms).
template <class Settings>
std::string below_lowest(const CoreKey<Settings>& key) {
  const std::int64_t lowest = std::max(key.min, key.field.min);
  return std::to_string(lowest - 1) + (key.type == scanhook::ConfigType::duration ? "ms" : "");
}

// Each integer or duration key of a table with a lower bound is refused
// below it, on its own line, and accepted at it.
template <class Settings>
void check_lower_bounds(const std::string& section, const std::vector<CoreKey<Settings>>& keys,
                        const std::string& before) {
  for (const auto& key : keys) {
    if (key.type != scanhook::ConfigType::integer && key.type != scanhook::ConfigType::duration)
      continue;
    if (std::max(key.min, key.field.min) == std::numeric_limits<std::int64_t>::min()) continue;
    INFO(section << " " << key.name);
    const std::string value = below_lowest(key);
    CHECK_THAT(error_of(before + "[" + section + "]\n" + key.name + " = " + value + "\n"),
               Contains("[" + section + "] " + key.name + ": must be ") &&
                   Contains("found \"" + value + "\""));
  }
}

// Each integer or duration key of a table has an upper bound of its own,
// below its type's (a new-user trial: header_timeout = 999999999d passed and
// overflowed): refused one above it, naming it, and accepted at it.
template <class Settings>
void check_upper_bounds(const std::string& section, const std::vector<CoreKey<Settings>>& keys) {
  for (const auto& key : keys) {
    if (key.type != scanhook::ConfigType::integer && key.type != scanhook::ConfigType::duration)
      continue;
    INFO(section << " " << key.name);
    CHECK(key.max < std::numeric_limits<std::int64_t>::max());
    CHECK(key.max <= key.field.max);
    const std::string unit = key.type == scanhook::ConfigType::duration ? "ms" : "";
    const std::string above = std::to_string(key.max + 1) + unit;
    CHECK_THAT(error_of(section + "\n" + key.name + " = " + above + "\n"),
               Contains(section.substr(0, section.find(']') + 1) + " " + key.name + ": must be ") &&
                   Contains("found \"" + above + "\""));
    // retry_max must not be below retry_initial: raised with it.
    const std::string partner = key.name == std::string("retry_initial") ? "retry_max = 30d\n" : "";
    CHECK_NOTHROW(validate(section + "\n" + key.name + " = " + std::to_string(key.max) + unit +
                           "\n" + partner));
  }
}

}  // namespace

TEST_CASE("every integer and duration key of the core has an upper bound, refused above it",
          "[config][settings]") {
  check_upper_bounds("[server]", scanhook::core::server_keys());
  check_upper_bounds("[queue]", scanhook::core::queue_keys());
  check_upper_bounds("[manual]", scanhook::core::manual_keys());
  check_upper_bounds("[source.sonarr]", scanhook::core::source_keys());
  check_upper_bounds("[target.log]", scanhook::core::target_keys());
}

TEST_CASE("[server] reaches the core typed, with its defaults", "[config][settings]") {
  const auto server = validate("").server;
  CHECK(server.listen.text == "127.0.0.1:3030");
  CHECK(server.listen.host == "127.0.0.1");
  CHECK(server.listen.port == 3030);
  CHECK(server.database == "state/scanhook.db");
  CHECK(server.database_password.empty());
  CHECK(server.instance_name.empty());
  CHECK(server.username.empty());
  CHECK_FALSE(server.has_credentials());
  CHECK(server.session_idle_timeout == 12h);
  CHECK_FALSE(server.allow_unauthenticated);
  CHECK(server.max_body_size == 16777216);
  CHECK(server.max_paths_per_request == 10000);
  CHECK(server.server_names.empty());
  CHECK(server.trusted_proxies.empty());
  CHECK(server.request_timeout == 30s);
  CHECK(server.threads == 16);
  CHECK(server.header_timeout == 10s);
  CHECK(server.keep_alive_timeout == 10s);
  CHECK(server.min_body_rate == 65536);
  CHECK(server.max_connections == 4096);
  CHECK(server.max_connections_per_client == 2048);
  CHECK(server.access_log);
  CHECK(server.log_level == LogPriority::information);
}

TEST_CASE("[server] values reach their fields in their units", "[config][settings]") {
  const auto server =
      validate(
          "[server]\nlisten = [::1]:8080\ndatabase = /var/lib/x.db\ndatabase_password = dbpw\n"
          "instance_name = nas\nusername = admin\npassword = pw\n"
          "session_idle_timeout = 90m\nallow_unauthenticated = true\n"
          "max_body_size = 1024\nmax_paths_per_request = 7\n"
          "server_name = a.example\nserver_name = b.example:3030\n"
          "trusted_proxies = 10.0.0.0/8\nrequest_timeout = 1500ms\nthreads = 3\n"
          "header_timeout = 2s\nkeep_alive_timeout = 1m\nmin_body_rate = 10\n"
          "max_connections = 20\nmax_connections_per_client = 5\n"
          "access_log = false\nlog_level = DEBUG\n")
          .server;
  CHECK(server.listen.text == "[::1]:8080");
  CHECK(server.listen.host == "::1");
  CHECK(server.listen.port == 8080);
  CHECK(server.database == "/var/lib/x.db");
  CHECK(server.database_password == "dbpw");
  CHECK(server.instance_name == "nas");
  CHECK(server.username == "admin");
  CHECK(server.password == "pw");
  CHECK(server.has_credentials());
  CHECK(server.session_idle_timeout == 90min);
  CHECK(server.allow_unauthenticated);
  CHECK(server.max_body_size == 1024);
  CHECK(server.max_paths_per_request == 7);
  CHECK(server.server_names == std::vector<std::string>{"a.example", "b.example:3030"});
  CHECK(server.trusted_proxies == std::vector<std::string>{"10.0.0.0/8"});
  CHECK(server.request_timeout == 1500ms);
  CHECK(server.threads == 3);
  CHECK(server.header_timeout == 2s);
  CHECK(server.keep_alive_timeout == 1min);
  CHECK(server.min_body_rate == 10);
  CHECK(server.max_connections == 20);
  CHECK(server.max_connections_per_client == 5);
  CHECK_FALSE(server.access_log);
  CHECK(server.log_level == LogPriority::debug);
}

TEST_CASE(
    "a listen address or log level that cannot be used is refused on its line, with the "
    "other problems",
    "[config][settings]") {
  const std::string error = error_of("[server]\nlisten = 3030\nlog_level = loud\nthreads = 0\n");
  CHECK_THAT(error, Contains("test.ini:2: [server] listen: listen must be address:port, e.g. "
                             "127.0.0.1:3030; found \"3030\""));
  CHECK_THAT(error, Contains("test.ini:3: [server] log_level: \"loud\" is not a level (fatal, "
                             "critical, error, warning, notice, information, debug, trace)"));
  CHECK_THAT(error, Contains("test.ini:4: [server] threads: must be from 1 to 1024"));
  CHECK_THAT(error_of("[server]\nlisten = 127.0.0.1:70000\n"),
             Contains("test.ini:2: [server] listen: listen has no valid port (0-65535)"));
  CHECK_THAT(error_of("[server]\nlisten = nas.local:3030\n"),
             Contains("test.ini:2: [server] listen: listen needs an IP address (or localhost)"));
  CHECK(validate("[server]\nlog_level = 3\n").server.log_level == LogPriority::error);
}

TEST_CASE("every bounded key of [server] and [queue] is refused below its bound, naming it",
          "[config][settings]") {
  check_lower_bounds("server", scanhook::core::server_keys(), "");
  check_lower_bounds("queue", scanhook::core::queue_keys(), "");
  check_lower_bounds("manual", scanhook::core::manual_keys(), "");
}

TEST_CASE("a priority past its bound is refused, not cut to fit its int", "[config][settings]") {
  // Priorities add (a source's to an event's): each is kept well inside an int.
  CHECK_THAT(error_of("[manual]\npriority = 3000000000\n"),
             Contains("test.ini:2: [manual] priority: must be from -1000000 to 1000000, "
                      "found \"3000000000\""));
  CHECK_THAT(error_of("[source.sonarr]\npriority = -2147483649\n"),
             Contains("test.ini:2: [source.sonarr] priority: must be from -1000000 to 1000000"));
  CHECK(validate("[manual]\npriority = -1000000\n").manual.priority == -1000000);
}

TEST_CASE("a source's rules, priority, token, origin and pass reach the core typed",
          "[config][settings]") {
  const auto config = validate(
      "[source.sonarr]\nrewrite = /tv => /mnt/tv\nrewrite = ~^/a/(.*) => /b/$1\n"
      "include = ^/mnt/\nexclude = \\.partial$\npriority = 4\ntoken = t0ken\n"
      "origin_target = log\npass = abcdefgh12\n[source.radarr]\n[target.log]\n");
  const auto& sonarr = config.find(Role::source, "sonarr")->source();
  CHECK(sonarr.rules.rewrite == std::vector<std::string>{"/tv => /mnt/tv", "~^/a/(.*) => /b/$1"});
  CHECK(sonarr.rules.include == std::vector<std::string>{"^/mnt/"});
  CHECK(sonarr.rules.exclude == std::vector<std::string>{"\\.partial$"});
  CHECK(sonarr.priority == 4);
  CHECK(sonarr.token == "t0ken");
  CHECK(sonarr.origin_target == "log");
  CHECK(sonarr.pass == "abcdefgh12");

  const auto& radarr = config.find(Role::source, "radarr")->source();  // defaults
  CHECK(radarr.rules.rewrite.empty());
  CHECK(radarr.priority == 0);
  CHECK(radarr.token.empty());
  CHECK(radarr.origin_target.empty());
  CHECK(radarr.pass.empty());
}

TEST_CASE("a target's rules, delay, flags and require_exists settings reach the core typed",
          "[config][settings]") {
  const auto config = validate(
      "[target.log]\nrewrite = /mnt => /data\nexclude = /Extras/\nscan_delay = 1500ms\n"
      "scan_origin = true\nrequired = false\nrequire_exists = true\n"
      "local_rewrite = /data => /srv\nlocal_rewrite = /other => /srv2\nexists_timeout = 2h\n"
      "[target.log2]\nplugin = log\n");
  const auto& set = config.find(Role::target, "log")->target();
  CHECK(set.rules.rewrite == std::vector<std::string>{"/mnt => /data"});
  CHECK(set.rules.exclude == std::vector<std::string>{"/Extras/"});
  CHECK(set.scan_delay == 1500ms);
  CHECK(set.scan_origin);
  CHECK_FALSE(set.required);
  CHECK(set.require_exists);
  CHECK(set.local_rewrites == std::vector<std::string>{"/data => /srv", "/other => /srv2"});
  CHECK(set.exists_timeout == 2h);

  const auto& defaults = config.find(Role::target, "log2")->target();
  CHECK(defaults.rules.rewrite.empty());
  CHECK(defaults.scan_delay == 0ms);
  CHECK_FALSE(defaults.scan_origin);
  CHECK(defaults.required);
  CHECK_FALSE(defaults.require_exists);
  CHECK(defaults.local_rewrites.empty());
  CHECK(defaults.exists_timeout == 1h);
}

TEST_CASE("only list fields take a key more than once", "[config][settings]") {
  CHECK_THAT(error_of("[target.log]\nscan_delay = 1s\nscan_delay = 2s\n"),
             Contains("test.ini:3: [target.log] scan_delay: set twice (first on line 2)"));
  CHECK_THAT(error_of("[source.sonarr]\npriority = 1\npriority = 2\n"),
             Contains("test.ini:3: [source.sonarr] priority: set twice"));
  CHECK(validate("[queue]\nanchor = /a\nanchor = /b\n").queue.anchors.size() == 2);
}

TEST_CASE("a notifier's events and waits reach the core typed", "[config][settings]") {
  const auto config = validate(
      "[notify.hook]\nplugin = webhook\nurl = http://127.0.0.1:9/\nevents = delivered, "
      "target_up\nbatch_wait = 250ms\nmin_interval = 1m\n"
      "[notify.quiet]\nplugin = webhook\nurl = http://127.0.0.1:9/\n");
  const auto& hook = config.find(Role::notify, "hook")->notifier();
  CHECK(hook.events ==
        std::vector<NotificationEvent>{NotificationEvent::delivered, NotificationEvent::target_up});
  CHECK(hook.batch_wait == 250ms);
  CHECK(hook.min_interval == 1min);
  const auto& quiet = config.find(Role::notify, "quiet")->notifier();
  CHECK(quiet.events == std::vector<NotificationEvent>{
                            NotificationEvent::rejected, NotificationEvent::target_down,
                            NotificationEvent::target_up, NotificationEvent::dead_letter});
  CHECK(quiet.batch_wait == 10s);
  CHECK(quiet.min_interval == 2s);

  CHECK_THAT(error_of("[notify.hook]\nplugin = webhook\nurl = http://127.0.0.1:9/\n"
                      "events = delivered, exploded\n"),
             Contains("test.ini:4: [notify.hook] events: ") && Contains("exploded"));
}

TEST_CASE("each section's settings are its role's: another role's are not there",
          "[config][settings]") {
  const auto config = validate("[source.sonarr]\n[target.log]\n");
  CHECK_NOTHROW(config.find(Role::source, "sonarr")->source());
  CHECK_THROWS_AS(config.find(Role::source, "sonarr")->target(), std::bad_variant_access);
  CHECK_THROWS_AS(config.find(Role::target, "log")->source(), std::bad_variant_access);
}

TEST_CASE(
    "rewrite, include and exclude are one declaration shared by sources, targets and "
    "[manual]",
    "[config][settings]") {
  const auto spec = [](const auto& keys, const std::string& name) {
    for (const auto& key : keys)
      if (key.name == name)
        return std::string(key.help) + "|" + std::to_string(static_cast<int>(key.type)) + "|" +
               (key.field.repeatable ? "list" : "one");
    return std::string("missing");
  };
  for (const char* name : {"rewrite", "include", "exclude"}) {
    INFO(name);
    const std::string manual = spec(scanhook::core::manual_keys(), name);
    CHECK(manual != "missing");
    CHECK(spec(scanhook::core::source_keys(), name) == manual);
    CHECK(spec(scanhook::core::target_keys(), name) == manual);
  }
}
