// The command plugin on its own: what its configuration accepts, and what
// explain says it would run.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>

#include "scanhook/target.hpp"
#include "support/plugin_harness.hpp"
#include "support/recording_host.hpp"
#include "support/temp_dir.hpp"

using Catch::Matchers::Contains;
using scanhook::core::Role;
using scanhook::testing::make;
using scanhook::testing::RecordingHost;
using scanhook::testing::TempDir;

TEST_CASE("the command key is split like a shell's words, but nothing else of a shell applies",
          "[command]") {
  RecordingHost host;
  auto target = make<scanhook::Target>(
      "command", Role::target,
      {{"command", R"(/bin/echo --library "TV Shows" 'a $HOME' x\ y *.mkv)"}}, host, "hook");
  const auto explained =
      target->explain({"/tv/It's Always Sunny", scanhook::EventKind::created, 0});
  REQUIRE(explained.requests.size() == 1);
  CHECK(explained.requests[0].method == "RUN");
  CHECK(explained.requests[0].url ==
        R"(/bin/echo --library 'TV Shows' 'a $HOME' 'x y' *.mkv '/tv/It'\''s Always Sunny')");
  CHECK(explained.requests[0].body.empty());
}

TEST_CASE("with folders = stdin the folders are the program's input, one per line", "[command]") {
  RecordingHost host;
  auto target = make<scanhook::Target>("command", Role::target,
                                       {{"command", "/bin/cat"}, {"folders", "stdin"}}, host);
  const auto explained = target->explain({"/tv/Andor/Season 01", scanhook::EventKind::created, 0});
  REQUIRE(explained.requests.size() == 1);
  CHECK(explained.requests[0].url == "/bin/cat");
  CHECK(explained.requests[0].body == "/tv/Andor/Season 01\n");
  CHECK(explained.verdict.status == scanhook::Status::ok);
}

TEST_CASE("a command that cannot be split, or a wrong folders value, stops start-up with why",
          "[command]") {
  RecordingHost host;
  CHECK_THROWS_WITH(
      make<scanhook::Target>("command", Role::target, {{"command", "/bin/echo \"unclosed"}}, host),
      Contains("command: a double quote is not closed"));
  CHECK_THROWS_WITH(make<scanhook::Target>("command", Role::target, {{"command", "  "}}, host),
                    Contains("command: it names no program"));
  CHECK_THROWS_WITH(make<scanhook::Target>("command", Role::target,
                                           {{"command", "/bin/true"}, {"folders", "env"}}, host),
                    Contains("folders: must be arguments or stdin, not \"env\""));
  CHECK_THROWS_WITH(make<scanhook::Target>("command", Role::target, {}, host),
                    Contains("command: required key is missing"));
}

TEST_CASE("a program that cannot be run is refused by the check, naming what was looked at",
          "[command]") {
  RecordingHost host;
  TempDir dir;
  const auto refused = [&](const std::string& command) {
    return make<scanhook::Target>("command", Role::target, {{"command", command}}, host);
  };
  CHECK_THROWS_WITH(refused("/nonexistent/after-scan --all"),
                    Contains("command: cannot run /nonexistent/after-scan: "
                             "/nonexistent/after-scan: No such file or directory"));
  const std::string plain = dir.write("plain.sh", "#!/bin/sh\n").string();
  ::chmod(plain.c_str(), 0644);
  // Even root runs only a file with an execute bit.
  CHECK_THROWS_WITH(refused(plain), Contains("command: cannot run " + plain + ": " + plain +
                                             " is not executable by this user"));
  CHECK_THROWS_WITH(refused(dir.path().string()),
                    Contains(dir.path().string() + " is a folder, not a program"));
  CHECK_THROWS_WITH(refused("no-such-scanhook-program x"),
                    Contains("command: cannot run no-such-scanhook-program: no program "
                             "no-such-scanhook-program in PATH ("));
  // A bare name is looked up in PATH, as a run looks it up.
  CHECK_NOTHROW(refused("sh -c true"));
  CHECK_NOTHROW(refused("/bin/sh -c true"));
}

TEST_CASE("a program gone after start makes the probe fail with the key to fix", "[command]") {
  RecordingHost host;
  TempDir dir;
  const auto program = dir.write("after-scan", "#!/bin/sh\n");
  ::chmod(program.c_str(), 0755);
  auto target = make<scanhook::Target>("command", Role::target, {{"command", program.string()}},
                                       host, "hook");
  std::filesystem::remove(program);
  const auto probe = target->probe();
  CHECK(probe.status == scanhook::Status::unavailable);
  CHECK_THAT(probe.reason, Contains("check `command` in [target.hook]"));
  CHECK(make<scanhook::Target>("command", Role::target, {{"command", "sh -c true"}}, host)
            ->probe()
            .status == scanhook::Status::ok);  // found in PATH
}
