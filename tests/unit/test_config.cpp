#include <catch2/catch.hpp>

#include <cstdlib>

#include "scanhook/core/config/config.hpp"
#include "scanhook/core/config/ini_file.hpp"
#include "support/config_refusal.hpp"
#include "support/temp_dir.hpp"

using Catch::Matchers::Contains;
using scanhook::core::parse_ini;
using scanhook::core::PluginCatalog;
using scanhook::core::Role;
using scanhook::core::validate_config;

namespace {

// The fixture plugin (name "fixture") declares colour (string, default blue),
// count (integer, default 3) and api_key (secret, required).
const PluginCatalog& fixtures() {
  static const PluginCatalog catalog = PluginCatalog::scan(SCANHOOK_FIXTURE_PLUGIN_DIR);
  return catalog;
}

scanhook::core::Config validate(const std::string& text) {
  return validate_config(parse_ini(text, "test.ini"), fixtures());
}

std::string error_of(const std::string& text) {
  return scanhook::testing::config_refusal([&] { validate(text); }, text);
}

// The warnings about test.ini's own lines (the fixture folder's refused
// plugins add theirs).
std::vector<std::string> file_warnings(const scanhook::core::Config& config) {
  std::vector<std::string> said;
  for (const auto& warning : config.warnings)
    if (warning.rfind("test.ini:", 0) == 0) said.push_back(warning);
  return said;
}

}  // namespace

TEST_CASE("the INI reader keeps repeated keys, drops comments and knows line numbers", "[config]") {
  const auto ini = parse_ini(
      "; comment\n[Source.Sonarr]\nrewrite = /a => /b ; inline\n# another\nrewrite = /c => /d\n"
      "token = abc;def\n",
      "x.ini");
  REQUIRE(ini.sections.size() == 1);
  const auto& section = ini.sections[0];
  CHECK(section.name == "source.sonarr");
  REQUIRE(section.entries.size() == 3);
  CHECK(section.entries[0].value == "/a => /b");
  CHECK(section.entries[1].line == 5);
  CHECK(section.entries[2].value == "abc;def");
}

TEST_CASE("a malformed INI line is refused with file and line", "[config]") {
  CHECK_THROWS_WITH(parse_ini("[server]\nlisten\n", "bad.ini"),
                    "bad.ini:2: expected key = value, found \"listen\"");
  CHECK_THROWS_WITH(parse_ini("listen = x\n", "bad.ini"),
                    Contains("bad.ini:1: key before any [section]"));
  CHECK_THROWS_WITH(parse_ini("[server\n", "bad.ini"), Contains("bad.ini:1: a section header"));
}

TEST_CASE("plugin keys get their defaults and the core's keys their own", "[config]") {
  const auto config = validate("[target.paint]\nplugin = fixture\napi_key = k\ncount = 7\n");
  const auto* paint = config.find(Role::target, "paint");
  REQUIRE(paint != nullptr);
  CHECK(paint->plugin_config.string("colour") == "blue");
  CHECK(paint->plugin_config.integer("count") == 7);
  CHECK(paint->plugin_config.string("api_key") == "k");
  CHECK_FALSE(paint->plugin_config.has("rewrite"));
  CHECK(config.server.listen.text == "127.0.0.1:3030");
  CHECK(config.queue.minimum_age == std::chrono::minutes(10));
}

TEST_CASE("an unknown key names file, line, section and key, with a suggestion", "[config]") {
  CHECK_THAT(error_of("[target.paint]\nplugin = fixture\napi_key = k\ncolor = red\n"),
             Contains("test.ini:4: [target.paint] color: unknown key (did you mean 'colour'?)"));
  CHECK_THAT(error_of("[server]\nlisen = 1.2.3.4:5\n"),
             Contains("test.ini:2: [server] lisen: unknown key (did you mean 'listen'?)"));
}

TEST_CASE("wrong types, missing required keys and repeats are each reported", "[config]") {
  const std::string error = error_of(
      "[target.paint]\nplugin = fixture\ncount = lots\n[queue]\nminimum_age = soon\n"
      "[server]\naccess_log = maybe\nthreads = 2\nthreads = 3\n");
  CHECK_THAT(error,
             Contains("test.ini:3: [target.paint] count: expected a whole number, found \"lots\""));
  CHECK_THAT(error, Contains("test.ini:1: [target.paint] api_key: required key is missing (or set "
                             "api_key_file or api_key_env)"));
  CHECK_THAT(
      error,
      Contains("test.ini:5: [queue] minimum_age: expected a duration such as 90s, 10m or 1h"));
  CHECK_THAT(error, Contains("test.ini:7: [server] access_log: expected true or false"));
  CHECK_THAT(error, Contains("test.ini:9: [server] threads: set twice (first on line 8)"));
}

TEST_CASE("regex and path values are checked", "[config]") {
  CHECK_THAT(error_of("[target.log2]\nplugin = fixture\napi_key = k\nexclude = ([a-z\n"),
             Contains("[target.log2] exclude: not a valid regular expression"));
  CHECK_THAT(error_of("[queue]\nanchor = relative/file\n"),
             Contains("[queue] anchor: expected an absolute path"));
}

TEST_CASE("a pattern RE2 cannot compile is reported with its file, line, key and RE2's reason",
          "[config][re2]") {
  CHECK_THAT(error_of("[target.log2]\nplugin = fixture\napi_key = k\ninclude = ^/tv/(?!Extras)\n"),
             Contains("test.ini:4: [target.log2] include: not a valid regular expression (invalid "
                      "perl operator: (?!): \"^/tv/(?!Extras)\""));
  CHECK_THAT(error_of("[manual]\nrewrite = ~^/(a)/\\1 => /b\n"),
             Contains("test.ini:2: [manual] rewrite: rewrite \"~^/(a)/\\1 => /b\": not a valid "
                      "regular expression (invalid escape sequence: \\1)"));
}

TEST_CASE("server_name, trusted_proxies and max_paths_per_request are checked on their lines",
          "[config][door]") {
  const std::string error = error_of(
      "[server]\nserver_name = nas.local:3030\nserver_name = http://nas.local/\n"
      "trusted_proxies = 10.0.0.0/8, proxy.lan\nmax_paths_per_request = 0\n"
      "trusted_proxies = fd00::/129\n");
  CHECK_THAT(error, Contains("test.ini:3: [server] server_name: expected a host name or address"));
  CHECK_THAT(error, !Contains("test.ini:2:"));
  CHECK_THAT(error, Contains("test.ini:4: [server] trusted_proxies: \"proxy.lan\" is not an IP "
                             "address or CIDR such as 10.0.0.0/8"));
  CHECK_THAT(error,
             Contains("test.ini:5: [server] max_paths_per_request: must be from 1 to 1000000"));
  CHECK_THAT(error, Contains("test.ini:6: [server] trusted_proxies: \"fd00::/129\": the prefix "
                             "length must be 0 to 128"));
  const auto config = validate(
      "[server]\nserver_name = a.example\nserver_name = [fd00::5]:3030\n"
      "trusted_proxies = 127.0.0.1\n");
  CHECK(config.server.server_names == std::vector<std::string>{"a.example", "[fd00::5]:3030"});
  CHECK(config.server.max_paths_per_request == 10000);
}

TEST_CASE("a secret can come from a file or the environment instead of the INI", "[config]") {
  scanhook::testing::TempDir dir;
  const auto file = dir.write("key.txt", "from-file\n");
  auto config =
      validate("[target.paint]\nplugin = fixture\napi_key_file = " + file.string() + "\n");
  CHECK(config.find(Role::target, "paint")->plugin_config.string("api_key") == "from-file");

  ::setenv("SCANHOOK_TEST_SECRET", "from-env", 1);
  config = validate("[target.paint]\nplugin = fixture\napi_key_env = SCANHOOK_TEST_SECRET\n");
  CHECK(config.find(Role::target, "paint")->plugin_config.string("api_key") == "from-env");

  CHECK_THAT(error_of("[target.paint]\nplugin = fixture\napi_key_env = SCANHOOK_TEST_UNSET_VAR\n"),
             Contains("api_key_env: the environment variable SCANHOOK_TEST_UNSET_VAR is not set"));
  CHECK_THAT(error_of("[target.paint]\nplugin = fixture\napi_key_file = /nonexistent/key\n"),
             Contains("api_key_file: cannot read the file \"/nonexistent/key\""));
}

TEST_CASE("a required secret given by a file that cannot be read is refused once, not also missing",
          "[config]") {
  const std::string error =
      error_of("[target.paint]\nplugin = fixture\napi_key_file = /nonexistent/key\n");
  CHECK_THAT(error, Contains("test.ini:3: [target.paint] api_key_file: cannot read the file"));
  CHECK_THAT(error, !Contains("required key is missing"));
}

TEST_CASE("sections must be known, instances well named, plugins present", "[config]") {
  CHECK_THAT(error_of("[targets.x]\n"),
             Contains("[targets.x]: unknown section") && Contains("did you mean 'target'?"));
  CHECK_THAT(error_of("[target.Bad Name]\n"), Contains("an instance name is lowercase letters"));
  CHECK_THAT(error_of("[target.fixtur]\napi_key = k\n"),
             Contains("[target.fixtur] plugin: no plugin named \"fixtur\"") &&
                 Contains("(did you mean 'fixture'?)"));
  CHECK_THAT(error_of("[source.paint]\nplugin = fixture\n"),
             Contains("plugin fixture offers no source"));
  CHECK_THAT(error_of("[server]\n[server]\n"), Contains("this section appears twice"));
}

TEST_CASE("a refused plugin the configuration uses is an error naming the refusal", "[config]") {
  CHECK_THAT(error_of("[target.x]\nplugin = bad_magic\n"),
             Contains("[target.x] plugin: plugin ") && Contains("bad_magic.so rejected"));
}

TEST_CASE("refused plugins the configuration does not use become warnings", "[config]") {
  const auto config = validate("[server]\n");
  CHECK(config.warnings.size() == fixtures().rejected().size());
  CHECK_THAT(config.warnings.front(), Contains("not used by the configuration: skipped"));
}

TEST_CASE("a service may not take the name of one of the core's /api routes", "[config]") {
  CHECK_THAT(
      error_of("[service.queue]\nplugin = fixture\n"),
      Contains("test.ini:1: [service.queue]: a service cannot be named \"queue\": /api/queue "
               "is one of scanhook's own routes"));
}

TEST_CASE("a source may not be named manual or api: those sources are built in", "[config]") {
  CHECK_THAT(error_of("[source.manual]\nplugin = fixture\n"),
             Contains("[source.manual]: a source cannot be named \"manual\"") &&
                 Contains("go in a [manual] section"));
  CHECK_THAT(error_of("[source.api]\nplugin = fixture\n"),
             Contains("[source.api]: a source cannot be named \"api\": it is the source of POST "
                      "/api/scan"));
}

TEST_CASE("[manual] holds the manual trigger's rewrites, filters and priority, checked",
          "[config]") {
  const auto config = validate(
      "[manual]\nrewrite = /downloads => /mnt/tv\nrewrite = ~^/m/(.*) => /mnt/movies/$1\n"
      "exclude = \\.partial$\npriority = 5\n");
  CHECK(config.manual.rules.rewrite ==
        std::vector<std::string>{"/downloads => /mnt/tv", "~^/m/(.*) => /mnt/movies/$1"});
  CHECK(config.manual.rules.exclude == std::vector<std::string>{"\\.partial$"});
  CHECK(config.manual.priority == 5);
  CHECK(validate("").manual.priority == 0);  // absent: defaults
  CHECK_THAT(error_of("[manual]\nrewrite = /downloads to /mnt/tv\n"),
             Contains("test.ini:2: [manual] rewrite:"));
  CHECK_THAT(error_of("[manual]\ntoken = x\n"),
             Contains("test.ini:2: [manual] token: unknown key"));
  CHECK_THAT(error_of("[manul]\n"), Contains("(did you mean 'manual'?)"));
}

TEST_CASE("a plugin's declared ranges are enforced centrally, with file, line, section and key",
          "[config]") {
  // fixture_checked (checked.so) declares count from 0 to 10.
  const auto error = error_of("[target.t]\nplugin = fixture_checked\napi_key = k\ncount = 11\n");
  CHECK_THAT(error, Contains("test.ini:4: [target.t] count: must be from 0 to 10, found \"11\""));
  CHECK(validate("[target.t]\nplugin = fixture_checked\napi_key = k\ncount = 10\n")
            .instances.size() == 1);
}

TEST_CASE("the core's own bounds name the key's line and say why", "[config]") {
  CHECK_THAT(error_of("[server]\nthreads = 2000\n"),
             Contains("test.ini:2: [server] threads: must be from 1 to 1024 (worker threads; "
                      "connections wait without one), found \"2000\""));
  CHECK_THAT(error_of("[queue]\nprobe_interval = 0s\n"),
             Contains("test.ini:2: [queue] probe_interval: must be from 1ms to 1d (0 would spin a "
                      "core)"));
  CHECK_THAT(error_of("[server]\nsession_idle_timeout = 500ms\n"),
             Contains("[server] session_idle_timeout: must be from 1s to 30d"));
}

TEST_CASE("every duration and whole-number key has an upper bound that names itself", "[config]") {
  // A new-user trial: 999999999d passed and every POST was closed unanswered.
  CHECK_THAT(error_of("[server]\nheader_timeout = 999999999d\n"),
             Contains("test.ini:2: [server] header_timeout: must be from 100ms to 1d (no client "
                      "could send a request in time), found \"999999999d\""));
  CHECK_THAT(error_of("[server]\nrequest_timeout = 2d\n"),
             Contains("[server] request_timeout: must be from 100ms to 1d"));
  CHECK_THAT(error_of("[server]\nkeep_alive_timeout = 25h\n"),
             Contains("[server] keep_alive_timeout: must be from 100ms to 1d"));
  CHECK_THAT(error_of("[queue]\nminimum_age = 31d\n"),
             Contains("test.ini:2: [queue] minimum_age: must be at most 30d, found \"31d\""));
  CHECK_THAT(error_of("[queue]\nhistory_retention = 3651d\n"),
             Contains("[queue] history_retention: must be at most 3650d"));
  CHECK_THAT(error_of("[queue]\nidle_interval = 2h\n"),
             Contains("[queue] idle_interval: must be from 1ms to 1h"));
  CHECK_THAT(error_of("[server]\nmax_body_size = 2147483648\n"),
             Contains("[server] max_body_size: must be from 1 to 1073741824 (bytes, held in "
                      "memory whole)"));
  CHECK_THAT(error_of("[server]\nmax_connections = 2000000\n"),
             Contains("[server] max_connections: must be from 1 to 1000000"));
  CHECK_THAT(error_of("[manual]\npriority = -2000000\n"),
             Contains("[manual] priority: must be from -1000000 to 1000000"));
  CHECK_THAT(error_of("[target.paint]\nplugin = fixture\napi_key = k\nscan_delay = 2h\n"),
             Contains("[target.paint] scan_delay: must be at most 1h"));
  // The bounds themselves are accepted.
  const auto config = validate(
      "[server]\nheader_timeout = 1d\n[queue]\nminimum_age = 30d\nretry_max = 30d\n"
      "history_retention = 3650d\n");
  CHECK(config.server.header_timeout == std::chrono::hours(24));
  CHECK(config.queue.history_retention == std::chrono::hours(24 * 3650));
}

TEST_CASE("a number too large for 64 bits is \"too large\", never wrapped or \"not a duration\"",
          "[config]") {
  // 999999999999d wrapped negative: "must not be below retry_initial".
  const auto wrapped = error_of("[queue]\nretry_max = 999999999999d\n");
  CHECK_THAT(wrapped, Contains("test.ini:2: [queue] retry_max: too large: at most 30d"));
  CHECK_THAT(wrapped, !Contains("retry_initial"));
  CHECK_THAT(error_of("[queue]\nretry_max = 99999999999999999999d\n"),
             Contains("[queue] retry_max: too large: at most 30d"));
  CHECK_THAT(error_of("[server]\nmax_body_size = 99999999999999999999\n"),
             Contains("[server] max_body_size: too large: at most 1073741824"));
  CHECK_THAT(
      error_of("[target.paint]\nplugin = fixture\napi_key = k\ncount = 99999999999999999999\n"),
      Contains("[target.paint] count: too large: it does not fit 64 bits"));
  // Not a number at all is still said as before.
  CHECK_THAT(error_of("[queue]\nretry_max = soon\n"),
             Contains("[queue] retry_max: expected a duration such as 90s, 10m or 1h"));
  CHECK_THAT(error_of("[queue]\nretry_max = 5y\n"),
             Contains("[queue] retry_max: expected a duration such as 90s, 10m or 1h"));
}

TEST_CASE("a PostgreSQL lease shorter than 1s is refused, saying why", "[config]") {
  CHECK_THAT(error_of("[queue]\nlease = 1ms\n"),
             Contains("test.ini:2: [queue] lease: must be from 1s to 1d (renewed every third of it "
                      "while a target works: a shorter lease runs out between renewals and "
                      "another instance sends the same folders again), found \"1ms\""));
  CHECK(validate("[queue]\nlease = 1s\n").queue.lease == std::chrono::seconds(1));
}

TEST_CASE("a UTF-8 byte order mark at the start of the file is skipped", "[config]") {
  const auto ini = parse_ini("\xEF\xBB\xBF[server]\nlisten = 127.0.0.1:3031\n", "bom.ini");
  REQUIRE(ini.sections.size() == 1);
  CHECK(ini.sections[0].name == "server");
  CHECK(ini.sections[0].line == 1);
  // Elsewhere it is no part of the syntax: still refused, as before.
  CHECK_THROWS_WITH(parse_ini("[server]\n\xEF\xBB\xBF[queue]\n", "bom.ini"),
                    Contains("bom.ini:2: expected key = value"));
}

TEST_CASE("a value wrapped in quotes keeps them, with a warning on its line", "[config]") {
  const auto config = validate("[server]\nusername = ann\npassword = \"pw\"\n");
  CHECK(config.server.password == "\"pw\"");
  CHECK(file_warnings(config) ==
        std::vector<std::string>{

            "test.ini:3: [server] password: value is wrapped in quotes; quotes are kept as part of "
            "it (remove them unless they belong to it)"});
  const auto database = file_warnings(validate("[server]\ndatabase = 'x.db'\n"));
  REQUIRE(database.size() == 1);
  CHECK_THAT(database[0], Contains("test.ini:2: [server] database: value is wrapped in quotes"));
  // A plugin's text key may give quotes a meaning (a command's argv): not warned.
  CHECK(file_warnings(
            validate("[target.paint]\nplugin = fixture\napi_key = k\ncolour = \"deep red\"\n"))
            .empty());
  // Unmatched or inner quotes are no wrapping.
  CHECK(file_warnings(validate("[server]\nusername = \"ann\ninstance_name = a\"b\n")).empty());
}

TEST_CASE("a key in the wrong section is told where it belongs", "[config]") {
  CHECK_THAT(error_of("[queue]\nlisten = 127.0.0.1:3030\n"),
             Contains("test.ini:2: [queue] listen: unknown key (it belongs in [server])"));
  CHECK_THAT(
      error_of("[target.paint]\nplugin = fixture\napi_key = k\nminimum_age = 1m\n"),
      Contains("test.ini:4: [target.paint] minimum_age: unknown key (it belongs in [queue])"));
  CHECK_THAT(error_of("[server]\npriority = 3\n"),
             Contains("[server] priority: unknown key (it belongs in [manual] or [source.NAME])"));
  // A typo of the section's own key is still a typo.
  CHECK_THAT(error_of("[queue]\nminimum_agee = 1m\n"),
             Contains("[queue] minimum_agee: unknown key (did you mean 'minimum_age'?)"));
}

TEST_CASE("history_retention = 0s is accepted with a warning: no history is kept", "[config]") {
  const auto config = validate("[queue]\nhistory_retention = 0s\n");
  CHECK(config.queue.history_retention.count() == 0);
  CHECK(file_warnings(config) ==
        std::vector<std::string>{
            "test.ini:2: [queue] history_retention: 0s keeps no history: each finished delivery "
            "leaves the queue without a row in /api/history or the web UI's history (30d is the "
            "default)"});
  CHECK(file_warnings(validate("[queue]\nhistory_retention = 1m\n")).empty());
}

TEST_CASE("[queue] reaches the core typed: durations as milliseconds, anchors as a list",
          "[config]") {
  const auto config = validate(
      "[queue]\nminimum_age = 90s\nanchor = /mnt/a/.mounted\nanchor = /mnt/b/.mounted\n"
      "retry_initial = 250ms\nretry_max = 2h\ndead_letter_count = 0\n");
  CHECK(config.queue.minimum_age == std::chrono::seconds(90));
  CHECK(config.queue.anchors == std::vector<std::string>{"/mnt/a/.mounted", "/mnt/b/.mounted"});
  CHECK(config.queue.retry_initial == std::chrono::milliseconds(250));
  CHECK(config.queue.retry_max == std::chrono::hours(2));
  CHECK(config.queue.probe_interval == std::chrono::seconds(30));  // the default
  CHECK(config.queue.dead_letter_count == 0);
  CHECK(config.queue.dead_letter_bytes == 67108864);
}
