// The path checks the *arr sources use to decide whether a payload's file
// fields can be trusted (see arr_events.hpp).
#include <catch2/catch.hpp>

#include "scanhook/support/arr_events.hpp"

using scanhook::support::is_contained_relative;
using scanhook::support::is_inside;

TEST_CASE("a relativePath is used only when it stays below the item's folder", "[arr]") {
  CHECK(is_contained_relative("Season 3/Foundation - S03E01.mkv"));
  CHECK(is_contained_relative("Season 3\\Foundation - S03E01.mkv"));
  CHECK(is_contained_relative("Foundation..S03E01.mkv"));  // dots inside a name are fine
  CHECK(is_contained_relative("..hidden/x.mkv"));
  CHECK_FALSE(is_contained_relative(""));
  CHECK_FALSE(is_contained_relative("/tv/Foundation/x.mkv"));
  CHECK_FALSE(is_contained_relative("\\\\nas\\tv\\x.mkv"));
  CHECK_FALSE(is_contained_relative("C:x.mkv"));
  CHECK_FALSE(is_contained_relative("D:\\TV\\x.mkv"));
  CHECK_FALSE(is_contained_relative(".."));
  CHECK_FALSE(is_contained_relative("../Other Show/x.mkv"));
  CHECK_FALSE(is_contained_relative("Season 3/../../x.mkv"));
  CHECK_FALSE(is_contained_relative("Season 3\\..\\..\\x.mkv"));
}

TEST_CASE("a file path counts as inside the item's folder only below it", "[arr]") {
  CHECK(is_inside("/tv/Foundation", "/tv/Foundation/Season 3/x.mkv"));
  CHECK(is_inside("/tv/Foundation/", "/tv/Foundation/Season 3/x.mkv"));
  CHECK(is_inside("/tv/Foundation", "/tv/Foundation"));
  CHECK(is_inside("/", "/tv/x.mkv"));
  CHECK_FALSE(is_inside("/tv/Foundation", "/tv/Foundation 2/x.mkv"));  // a sibling with a prefix
  CHECK_FALSE(is_inside("/tv/Foundation", "/tv/foundation/x.mkv"));    // POSIX: case matters
  CHECK_FALSE(is_inside("/tv/Foundation", "/downloads/complete/Foundation.S03E01/x.mkv"));
  CHECK_FALSE(is_inside("/tv/Foundation", "/tv"));
  // Windows hosts: case-insensitive, either separator.
  CHECK(is_inside("D:\\TV\\The Bear", "D:\\TV\\The Bear\\Season 3\\x.mkv"));
  CHECK(is_inside("D:\\TV\\The Bear", "d:/tv/the bear/Season 3/x.mkv"));
  CHECK(is_inside("\\\\nas\\media\\tv\\Show", "\\\\NAS\\Media\\TV\\Show\\S1\\x.mkv"));
  CHECK_FALSE(is_inside("D:\\TV\\The Bear", "E:\\Downloads\\complete\\x.mkv"));
  CHECK_FALSE(is_inside("D:\\TV\\The Bear", "D:\\TV\\The Bears\\x.mkv"));
}
