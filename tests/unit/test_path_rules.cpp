#include <catch2/catch.hpp>

#include "scanhook/core/pipeline/path_rules.hpp"
#include "support/expected_printing.hpp"

using namespace scanhook::core;

namespace {

// What the door made of a path: the path normalised, or "refused: <the rule>".
std::string outcome(const Expected<std::string>& checked) {
  return checked ? *checked : "refused: " + checked.error().message;
}

}  // namespace

TEST_CASE("the door refuses relative paths, '..' segments and NUL, naming the rule", "[paths]") {
  CHECK(outcome(check_path("tv/Show")) ==
        "refused: the path is not absolute (it must start with /)");
  CHECK(outcome(check_path("/tv/../etc")) == "refused: the path has a \"..\" segment");
  CHECK(outcome(check_path("/tv/..")) == "refused: the path has a \"..\" segment");
  CHECK(outcome(check_path(std::string("/tv/a\0b", 7))) == "refused: the path contains a NUL byte");
  CHECK(outcome(check_path("/tv/a\nb")) ==
        "refused: the path contains a control character (byte 0x0A)");
  CHECK(outcome(check_path("/tv/a\x7f")) ==
        "refused: the path contains a control character (byte 0x7F)");
  CHECK(outcome(check_path("")) == "refused: the path is empty");
  CHECK(outcome(check_path("/tv/caf\xE9")) == "refused: the path is not valid UTF-8");
  CHECK(check_path("/tv/caf\xC3\xA9"));
  CHECK(outcome(check_path("C:\\TV\\Show")) ==
        "refused: the path is not absolute: it is a Windows path; add a rewrite rule for its drive "
        "such as \"C:\\ => /mnt/...\" to the source");
  CHECK(check_path("/tv/..hidden/a..b"));
}

TEST_CASE("the door normalises double slashes, '.' segments and a trailing slash", "[paths]") {
  CHECK(outcome(check_path("//tv///Show/./Season 1/")) == "/tv/Show/Season 1");
  CHECK(outcome(check_path("/")) == "/");
  CHECK(outcome(check_path("/tv/Show")) == "/tv/Show");
}

TEST_CASE("a file's folder is its parent", "[paths]") {
  CHECK(parent_folder("/tv/Show/Season 1/a.mkv") == "/tv/Show/Season 1");
  CHECK(parent_folder("/a.mkv") == "/");
}

TEST_CASE("a prefix rewrite matches at a '/' boundary only", "[paths]") {
  const PathRules rules({"/data/tv => /mnt/tv"}, {}, {});
  CHECK(rules.rewrite("/data/tv/Show/S01").path == "/mnt/tv/Show/S01");
  CHECK(rules.rewrite("/data/tv/Show/S01").rule == "/data/tv => /mnt/tv");
  CHECK(rules.rewrite("/data/tv").path == "/mnt/tv");
  CHECK(rules.rewrite("/data/tvshows/x").path == "/data/tvshows/x");
  CHECK(rules.rewrite("/data/tvshows/x").rule.empty());
}

TEST_CASE("an empty TO strips the prefix, leaving the root for the prefix itself", "[paths]") {
  const PathRules rules({"/mnt/remote =>"}, {}, {});
  CHECK(rules.rewrite("/mnt/remote/tv/Show").path == "/tv/Show");
  CHECK(rules.rewrite("/mnt/remote").path == "/");
  CHECK(rules.rewrite("/mnt/remotely/x").path == "/mnt/remotely/x");
  CHECK(PathRules::check_rule("/mnt/remote =>"));
}

TEST_CASE("rewrite rules are tried in order and the first match applies", "[paths]") {
  const PathRules rules({"/data/tv/anime => /anime", "/data/tv => /mnt/tv", "/mnt => /other"}, {},
                        {});
  CHECK(rules.rewrite("/data/tv/anime/x").path == "/anime/x");
  CHECK(rules.rewrite("/data/tv/x").path == "/mnt/tv/x");
}

TEST_CASE("the first matching rewrite applies even when a later one matches a longer prefix",
          "[paths]") {
  const PathRules rules({"/data => /general", "/data/tv => /specific", "~^/data/tv/(.*) => /re/$1"},
                        {}, {});
  CHECK(rules.rewrite("/data/tv/Show").path == "/general/tv/Show");
  CHECK(rules.rewrite("/data/tv/Show").rule == "/data => /general");
  const PathRules regex_first({"~^/data/(.*) => /re/$1", "/data/tv => /specific"}, {}, {});
  CHECK(regex_first.rewrite("/data/tv/Show").path == "/re/tv/Show");
}

TEST_CASE("a regex rewrite replaces its match with capture groups", "[paths]") {
  const PathRules rules({"~^/data/(tv|movies)/([^/]+) => /mnt/$1/by-name/$2"}, {}, {});
  CHECK(rules.rewrite("/data/tv/Show/Season 1").path == "/mnt/tv/by-name/Show/Season 1");
  CHECK(rules.rewrite("/data/music/x").path == "/data/music/x");
}

TEST_CASE("Windows paths are rewritten to POSIX by a drive prefix rule, ignoring case", "[paths]") {
  const PathRules rules({"C:\\TV => /mnt/tv", "\\\\nas\\movies => /mnt/movies"}, {}, {});
  CHECK(rules.rewrite("C:\\TV\\Show\\Season 1").path == "/mnt/tv/Show/Season 1");
  CHECK(rules.rewrite("c:\\tv\\Show").path == "/mnt/tv/Show");
  CHECK(rules.rewrite("C:/TV/Show").path == "/mnt/tv/Show");
  CHECK(rules.rewrite("\\\\nas\\movies\\Film (2020)").path == "/mnt/movies/Film (2020)");
  // An unmapped Windows path stays as it came, so the door refuses it.
  CHECK(rules.rewrite("D:\\TV\\Show").path == "D:\\TV\\Show");
  CHECK_FALSE(check_path(rules.rewrite("D:\\TV\\Show").path));
}

TEST_CASE("a target rewrite to a Windows drive or UNC path gives the server's own form",
          "[paths]") {
  const PathRules rules({"/tv => T:\\tv", "/movies => \\\\nas\\media\\movies", "/root => T:\\"}, {},
                        {});
  CHECK(PathRules::check_rule("/tv => T:\\tv"));
  CHECK(rules.rewrite("/tv/Show/Season 1").path == "T:\\tv\\Show\\Season 1");
  CHECK(rules.rewrite("/tv").path == "T:\\tv");
  CHECK(rules.rewrite("/movies/Film (2020)").path == "\\\\nas\\media\\movies\\Film (2020)");
  CHECK(rules.rewrite("/root/x").path == "T:\\x");
}

TEST_CASE(
    "a target path may be a Windows path, normalised to backslashes, and '..' is still "
    "refused",
    "[paths]") {
  CHECK(outcome(check_target_path("T:\\tv\\Show")) == "T:\\tv\\Show");
  CHECK(outcome(check_target_path("T:/tv//Show/")) == "T:\\tv\\Show");
  CHECK(outcome(check_target_path("T:\\tv/Show\\.\\S01")) == "T:\\tv\\Show\\S01");
  CHECK(outcome(check_target_path("\\\\nas\\media/movies")) == "\\\\nas\\media\\movies");
  CHECK(outcome(check_target_path("T:\\")) == "T:\\");
  CHECK(outcome(check_target_path("T:\\tv\\..\\x")) == "refused: the path has a \"..\" segment");
  CHECK_FALSE(check_target_path("\\\\nas"));
  CHECK(outcome(check_target_path("/tv//Show/")) == "/tv/Show");
  CHECK_FALSE(check_target_path("tv/Show"));
  // A regex rule's Windows output is accepted on the target side too.
  const PathRules regex({"~^/tv/(.*)$ => T:\\tv\\$1"}, {}, {});
  CHECK(outcome(check_target_path(regex.rewrite("/tv/Show/Season 1").path)) ==
        "T:\\tv\\Show\\Season 1");
}

TEST_CASE("a bad rewrite rule is refused with what is wrong", "[paths]") {
  CHECK(PathRules::check_rule("/a /b").error().message ==
        "rewrite \"/a /b\" has no \"=>\": write FROM => TO or ~REGEX => TO");
  CHECK(PathRules::check_rule("a => /b").error().message ==
        "rewrite \"a => /b\": FROM must be an absolute path (or a Windows path such as C:\\TV), "
        "or ~REGEX for a regex rule");
  CHECK(PathRules::check_rule("/a => b").error().message ==
        "rewrite \"/a => b\": TO must be an absolute path, or a Windows path such as T:\\tv or "
        "\\\\nas\\media");
  CHECK(PathRules::check_rule("/a => \\\\nas").error().message ==
        "rewrite \"/a => \\\\nas\": TO: a UNC path must name a server and a share "
        "(\\\\server\\share)");
  CHECK_THAT(PathRules::check_rule("~(unclosed => /b").error().message,
             Catch::StartsWith("rewrite \"~(unclosed => /b\": not a valid regular expression"));
  CHECK(PathRules::check_rule("/a => /b"));
  CHECK_THROWS_WITH(PathRules({"nonsense"}, {}, {}), Catch::Contains("has no \"=>\""));
}

TEST_CASE("exclude wins over include, and includes restrict", "[paths]") {
  const PathRules rules({}, {"^/tv/", "^/movies/"}, {"/Extras(/|$)"});
  CHECK(rules.filter("/tv/Show").accepted);
  CHECK(rules.filter("/movies/Film").accepted);
  const auto excluded = rules.filter("/tv/Show/Extras");
  CHECK_FALSE(excluded.accepted);
  CHECK(excluded.reason == "excluded by exclude = /Extras(/|$)");
  const auto outside = rules.filter("/music/Album");
  CHECK_FALSE(outside.accepted);
  CHECK(outside.reason == "matches no include (^/tv/, ^/movies/)");
  CHECK(PathRules().filter("/anything").accepted);
}

TEST_CASE("the door refuses a path over 4096 bytes or with a component over 255, naming the limit",
          "[paths][limits]") {
  const std::string component(255, 'a');
  std::string longest;
  for (int i = 0; i < 15; ++i) longest += "/" + component;  // 3840 bytes
  longest += "/" + std::string(kMaxPathBytes - longest.size() - 1, 'b');
  REQUIRE(longest.size() == kMaxPathBytes);
  CHECK(check_path(longest));
  CHECK(outcome(check_path(longest + "c")) ==
        "refused: the path is 4097 bytes long, over the limit of 4096 bytes (PATH_MAX)");
  CHECK(check_path("/tv/" + component));
  CHECK(outcome(check_path("/tv/" + component + "x/S01")) ==
        "refused: a path component is 256 bytes long, over the limit of 255 bytes (NAME_MAX)");
}

TEST_CASE("a 40 KB path goes through a regex rewrite, unchanged, and the door refuses it",
          "[paths][limits]") {
  // std::regex recursed once per character here and overflowed the stack.
  const PathRules rules({"~^/tv/(.*) => /mnt/tv/$1"}, {"^/mnt/"}, {"(a|b)*c$"});
  const std::string path = "/tv/" + std::string(40 * 1024, 'a');
  const Rewritten rewritten = rules.rewrite(path);
  CHECK(rewritten.rule.empty());
  CHECK_FALSE(check_path(rewritten.path));
  // The same pattern on a path just under the limit still runs.
  const std::string near_limit = "/tv/" + std::string(4000, 'a');
  CHECK(rules.rewrite(near_limit).path == "/mnt/tv/" + std::string(4000, 'a'));
  CHECK(rules.filter("/mnt/tv/" + std::string(4000, 'a')).accepted);
  // The filters run in linear time on any length too (the door limits only what is queued).
  const FilterVerdict huge = rules.filter("/mnt/" + std::string(40 * 1024, 'a') + "c");
  CHECK(huge.reason == "excluded by exclude = (a|b)*c$");
}

TEST_CASE("a regex rewrite fills $&, keeps $$ as '$' and replaces only the first match",
          "[paths]") {
  const PathRules rules({"~Season ([0-9]+) => S$1 ($&) $$x"}, {}, {});
  CHECK(rules.rewrite("/tv/Show/Season 1/Season 2").path == "/tv/Show/S1 (Season 1) $x/Season 2");
  const PathRules optional_group({"~^/(tv)?x/ => /mnt/[$1]/"}, {}, {});
  CHECK(optional_group.rewrite("/x/a").path == "/mnt/[]/a");
}

TEST_CASE("a regex RE2 cannot compile is refused with RE2's reason", "[paths][re2]") {
  // Lookahead and backreferences are not RE2 syntax: they would need backtracking.
  CHECK(PathRules::check_rule("~^/tv/(?!Extras) => /mnt/tv/").error().message ==
        "rewrite \"~^/tv/(?!Extras) => /mnt/tv/\": not a valid regular expression (invalid "
        "perl operator: (?!)");
  CHECK_THROWS_WITH(PathRules({}, {"^/(tv)/\\1"}, {}),
                    "include \"^/(tv)/\\1\": not a valid regular expression (invalid escape "
                    "sequence: \\1)");
  CHECK_THROWS_WITH(PathRules({}, {}, {"[a-"}),
                    "exclude \"[a-\": not a valid regular expression (missing ]: [a-)");
  const auto lookbehind = compile_regex("(?<=x)y");
  CHECK_FALSE(lookbehind);
  CHECK(lookbehind.error().message == "invalid perl operator: (?<");
}

TEST_CASE("a regex rewrite whose TO names a group the regex lacks is refused", "[paths][re2]") {
  CHECK(PathRules::check_rule("~^/tv/(.*) => /mnt/tv/$2").error().message ==
        "rewrite \"~^/tv/(.*) => /mnt/tv/$2\": TO uses $2 but the regex has 1 capture group");
  CHECK(PathRules::check_rule("~^/tv/ => /mnt/$1").error().message ==
        "rewrite \"~^/tv/ => /mnt/$1\": TO uses $1 but the regex has 0 capture groups");
  CHECK(PathRules::check_rule("~^/tv/ => /mnt/$$1"));
}

TEST_CASE("a quoted excerpt keeps short text whole and cuts long text, saying its length",
          "[paths][limits]") {
  CHECK(quoted_excerpt("/tv/Show") == "\"/tv/Show\"");
  const std::string big(1024 * 1024, 'x');
  const std::string excerpt = quoted_excerpt(big);
  CHECK(excerpt == "\"" + std::string(200, 'x') + "...\" (1048576 bytes)");
}
