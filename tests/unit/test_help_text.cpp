// --help's layout (help_text.hpp): what an 80-column terminal shows.
#include <catch2/catch.hpp>

#include <sstream>

#include "scanhook/core/config/help_text.hpp"

using scanhook::core::help_text;
using scanhook::core::HelpEntry;
using scanhook::core::wrapped;

TEST_CASE("text is wrapped at spaces within the width, later lines indented", "[help]") {
  CHECK(wrapped("one two three four", 2, 0, 10) == "one two\n  three\n  four");
  CHECK(wrapped("one two", 4, 6, 10) == "one\n    two");  // the first line starts at column 6
  CHECK(wrapped("  spaces   collapse  ", 0, 0) == "spaces collapse");
  // A word longer than a line stands alone rather than being cut.
  CHECK(wrapped("a " + std::string(12, 'x') + " b", 0, 0, 10) ==
        "a\n" + std::string(12, 'x') + "\nb");
}

TEST_CASE("a list entry's text stays in its column, a long term takes a line of its own",
          "[help]") {
  const std::string long_text =
      "plex_optout plugin: Plex Online Media Sources (--service NAME, disable-all --managed)";
  const std::string text =
      help_text("scanhookd",
                {{"plugins", "list the plugins"},
                 {"plex-sources login | logout | status | list | set KEY VALUE", long_text}},
                {{"--daemon", "Run application as a daemon."}}, {{"0", "ok"}});
  CHECK_THAT(text, Catch::Matchers::Contains("\n  plugins                 list the plugins\n"));
  CHECK_THAT(text, Catch::Matchers::Contains(
                       "\n  plex-sources login | logout | status | list | set KEY VALUE\n"
                       "                          plex_optout plugin: Plex Online Media Sources\n"
                       "                          (--service NAME, disable-all --managed)\n"));
  CHECK_THAT(text, Catch::Matchers::Contains("Exit codes:\n  0                       ok\n"));
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    INFO(line);
    CHECK(line.size() <= 80);
  }
}
