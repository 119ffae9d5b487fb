#include <catch2/catch.hpp>

#include "scanhook/support/library_cache.hpp"
#include "scanhook/support/library_match.hpp"
#include "scanhook/support/media_updated.hpp"

using scanhook::EventKind;
using scanhook::Result;
using scanhook::Status;
using scanhook::support::Discovery;
using scanhook::support::Library;
using scanhook::support::LibraryCache;
using scanhook::support::match_libraries;
using scanhook::support::media_updated_body;
using scanhook::support::path_within;
using scanhook::support::server_form;

namespace {

std::vector<std::string> keys_of(const std::vector<Library>& libraries) {
  std::vector<std::string> keys;
  for (const auto& library : libraries) keys.push_back(library.key);
  return keys;
}

}  // namespace

TEST_CASE("a location owns the paths under it at a separator boundary", "[library_match]") {
  CHECK(path_within("/tv/Show", "/tv"));
  CHECK(path_within("/tv/Show/Season 1", "/tv/"));
  CHECK(path_within("/tv", "/tv"));
  CHECK(path_within("/tv/", "/tv"));
  CHECK_FALSE(path_within("/tv2/Show", "/tv"));
  CHECK_FALSE(path_within("/tv2", "/tv"));
  CHECK_FALSE(path_within("/t", "/tv"));
  CHECK_FALSE(path_within("/movies/tv/x", "/tv"));
  CHECK(path_within("/anything", "/"));
  CHECK(path_within("D:\\Media\\TV\\Show", "D:\\Media\\TV"));
  CHECK_FALSE(path_within("D:\\Media\\TV2\\Show", "D:\\Media\\TV"));
  CHECK_FALSE(path_within("/tv/Show", ""));
}

TEST_CASE(
    "a Windows location owns paths without regard to case or separator, and gets them in "
    "its own form",
    "[library_match]") {
  CHECK(path_within("t:/TV/Show", "T:\\tv"));
  CHECK(path_within("T:\\tv\\Show", "t:\\TV\\"));
  CHECK(path_within("\\\\NAS\\Media\\Movies\\Film", "\\\\nas\\media\\movies"));
  CHECK_FALSE(path_within("T:\\tv2\\Show", "T:\\tv"));
  CHECK_FALSE(path_within("/TV/Show", "/tv"));  // POSIX stays case-sensitive
  CHECK(server_form("t:/TV/Show/Season 1", "T:\\tv") == "T:\\tv\\Show\\Season 1");
  CHECK(server_form("\\\\NAS\\media\\movies\\Film", "\\\\nas\\Media\\Movies") ==
        "\\\\nas\\Media\\Movies\\Film");
  CHECK(server_form("T:\\Show", "T:\\") == "T:\\Show");
  CHECK(server_form("/tv/Show", "/tv/") == "/tv/Show");

  const std::vector<Library> libraries{{"2", "TV Shows", {"T:\\tv"}},
                                       {"3", "Films", {"\\\\nas\\media\\movies"}}};
  const auto match = match_libraries("t:\\TV\\Show", libraries, "Plex");
  CHECK(match.verdict.status == Status::ok);
  CHECK(keys_of(match.libraries) == std::vector<std::string>{"2"});
  CHECK(match.server_paths == std::vector<std::string>{"T:\\tv\\Show"});
  const auto root = match_libraries("T:\\TV", libraries, "Plex");
  CHECK(root.verdict.status == Status::rejected);
  CHECK(root.only_roots);
}

TEST_CASE("a folder belongs to every library that owns it, and roots are refused",
          "[library_match]") {
  const std::vector<Library> libraries = {{"1", "TV Shows", {"/media/tv", "/more/tv"}},
                                          {"2", "Everything", {"/media"}},
                                          {"3", "Movies", {"/media/movies/"}}};
  const auto both = match_libraries("/media/tv/Show", libraries, "Plex");
  CHECK(both.verdict.status == Status::ok);
  CHECK(keys_of(both.libraries) == std::vector<std::string>{"1", "2"});

  const auto second_location = match_libraries("/more/tv/Other", libraries, "Plex");
  CHECK(keys_of(second_location.libraries) == std::vector<std::string>{"1"});

  // The root of TV Shows is still a partial scan of Everything.
  const auto nested_root = match_libraries("/media/tv", libraries, "Plex");
  CHECK(nested_root.verdict.status == Status::ok);
  CHECK(keys_of(nested_root.libraries) == std::vector<std::string>{"2"});

  const auto root = match_libraries("/media/movies", libraries, "Plex");
  CHECK(root.verdict.status == Status::ok);  // inside Everything
  const auto only_root = match_libraries("/more/tv/", libraries, "Plex");
  CHECK(only_root.verdict.status == Status::rejected);
  CHECK(only_root.only_roots);
  CHECK(only_root.verdict.reason ==
        "/more/tv/ is the root of the Plex library \"TV Shows\": a "
        "partial scan there would rescan the whole library");

  const auto none = match_libraries("/downloads/x", libraries, "Emby");
  CHECK(none.verdict.status == Status::rejected);
  CHECK_FALSE(none.only_roots);
  CHECK(none.verdict.reason ==
        "/downloads/x is in no Emby library (libraries: TV Shows (/media/tv, "
        "/more/tv); Everything (/media); Movies (/media/movies/))");
  CHECK(match_libraries("/x", {}, "Plex").verdict.reason ==
        "/x is in no Plex library (it has no libraries)");
}

TEST_CASE("the library list is read lazily, kept for its lifetime, and reread for a stray folder",
          "[library_match]") {
  int reads = 0;
  std::vector<Library> current = {{"1", "TV", {"/tv"}}};
  Result answer = Result::unavailable("Plex did not answer: Connection refused");
  LibraryCache cache(
      [&] {
        ++reads;
        return Discovery{answer, answer.status == Status::ok ? current : std::vector<Library>{}};
      },
      std::chrono::hours(1), "Plex");
  CHECK(reads == 0);  // nothing at construction: the server may be down

  bool may_rediscover = true;
  const auto down = cache.resolve("/tv/Show", may_rediscover);
  CHECK(down.verdict.status == Status::unavailable);
  CHECK(down.verdict.reason == "Plex did not answer: Connection refused");

  answer = Result::ok();
  may_rediscover = true;
  CHECK(cache.resolve("/tv/Show", may_rediscover).verdict.status == Status::ok);
  CHECK(cache.resolve("/tv/Other", may_rediscover).verdict.status == Status::ok);
  CHECK(reads == 2);  // the failed read is not cached; the good one is

  current.push_back({"2", "Music", {"/music"}});
  CHECK(cache.resolve("/music/A", may_rediscover).verdict.status == Status::ok);
  CHECK_FALSE(may_rediscover);
  CHECK(reads == 3);
  // One rediscovery per batch: the next stray is rejected from the cache.
  CHECK(cache.resolve("/books/B", may_rediscover).verdict.status == Status::rejected);
  CHECK(reads == 3);
  // A library root is not a reason to read again.
  may_rediscover = true;
  CHECK(cache.resolve("/music", may_rediscover).verdict.status == Status::rejected);
  CHECK(reads == 3);
}

TEST_CASE("an expired library list is read again", "[library_match]") {
  int reads = 0;
  LibraryCache cache(
      [&] {
        ++reads;
        return Discovery{Result::ok(), {{"1", "TV", {"/tv"}}}};
      },
      std::chrono::milliseconds(0), "Jellyfin");
  cache.current();
  cache.current();
  CHECK(reads == 2);
}

TEST_CASE("Media/Updated bodies carry every folder with its kind, JSON-escaped",
          "[library_match]") {
  CHECK(
      media_updated_body({{"/tv/Show \"Quoted\"", EventKind::created, 0},
                          {"C:\\tv\\Show", EventKind::deleted, 0},
                          {"/tv/Other", EventKind::modified, 0}}) ==
      R"j({"Updates":[{"Path":"/tv/Show \"Quoted\"","UpdateType":"Created"},{"Path":"C:\\tv\\Show","UpdateType":"Deleted"},{"Path":"/tv/Other","UpdateType":"Modified"}]})j");
}
