#include <catch2/catch.hpp>

#include "scanhook/core/config/config.hpp"
#include "scanhook/core/config/environment_settings.hpp"
#include "scanhook/core/config/ini_file.hpp"
#include "support/config_refusal.hpp"

using Catch::Matchers::Contains;
using scanhook::core::apply_environment;
using scanhook::core::ConfigError;
using scanhook::core::IniFile;
using scanhook::core::parse_ini;
using scanhook::core::PluginCatalog;
using scanhook::core::Role;
using scanhook::core::validate_config;

namespace {

const PluginCatalog& built_plugins() {
  static const PluginCatalog catalog = PluginCatalog::scan(SCANHOOK_PLUGIN_BUILD_DIR);
  return catalog;
}

IniFile with_environment(const std::string& text, const std::vector<std::string>& environment) {
  IniFile ini = parse_ini(text, "scanhook.ini");
  apply_environment(ini, environment);
  return ini;
}

std::string validation_error(const IniFile& ini) {
  return scanhook::testing::config_refusal([&] { validate_config(ini, built_plugins()); },
                                           ini.path);
}

}  // namespace

TEST_CASE("SCANHOOK__SECTION__KEY replaces the file's value of that key", "[environment]") {
  const auto ini = with_environment("[server]\nlisten = 127.0.0.1:3030\n[target.log]\n",
                                    {"SCANHOOK__SERVER__LISTEN=0.0.0.0:8080", "PATH=/usr/bin",
                                     "SCANHOOK__SERVER__USERNAME=admin"});
  const auto config = validate_config(ini, built_plugins());
  CHECK(config.server.listen.text == "0.0.0.0:8080");
  CHECK(config.server.username == "admin");
}

TEST_CASE("an instance section is its role, an underscore, then the instance name",
          "[environment]") {
  const auto ini = with_environment(
      "[source.sonarr]\ntoken = from-file\n[target.log]\n",
      {"SCANHOOK__SOURCE_SONARR__TOKEN=from-env", "SCANHOOK__SOURCE_SONARR_4K__PLUGIN=sonarr",
       "SCANHOOK__TARGET_LOG__PREFIX=scan"});
  const auto config = validate_config(ini, built_plugins());
  CHECK(config.find(Role::source, "sonarr")->source().token == "from-env");
  const auto* second = config.find(Role::source, "sonarr_4k");
  REQUIRE(second != nullptr);  // the file had no such section: the variable added it
  CHECK(second->plugin->name() == "sonarr");
  CHECK(config.find(Role::target, "log")->plugin_config.string("prefix") == "scan");
}

TEST_CASE("a notify section is NOTIFY, an underscore, then the notifier's name", "[environment]") {
  const auto ini = with_environment(
      "[notify.discord]\nurl = https://discord.com/api/webhooks/1/from-file\n[target.log]\n",
      {"SCANHOOK__NOTIFY_DISCORD__URL=https://discord.com/api/webhooks/1/from-env",
       "SCANHOOK__NOTIFY_DISCORD__USERNAME=media bot", "SCANHOOK__NOTIFY_OPS__PLUGIN=webhook",
       "SCANHOOK__NOTIFY_OPS__URL=http://127.0.0.1:8080/hook"});
  const auto config = validate_config(ini, built_plugins());
  const auto* discord = config.find(Role::notify, "discord");
  REQUIRE(discord != nullptr);
  CHECK(discord->plugin_config.string("url") == "https://discord.com/api/webhooks/1/from-env");
  CHECK(discord->plugin_config.string("username") == "media bot");
  const auto* ops = config.find(Role::notify, "ops");
  REQUIRE(ops != nullptr);  // the file had no such section: the variables added it
  CHECK(ops->plugin->name() == "webhook");
  CHECK(ops->plugin_config.string("url") == "http://127.0.0.1:8080/hook");
}

TEST_CASE("a secret from the environment replaces the file's KEY_file", "[environment]") {
  const auto ini = with_environment("[source.sonarr]\ntoken_file = /nonexistent/token\n",
                                    {"SCANHOOK__SOURCE_SONARR__TOKEN=from-env"});
  const auto config = validate_config(ini, built_plugins());
  CHECK(config.find(Role::source, "sonarr")->source().token == "from-env");
}

TEST_CASE("a repeatable key takes one value per line of the variable", "[environment]") {
  const auto ini = with_environment("[source.sonarr]\nrewrite = /a => /b\n",
                                    {"SCANHOOK__SOURCE_SONARR__REWRITE=/data/tv => /tv\n"
                                     "/data/anime => /anime\n"});
  const auto config = validate_config(ini, built_plugins());
  CHECK(config.find(Role::source, "sonarr")->source().rules.rewrite ==
        std::vector<std::string>{"/data/tv => /tv", "/data/anime => /anime"});
}

TEST_CASE("a bad value from the environment is refused naming the variable", "[environment]") {
  CHECK_THAT(validation_error(with_environment("[queue]\nminimum_age = 10m\n",
                                               {"SCANHOOK__QUEUE__MINIMUM_AGE=soon"})),
             Contains("environment SCANHOOK__QUEUE__MINIMUM_AGE: [queue] minimum_age: expected "
                      "a duration such as 90s, 10m or 1h, found \"soon\""));
  CHECK_THAT(
      validation_error(with_environment("[source.sonarr]\n", {"SCANHOOK__SOURCE_SONARR__TOKN=x"})),
      Contains("environment SCANHOOK__SOURCE_SONARR__TOKN: [source.sonarr] tokn: unknown "
               "key (did you mean 'token'?)"));
  CHECK_THAT(validation_error(with_environment("", {"SCANHOOK__SORCE_X__PLUGIN=sonarr"})),
             Contains("environment SCANHOOK__SORCE_X__PLUGIN: [sorce_x]: unknown section"));
}

TEST_CASE("a variable that does not read SCANHOOK__SECTION__KEY is refused by name",
          "[environment]") {
  for (const std::string variable : {"SCANHOOK__SERVER=1", "SCANHOOK__SERVER__=1",
                                     "SCANHOOK____LISTEN=1", "SCANHOOK__SOURCE__SONARR__TOKEN=1"}) {
    IniFile ini = parse_ini("", "scanhook.ini");
    try {
      apply_environment(ini, {variable});
      FAIL("accepted " << variable);
    } catch (const ConfigError& error) {
      CHECK_THAT(error.what(), Contains("environment " + variable.substr(0, variable.find('=')) +
                                        ": expected SCANHOOK__SECTION__KEY"));
    }
  }
}
