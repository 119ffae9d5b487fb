// The rclone plugin's listing model on its own: reading rclone's answer,
// ModTime, the side-by-side diff, and the bucketed store.
#include <catch2/catch.hpp>

#include "listing.hpp"
#include "listing_diff.hpp"
#include "listing_parser.hpp"
#include "listing_store.hpp"
#include "mod_time.hpp"
#include "support/plugin_harness.hpp"
#include "support/recording_host.hpp"

using scanhook::EventKind;
using scanhook::rclone::diff_listings;
using scanhook::rclone::FileEntry;
using scanhook::rclone::Listing;
using scanhook::rclone::ListingStore;
using scanhook::rclone::parse_listing;
using scanhook::rclone::parse_mod_time;
using scanhook::testing::read_test_data;
using scanhook::testing::RecordingHost;

namespace {

constexpr std::int64_t kSecond = 1000000000;
constexpr std::int64_t k20240301T102030Z = 1709288430;

std::vector<std::string> entries(const Listing& listing) {
  std::vector<std::string> lines;
  for (std::size_t i = 0; i < listing.size(); ++i)
    lines.push_back(std::string(listing[i].path) + " " + std::to_string(listing[i].size) + " " +
                    std::to_string(listing[i].mod_time_ns));
  return lines;
}

Listing listing_of(const std::vector<std::tuple<std::string, std::int64_t, std::int64_t>>& files) {
  Listing listing;
  for (const auto& [path, size, mod_time] : files) listing.add(path, size, mod_time);
  listing.sort();
  return listing;
}

}  // namespace

TEST_CASE("rclone's ModTime is read to the nanosecond, with Z or an offset", "[rclone]") {
  CHECK(parse_mod_time("2024-03-01T10:20:30Z") == k20240301T102030Z * kSecond);
  CHECK(parse_mod_time("2024-03-01T10:20:30.123456789Z") ==
        k20240301T102030Z * kSecond + 123456789);
  CHECK(parse_mod_time("2024-03-01T11:20:30.5+01:00") == k20240301T102030Z * kSecond + 500000000);
  CHECK(parse_mod_time("2024-03-01T08:20:30-02:00") == k20240301T102030Z * kSecond);
  CHECK(parse_mod_time("1969-12-31T23:59:59Z") == -kSecond);
  CHECK(parse_mod_time("2024-03-01 10:20:30Z") == std::nullopt);
  CHECK(parse_mod_time("2024-03-01T10:20:30") == std::nullopt);
  CHECK(parse_mod_time("2024-13-01T10:20:30Z") == std::nullopt);
  CHECK(parse_mod_time("2024-03-01T10:20:30.Z") == std::nullopt);
  CHECK(parse_mod_time("") == std::nullopt);
}

TEST_CASE("operations/list is read into files only, nested objects ignored", "[rclone]") {
  Listing listing = parse_listing(read_test_data("rclone/operations_list.json"));
  listing.sort();
  CHECK(entries(listing) ==
        std::vector<std::string>{
            "Movies/Ünïcödé \"Film\" (2021)/film.mkv 0 1640995199000000000",
            "TV/Show (2019)/Season 01/Show (2019) - S01E01.mkv 2147483648 1709288430123456789",
            "TV/Show (2019)/Season 01/Show (2019) - S01E02.mkv 1073741824 1709288430500000000"});
}

TEST_CASE("an answer that is not operations/list's shape is refused with the reason", "[rclone]") {
  CHECK_THROWS_WITH(
      parse_listing(R"({"list": [{"Path": "a", "Size": 1, "ModTime": "yesterday"}]})"),
      "the entry \"a\" has an unreadable ModTime \"yesterday\"");
  CHECK_THROWS_WITH(parse_listing(R"({"result": {}})"),
                    "operations/list answered without a \"list\"");
  CHECK_THROWS_WITH(parse_listing(R"({"list": [)"),
                    Catch::Matchers::StartsWith("operations/list did not answer JSON"));
}

TEST_CASE("a path listed twice (Google Drive duplicates) keeps its newest entry", "[rclone]") {
  const Listing listing = listing_of({{"b", 1, 5}, {"a", 2, 9}, {"a", 3, 10}, {"a", 4, 7}});
  CHECK(entries(listing) == std::vector<std::string>{"a 3 10", "b 1 5"});
}

TEST_CASE("the diff walks both listings in path order", "[rclone]") {
  const Listing before = listing_of({{"a", 1, 1}, {"b", 1, 1}, {"c", 1, 1}, {"d", 1, 1}});
  const Listing after = listing_of({{"a", 1, 1}, {"b", 2, 1}, {"c", 1, 2}, {"e", 1, 1}});
  std::vector<std::string> changes;
  diff_listings(before, after, [&](const FileEntry& entry, EventKind kind) {
    changes.push_back(std::string(scanhook::event_kind_name(kind)) + " " + std::string(entry.path));
  });
  CHECK(changes == std::vector<std::string>{"modified b", "modified c", "deleted d", "created e"});
}

TEST_CASE("the store keeps a listing across restarts and rewrites only changed buckets",
          "[rclone]") {
  RecordingHost host;
  ListingStore store(host);
  const Listing first = listing_of(
      {{"tv/A/1.mkv", 1, 10}, {"tv/B/line\nbreak 2.mkv", 2, 20}, {"movies/C/3.mkv", 3, -30}});
  REQUIRE(store.save_all(first, "gdrive:Media"));
  const auto loaded = store.load("gdrive:Media");
  REQUIRE(loaded);
  CHECK(entries(*loaded) == entries(first));
  CHECK(store.load("gdrive:Other") == std::nullopt);
  CHECK(host.logged("the stored listing is of \"gdrive:Media\", not \"gdrive:Other\""));

  const auto before = host.stored();
  const Listing second = listing_of({{"tv/A/1.mkv", 1, 10},
                                     {"tv/B/line\nbreak 2.mkv", 2, 20},
                                     {"movies/C/3.mkv", 3, -30},
                                     {"movies/C/4.mkv", 4, 40}});
  REQUIRE(store.save_buckets(second, "gdrive:Media", {ListingStore::bucket_of("movies/C/4.mkv")}));
  const auto after = host.stored();
  std::size_t rewritten = 0;
  for (const auto& [key, value] : after)
    rewritten += before.count(key) == 0 || before.at(key) != value;
  CHECK(rewritten == 2);  // the bucket of movies/C and the summary
  CHECK(entries(*store.load("gdrive:Media")) == entries(second));
}

TEST_CASE("a damaged stored listing starts a new baseline instead of inventing changes",
          "[rclone]") {
  RecordingHost host;
  ListingStore store(host);
  REQUIRE(store.save_all(listing_of({{"tv/A/1.mkv", 1, 10}}), "r:"));
  const std::string key = "listing/bucket/" + [] {
    char hex[4];
    std::snprintf(hex, sizeof hex, "%02x", ListingStore::bucket_of("tv/A/1.mkv"));
    return std::string(hex);
  }();
  REQUIRE(host.stored().count(key) == 1);
  host.store(key, "1 10 99 tv/A/1.mkv\n");
  CHECK(store.load("r:") == std::nullopt);
  CHECK(host.logged("the stored listing is damaged (" + key + "): starting a new baseline"));
}
