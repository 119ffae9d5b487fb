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

TEST_CASE("an option value the daemon cannot use is named before anything starts", "[commands]") {
  using scanhook::core::option_value_problem;
  CHECK(option_value_problem("umask", "999").value_or("") ==
        "--umask takes an octal mask from 0 to 0777, such as 027, not \"999\"");
  CHECK(option_value_problem("umask", "1000"));
  CHECK(option_value_problem("umask", "0o22"));
  CHECK(option_value_problem("umask", ""));
  CHECK_FALSE(option_value_problem("umask", "0777"));
  CHECK_FALSE(option_value_problem("umask", "027"));
  CHECK(option_value_problem("config", "").value_or("") == "--config needs a file name");
  CHECK(option_value_problem("pidfile", ""));
  CHECK_FALSE(option_value_problem("config", "/etc/scanhook.ini"));
}

TEST_CASE("built-in commands take only their own words", "[commands]") {
  using scanhook::core::command_usage_problem;
  CHECK(command_usage_problem("plugins", {"extra"}, false));
  CHECK_FALSE(command_usage_problem("plugins", {}, false));
  CHECK(command_usage_problem("db", {}, false));
  CHECK(command_usage_problem("db", {"check", "now"}, false));
  CHECK_FALSE(command_usage_problem("db", {"check"}, false));
  CHECK_FALSE(command_usage_problem("doctor", {"/tv/a", "/tv/b"}, false));
  CHECK(command_usage_problem("doctor", {}, true));
  CHECK_FALSE(command_usage_problem("", {}, true));
}
