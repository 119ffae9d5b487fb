// The command plugin on its own: what its configuration accepts, and what
// explain says it would run.
#include <catch2/catch.hpp>

#include "scanhook/target.hpp"
#include "support/plugin_harness.hpp"
#include "support/recording_host.hpp"

using Catch::Matchers::Contains;
using scanhook::core::Role;
using scanhook::testing::make;
using scanhook::testing::RecordingHost;

TEST_CASE("the command key is split like a shell's words, but nothing else of a shell applies",
          "[command]") {
  RecordingHost host;
  auto target = make<scanhook::Target>(
      "command", Role::target,
      {{"command", R"(/usr/local/bin/after-scan --library "TV Shows" 'a $HOME' x\ y *.mkv)"}}, host,
      "hook");
  const auto explained =
      target->explain({"/tv/It's Always Sunny", scanhook::EventKind::created, 0});
  REQUIRE(explained.requests.size() == 1);
  CHECK(explained.requests[0].method == "RUN");
  CHECK(
      explained.requests[0].url ==
      R"(/usr/local/bin/after-scan --library 'TV Shows' 'a $HOME' 'x y' *.mkv '/tv/It'\''s Always Sunny')");
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

TEST_CASE("a program that is not there makes the probe fail with the key to fix", "[command]") {
  RecordingHost host;
  auto target = make<scanhook::Target>("command", Role::target,
                                       {{"command", "/nonexistent/after-scan"}}, host, "hook");
  const auto probe = target->probe();
  CHECK(probe.status == scanhook::Status::unavailable);
  CHECK_THAT(probe.reason, Contains("check `command` in [target.hook]"));
  CHECK(make<scanhook::Target>("command", Role::target, {{"command", "sh -c true"}}, host)
            ->probe()
            .status == scanhook::Status::ok);  // found in PATH
}
