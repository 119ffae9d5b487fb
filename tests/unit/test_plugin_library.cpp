#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <map>
#include <string>

#include "scanhook/core/plugins/load_probe.hpp"
#include "scanhook/core/plugins/plugin_catalog.hpp"
#include "scanhook/core/plugins/plugin_library.hpp"
#include "scanhook/target.hpp"
#include "support/expected_printing.hpp"
#include "support/recording_host.hpp"

using scanhook::core::PluginLibrary;

namespace {

std::filesystem::path fixture(const std::string& name) {
  return std::filesystem::path(SCANHOOK_FIXTURE_PLUGIN_DIR) / (name + ".so");
}

std::string rejection(const std::string& name) {
  const auto loaded = PluginLibrary::load(fixture(name));
  REQUIRE_FALSE(loaded);
  return loaded.error().message;
}

}  // namespace

TEST_CASE("a sound plugin loads and names itself", "[loader]") {
  const auto loaded = PluginLibrary::load(fixture("good"));
  REQUIRE(loaded);
  const auto library = *loaded;
  CHECK(library->name() == "fixture");
  CHECK(library->offers(scanhook::kTarget));
  CHECK_FALSE(library->offers(scanhook::kService));
  CHECK(library->descriptor().config_key_count == 3);
}

TEST_CASE("each broken plugin is refused with its own message naming the file and the fix",
          "[loader]") {
  using Catch::Matchers::Contains;
  CHECK_THAT(rejection("not_elf"),
             Contains("not_elf.so") && Contains("not a shared library") && Contains("remove it"));
  CHECK_THAT(rejection("no_descriptor"), Contains("expected the symbol scanhook_plugin_v1") &&
                                             Contains("not a scanhook plugin"));
  CHECK_THAT(rejection("bad_magic"), Contains("bad_magic.so") && Contains("magic number"));
  // The fixtures take this SDK's minor (abi_major_next) or the next (abi_minor_next).
  const std::string minor = std::to_string(scanhook::kAbiMinor);
  const std::string next_minor = std::to_string(scanhook::kAbiMinor + 1);
  CHECK_THAT(
      rejection("abi_major_next"),
      Contains("built against SDK 2." + minor + "; this scanhook speaks 1.x: rebuild the plugin"));
  CHECK_THAT(rejection("abi_minor_next"),
             Contains("built against SDK 1." + next_minor) && Contains("upgrade scanhook"));
  CHECK_THAT(rejection("wrong_size"), Contains("descriptor is") && Contains("rebuild"));
  CHECK_THAT(rejection("wrong_toolchain"),
             Contains("libc++9000") && Contains(scanhook::kToolchainTag));
  CHECK_THAT(rejection("unresolved_symbol"),
             Contains("scanhook_fixture_symbol_nobody_defines") && Contains("--no-undefined"));
}

TEST_CASE("a plugin that aborts while loading is refused with its signal, and this process lives",
          "[loader]") {
  using Catch::Matchers::Contains;
  const auto file =
      std::filesystem::path(SCANHOOK_FIXTURE_PLUGIN_DIR) / "at_load" / "aborts_at_load.so";
  const auto loaded = PluginLibrary::load(file);
  REQUIRE_FALSE(loaded);
  CHECK_THAT(loaded.error().message,
             Contains(file.string() + " rejected: it crashed while loading: SIGABRT") &&
                 Contains("static initialiser"));
  // The child that tried it was reaped: no zombie is left.
  CHECK(::waitpid(-1, nullptr, WNOHANG) == -1);
  CHECK(errno == ECHILD);
}

TEST_CASE("a plugin that never finishes loading is killed at the probe's timeout and refused",
          "[loader]") {
  using Catch::Matchers::Contains;
  const auto file =
      std::filesystem::path(SCANHOOK_FIXTURE_PLUGIN_DIR) / "at_load" / "hangs_at_load.so";
  const auto probed = scanhook::core::probe_load(file, std::chrono::milliseconds(300));
  REQUIRE_FALSE(probed);
  CHECK_THAT(probed.error().message, Contains("it did not finish loading within 300 ms"));
  // The killed child was reaped: no zombie is left.
  CHECK(::waitpid(-1, nullptr, WNOHANG) == -1);
  CHECK(errno == ECHILD);
}

TEST_CASE("a plugin whose create throws reports its message, not a crash", "[loader]") {
  const auto library = PluginLibrary::load(fixture("create_fails")).value();
  scanhook::testing::RecordingHost host;
  const scanhook::ConfigView config;
  const auto instance = library->create(scanhook::kTarget, "x", config, host);
  REQUIRE_FALSE(instance);
  CHECK(instance.error().message == "fixture refuses: api_key is wrong");
}

TEST_CASE("asking a plugin for a kind it does not offer is an error", "[loader]") {
  const auto library = PluginLibrary::load(fixture("good")).value();
  scanhook::testing::RecordingHost host;
  const scanhook::ConfigView config;
  const auto instance = library->create(scanhook::kService, "x", config, host);
  REQUIRE_FALSE(instance);
  CHECK(instance.error().message == "plugin fixture offers no service");
}

TEST_CASE("an instance keeps its library loaded after the library handle is gone", "[loader]") {
  std::shared_ptr<scanhook::Instance> instance;
  std::weak_ptr<const PluginLibrary> weak;
  {
    const auto library = PluginLibrary::load(fixture("good")).value();
    weak = library;
    scanhook::testing::RecordingHost host;
    const scanhook::ConfigView config;
    auto made = library->create(scanhook::kTarget, "x", config, host);
    REQUIRE(made);
    instance = std::move(made).value();
  }
  CHECK_FALSE(weak.expired());
  auto* target = static_cast<scanhook::Target*>(instance.get());
  CHECK(target->scan({{"/tv/a", scanhook::EventKind::modified, 0}}).size() == 1);
  instance.reset();
  CHECK(weak.expired());
}

TEST_CASE("the catalog refuses a second plugin of the same name and keeps the first", "[loader]") {
  const auto catalog = scanhook::core::PluginCatalog::scan(SCANHOOK_FIXTURE_PLUGIN_DIR);
  REQUIRE(catalog.find("fixture") != nullptr);
  // abi_minor_next... are refused for their own reasons; of the sound ones
  // (create_fails, good), the second in file order is a duplicate.
  CHECK_THAT(catalog.rejection_for("good").value_or("not refused"),
             Catch::Matchers::Contains("found a second one") &&
                 Catch::Matchers::Contains("create_fails.so"));
  CHECK(catalog.rejected().size() == 9);
}

TEST_CASE("a descriptor from a later 1.x SDK, with fields appended, loads and works", "[loader]") {
  const auto loaded = PluginLibrary::load(fixture("larger_descriptor"));
  REQUIRE(loaded);
  const auto library = *loaded;
  CHECK(library->name() == "fixture_later");
  CHECK(library->descriptor().struct_size > sizeof(scanhook::Descriptor));
  scanhook::testing::RecordingHost host;
  const scanhook::ConfigView config;
  CHECK(library->create(scanhook::kTarget, "x", config, host));
}

TEST_CASE("a plugin built against SDK 1.1 loads, creates, and has no check", "[loader]") {
  const auto loaded = PluginLibrary::load(fixture("sdk_1_1"));
  REQUIRE(loaded);
  const auto library = *loaded;
  CHECK(library->name() == "fixture_old");
  CHECK(library->descriptor().abi_minor == 1);
  // The 1.2 fields it never had read as absent, not as whatever follows it in memory.
  CHECK_FALSE(library->has_check());
  CHECK(library->descriptor().config_range_count == 0);
  CHECK_FALSE(library->check(scanhook::kTarget, "x", scanhook::ConfigView()));
  scanhook::testing::RecordingHost host;
  CHECK(library->create(scanhook::kTarget, "x", scanhook::ConfigView(), host));
}

TEST_CASE("a plugin's check refuses a section naming the key, and create refuses it too",
          "[loader]") {
  const auto library = PluginLibrary::load(fixture("checked")).value();
  REQUIRE(library->has_check());
  using Values = std::map<std::string, std::string>;
  const scanhook::ConfigView red(Values{{"colour", "red"}});
  const auto failure = library->check(scanhook::kTarget, "x", red);
  REQUIRE(failure);
  CHECK(failure->key == "colour");
  CHECK(failure->message == "red is taken: choose another colour");
  CHECK_FALSE(
      library->check(scanhook::kTarget, "x", scanhook::ConfigView(Values{{"colour", "blue"}})));

  scanhook::testing::RecordingHost host;
  const auto refused = library->create(scanhook::kTarget, "x", red, host);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message == "colour: red is taken: choose another colour");
}

TEST_CASE("load_named loads only the plugins named, and lists the others without loading them",
          "[loader]") {
  // at_load/ holds plugins that abort the process, or never return, when loaded.
  const auto folder = std::filesystem::path(SCANHOOK_FIXTURE_PLUGIN_DIR) / "at_load";
  const auto catalog = scanhook::core::PluginCatalog::load_named(folder, {"other"});
  CHECK(catalog.loaded().empty());
  CHECK(catalog.names() == std::vector<std::string>{"aborts_at_load", "hangs_at_load"});

  // A file whose plugin has another name is refused, saying which file to rename.
  const auto named =
      scanhook::core::PluginCatalog::load_named(SCANHOOK_FIXTURE_PLUGIN_DIR, {"good", "sdk_1_1"});
  CHECK(named.loaded().empty());
  CHECK_THAT(named.rejection_for("good").value_or("not refused"),
             Catch::Matchers::Contains("found one named fixture") &&
                 Catch::Matchers::Contains("rename the file to fixture.so"));
}
