// How the rclone plugin reads operations/list's JSON (simdjson On-Demand):
// the members it reads, repeated keys, and answers that are not JSON.
#include <catch2/catch.hpp>

#include <limits>

#include "listing.hpp"
#include "listing_parser.hpp"

using scanhook::rclone::Listing;
using scanhook::rclone::UntimedFiles;

namespace {

constexpr const char* kModTime = R"("ModTime": "2024-03-01T10:20:30Z")";
constexpr std::int64_t kModTimeNs = 1709288430LL * 1000000000;

Listing parse_listing(const std::string& json) {
  UntimedFiles untimed;
  return scanhook::rclone::parse_listing(json, untimed);
}

std::string item(const std::string& members) {
  return std::string("{") + members + ", " + kModTime + "}";
}

}  // namespace

TEST_CASE("rclone listing: of repeated keys the last is read, unknown members are skipped",
          "[rclone][json]") {
  const Listing listing = parse_listing(
      R"({"list": [)" + item(R"("Path": "a.mkv", "Size": 1, "Size": 7, "Path": "b.mkv")") + ", " +
      item(R"("Path": "d", "IsDir": false, "IsDir": true)") + ", " +
      item(R"("Path": "c.mkv", "Hashes": {"Size": 99, "Path": "x"}, "Tags": [[1], {"a": null}])") +
      ", 3, null, [], " + item(R"("Path": "e.mkv", "Size": 1.5e3)") + R"(], "list": 5})");
  REQUIRE(listing.size() == 3);
  CHECK(listing[0].path == "b.mkv");
  CHECK(listing[0].size == 7);
  CHECK(listing[0].mod_time_ns == kModTimeNs);
  CHECK(listing[1].path == "c.mkv");
  CHECK(listing[1].size == -1);  // no Size of its own: the nested one is not the entry's
  CHECK(listing[2].path == "e.mkv");
  CHECK(listing[2].size == 1500);
}

TEST_CASE("rclone listing: a file dated in the year 4050 is kept untimed, compared by size",
          "[rclone][json]") {
  // The input fuzz_rclone_listing found (signed overflow in the ModTime's nanoseconds).
  UntimedFiles untimed;
  const Listing listing = scanhook::rclone::parse_listing(
      R"({"list": [{"Path": "Movies/Harbour Lights (2021)/film.mkv", "Size": 4096,)"
      R"( "ModTime": "4050-03-14T20:07:40.000000000Z", "IsDir": false}, )" +
          item(R"("Path": "b.mkv", "Size": 1)") + "]}",
      untimed);
  REQUIRE(listing.size() == 2);
  CHECK(listing[0].mod_time_ns == scanhook::rclone::kNoModTime);
  CHECK(listing[0].size == 4096);
  CHECK(listing[1].mod_time_ns == kModTimeNs);
  CHECK(untimed.count == 1);
  CHECK(untimed.first_path == "Movies/Harbour Lights (2021)/film.mkv");
  CHECK(untimed.first_mod_time == "4050-03-14T20:07:40.000000000Z");
}

TEST_CASE("rclone listing: a Size beyond 64 bits is read as unknown (-1), not cast",
          "[rclone][json]") {
  // fuzz_rclone_listing found 1073741824888888888888888888888888 (a double
  // out of int64's range: undefined behaviour); 2^63 wrapped to -2^63.
  for (const char* size : {"1073741824888888888888888888888888", "9223372036854775808",
                           "18446744073709551616", "1e300", "-1e300"}) {
    INFO(size);
    const Listing listing = parse_listing(
        R"({"list": [)" + item(std::string(R"("Path": "a.mkv", "Size": )") + size) + "]}");
    REQUIRE(listing.size() == 1);
    CHECK(listing[0].size == -1);
  }
  const Listing largest = parse_listing(
      R"({"list": [)" + item(R"("Path": "a.mkv", "Size": 9223372036854775807)") + "]}");
  CHECK(largest[0].size == std::numeric_limits<std::int64_t>::max());
  const Listing real =
      parse_listing(R"({"list": [)" + item(R"("Path": "a.mkv", "Size": 4.5e9)") + "]}");
  CHECK(real[0].size == 4500000000);
}

TEST_CASE("rclone listing: an answer that is not JSON is refused, however it is broken",
          "[rclone][json]") {
  using Catch::Matchers::StartsWith;
  const auto refused = StartsWith("operations/list did not answer JSON: ");
  CHECK_THROWS_WITH(parse_listing(""), refused);
  CHECK_THROWS_WITH(parse_listing(R"({"list": [)" + item("\"Path\": \"a\xff.mkv\"") + "]}"),
                    refused);
  CHECK_THROWS_WITH(parse_listing(R"({"list": [)" + item(R"("Path": "a\q.mkv")") + "]}"), refused);
  CHECK_THROWS_WITH(parse_listing(R"({"list": [)" + item(R"("Path": "a", "Size": 1e400)") + "]}"),
                    refused);
  CHECK_THROWS_WITH(parse_listing(R"({"list": [)" + item(R"("Path" "a")") + "]}"), refused);
  CHECK_THROWS_WITH(parse_listing(R"({"list": [] "x": 1})"), refused);
  CHECK_THROWS_WITH(parse_listing("[1]"), refused);
}

TEST_CASE("rclone listing: a 100,000-deep member is skipped or refused, never a crash",
          "[rclone][json]") {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  const Listing listing =
      parse_listing(R"({"list": [)" + item(R"("Path": "a.mkv", "Extra": )" + deep) + "]}");
  REQUIRE(listing.size() == 1);
  CHECK(listing[0].path == "a.mkv");
  CHECK_THROWS_WITH(parse_listing(R"({"list": [)" + std::string(100000, '[')),
                    Catch::Matchers::StartsWith("operations/list did not answer JSON: "));
}
