#include <catch2/catch.hpp>

#include "scanhook/support/host_path.hpp"

using scanhook::support::is_windows_path;
using scanhook::support::join_host_path;

TEST_CASE("drive-letter and UNC paths are Windows paths, others are not", "[host_path]") {
  CHECK(is_windows_path("C:\\TV\\Show"));
  CHECK(is_windows_path("d:/Movies"));
  CHECK(is_windows_path("\\\\nas\\media\\tv"));
  CHECK_FALSE(is_windows_path("/tv/Show"));
  CHECK_FALSE(is_windows_path("C:"));
  CHECK_FALSE(is_windows_path("relative\\x"));
}

TEST_CASE("a relative path joins a folder with the folder's own separator", "[host_path]") {
  CHECK(join_host_path("/tv/Show", "Season 1/x.mkv") == "/tv/Show/Season 1/x.mkv");
  CHECK(join_host_path("/tv/Show/", "/Season 1/x.mkv") == "/tv/Show/Season 1/x.mkv");
  CHECK(join_host_path("C:\\TV\\Show\\", "Season 1\\x.mkv") == "C:\\TV\\Show\\Season 1\\x.mkv");
  CHECK(join_host_path("\\\\nas\\tv", "Show\\x.mkv") == "\\\\nas\\tv\\Show\\x.mkv");
  // a backslash is an ordinary character in a POSIX name
  CHECK(join_host_path("/tv/Show", "a\\b.mkv") == "/tv/Show/a\\b.mkv");
}
