#include <catch2/catch.hpp>

#include "scanhook/core/config/command_line.hpp"

using scanhook::core::split_command_line;
using Words = std::vector<std::string>;

TEST_CASE("a plugin command's words, its options included, skip the daemon's option parser",
          "[commands]") {
  const auto line = split_command_line({"scanhookd", "--config", "/etc/s.ini", "plex-sources",
                                        "disable-all", "--managed", "--service", "home"});
  CHECK(line.daemon == Words{"scanhookd", "--config", "/etc/s.ini", "plex-sources"});
  CHECK(line.plugin_words == Words{"disable-all", "--managed", "--service", "home"});
}

TEST_CASE("the daemon still reads --config given after a plugin command", "[commands]") {
  const auto line =
      split_command_line({"scanhookd", "plex-sources", "list", "-c", "/a.ini", "--config=/b.ini"});
  CHECK(line.daemon == Words{"scanhookd", "plex-sources", "-c", "/a.ini", "--config=/b.ini"});
  CHECK(line.plugin_words == Words{"list"});
}

TEST_CASE("built-in commands and no command keep every word for the daemon", "[commands]") {
  for (const Words& args :
       {Words{"scanhookd", "-c", "x.ini", "doctor", "/tv/a", "--check-config"},
        Words{"scanhookd", "db", "check", "--config", "x"},
        Words{"scanhookd", "--check-config", "--config", "plugins"}, Words{"scanhookd"}}) {
    const auto line = split_command_line(args);
    CHECK(line.daemon == args);
    CHECK(line.plugin_words.empty());
  }
}
