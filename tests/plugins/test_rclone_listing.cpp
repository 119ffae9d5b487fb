// The rclone plugin's listing model on its own: reading rclone's answer,
// ModTime, the side-by-side diff, and the bucketed store.
#include <catch2/catch.hpp>

#include <limits>

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
using scanhook::rclone::kNoModTime;
using scanhook::rclone::Listing;
using scanhook::rclone::ListingStore;
using scanhook::rclone::parse_listing;
using scanhook::rclone::parse_mod_time;
using scanhook::rclone::UntimedFiles;
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

Listing parsed(const std::string& json) {
  UntimedFiles untimed;
  return parse_listing(json, untimed);
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

TEST_CASE("a ModTime beyond 64 bits of nanoseconds (year 4050, Go's zero time) is unreadable",
          "[rclone]") {
  // Found by fuzz_rclone_listing: 4050-03-14 overflowed int64 (undefined behaviour).
  CHECK(parse_mod_time("4050-03-14T20:07:40.000000000Z") == std::nullopt);
  CHECK(parse_mod_time("0001-01-01T00:00:00Z") == std::nullopt);
  CHECK(parse_mod_time("2262-04-11T23:47:16.854775807Z") ==
        std::numeric_limits<std::int64_t>::max());
  CHECK(parse_mod_time("2262-04-11T23:47:16.854775808Z") == std::nullopt);
  CHECK(parse_mod_time("1677-09-21T00:12:44Z") == -9223372036LL * kSecond);
  CHECK(parse_mod_time("1677-09-21T00:12:43Z") == std::nullopt);
}

TEST_CASE("operations/list is read into files only, nested objects ignored", "[rclone]") {
  Listing listing = parsed(read_test_data("rclone/1.60.1/operations_list_all_fields.json"));
  listing.sort();
  CHECK(entries(listing) ==
        std::vector<std::string>{
            "Movies/Ünïcödé \"Film\" (2021)/film.mkv 0 1640995199000000000",
            "TV/Show (2019)/Season 01/Show (2019) - S01E01.mkv 2147483648 1709288430123456789",
            "TV/Show (2019)/Season 01/Show (2019) - S01E02.mkv 1073741824 1709288430500000000"});
}

TEST_CASE("an answer that is not operations/list's shape is refused with the reason", "[rclone]") {
  CHECK_THROWS_WITH(parsed(R"({"result": {}})"), "operations/list answered without a \"list\"");
  CHECK_THROWS_WITH(parsed(R"({"list": [)"),
                    Catch::Matchers::StartsWith("operations/list did not answer JSON"));
}

TEST_CASE(
    "an entry with an empty or unreadable ModTime is kept, counted, and never sinks the "
    "listing",
    "[rclone]") {
  UntimedFiles untimed;
  Listing listing =
      parse_listing(read_test_data("rclone/1.60.1/operations_list_empty_modtime.json"), untimed);
  listing.sort();
  REQUIRE(listing.size() == 2);
  CHECK(listing[0].path == "Movies/Harbour Lights (2021)/Harbour Lights (2021) - 1080p.mkv");
  CHECK(listing[0].size == 4096);
  CHECK(listing[0].mod_time_ns == kNoModTime);
  CHECK(listing[1].mod_time_ns == kNoModTime);
  CHECK(untimed.count == 2);
  CHECK(untimed.first_path == "Movies/Harbour Lights (2021)/Harbour Lights (2021) - 1080p.mkv");
  CHECK(untimed.first_mod_time.empty());

  UntimedFiles odd;
  const Listing mixed = parse_listing(
      R"({"list": [{"Path": "a", "Size": 1, "ModTime": "yesterday"},
                   {"Path": "b", "Size": 2, "ModTime": "2024-03-01T10:20:30Z"}]})",
      odd);
  REQUIRE(mixed.size() == 2);
  CHECK(odd.count == 1);
  CHECK(odd.first_path == "a");
  CHECK(odd.first_mod_time == "yesterday");
  CHECK(mixed[1].mod_time_ns == k20240301T102030Z * kSecond);
}

TEST_CASE(
    "a file without a ModTime is compared by size: same size is unchanged, a new size is "
    "modified",
    "[rclone]") {
  const auto diff = [](const Listing& before, const Listing& after) {
    std::vector<std::string> seen;
    diff_listings(before, after, [&](const FileEntry& entry, EventKind kind) {
      seen.push_back(std::string(scanhook::event_kind_name(kind)) + " " + std::string(entry.path));
    });
    return seen;
  };
  const Listing before = listing_of({{"a", 1, kNoModTime}, {"b", 2, kNoModTime}, {"c", 3, 7}});
  // a: same size, time now known; b: new size; c: same size, time now lost.
  const Listing after = listing_of({{"a", 1, 9}, {"b", 5, kNoModTime}, {"c", 3, kNoModTime}});
  CHECK(diff(before, after) == std::vector<std::string>{"modified b"});
  // Timed files still compare by time.
  CHECK(diff(listing_of({{"c", 3, 7}}), listing_of({{"c", 3, 8}})) ==
        std::vector<std::string>{"modified c"});
}

TEST_CASE("a file without a ModTime survives the store and a restart", "[rclone]") {
  RecordingHost host;
  ListingStore store(host);
  const Listing listing = listing_of({{"tv/a.mkv", 10, kNoModTime}, {"tv/b.mkv", 11, 5}});
  REQUIRE(store.save_all(listing, "gdrive:"));
  const auto loaded = store.load("gdrive:");
  REQUIRE(loaded);
  CHECK(entries(*loaded) == entries(listing));
  CHECK((*loaded)[0].mod_time_ns == kNoModTime);
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
  CHECK(rewritten == 3);  // the bucket of movies/C, the summary and the writer's save count
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
