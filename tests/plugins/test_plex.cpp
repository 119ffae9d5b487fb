#include <catch2/catch.hpp>

#include "fakes/fake_plex.hpp"
#include "scanhook/support/http_client.hpp"
#include "scanhook/target.hpp"
#include "scanhook/webhook_source.hpp"
#include "support/plugin_harness.hpp"
#include "support/recording_host.hpp"

using scanhook::EventKind;
using scanhook::HttpRequest;
using scanhook::Status;
using scanhook::core::Role;
using scanhook::fakes::FakePlex;
using scanhook::fakes::PlexRefresh;
using scanhook::testing::make;
using scanhook::testing::read_test_data;
using scanhook::testing::RecordingHost;

namespace scanhook::fakes {
inline bool operator==(const PlexRefresh& a, const PlexRefresh& b) {
  return a.section == b.section && a.path == b.path;
}
}  // namespace scanhook::fakes

namespace {

constexpr const char* kToken = "xQ7bK2mZp9TfR4vW1nYc";
constexpr const char* kBoundary =
    "multipart/form-data; boundary=------------------------3c5e7a9b1d2f4a6c";

void standard_sections(FakePlex& plex) {
  plex.set_sections({{"2", "TV Shows", "show", {"/tv", "/media/anime"}},
                     {"1", "Movies", "movie", {"/movies"}},
                     {"7", "Everything", "movie", {"/media"}}});
}

std::shared_ptr<scanhook::Target> make_target(FakePlex& plex, RecordingHost& host,
                                              const std::string& timeout = "2s") {
  return make<scanhook::Target>(
      "plex", Role::target, {{"url", plex.url()}, {"token", kToken}, {"timeout", timeout}}, host);
}

std::shared_ptr<scanhook::WebhookSource> make_source(FakePlex& plex, RecordingHost& host) {
  return make<scanhook::WebhookSource>("plex", Role::source,
                                       {{"url", plex.url()}, {"server_token", kToken}}, host);
}

HttpRequest webhook(const std::string& body, const std::string& content_type = kBoundary) {
  return {"POST",
          "/triggers/plex",
          {},
          {{"Content-Type", content_type}, {"User-Agent", "PlexMediaServer/1.41.3.9314-a0bfb8370"}},
          body,
          "127.0.0.1"};
}

}  // namespace

TEST_CASE("plex refreshes each section that owns a folder, with the folder url-encoded", "[plex]") {
  FakePlex plex(kToken);
  standard_sections(plex);
  RecordingHost host;
  auto target = make_target(plex, host);

  const auto results =
      target->scan({{"/tv/Northern Lights (2019)/Season 02", EventKind::created, 0},
                    {"/media/anime/Kaze & Tsuki", EventKind::modified, 0}});
  REQUIRE(results.size() == 2);
  CHECK(results[0].status == Status::ok);
  CHECK(results[1].status == Status::ok);
  CHECK(plex.refreshes() == std::vector<PlexRefresh>{{"2", "/tv/Northern Lights (2019)/Season 02"},
                                                     {"2", "/media/anime/Kaze & Tsuki"},
                                                     {"7", "/media/anime/Kaze & Tsuki"}});
  const auto calls = plex.requests_to("GET", "/library/sections/2/refresh");
  REQUIRE(calls.size() == 2);
  CHECK(calls[0].raw_query == "path=%2Ftv%2FNorthern%20Lights%20%282019%29%2FSeason%2002");
  CHECK(calls[0].header("X-Plex-Token") == std::optional<std::string>(kToken));
  CHECK(calls[0].raw_query.find(kToken) == std::string::npos);
  const auto listing = plex.requests_to("GET", "/library/sections");
  REQUIRE(listing.size() == 1);
  CHECK(listing[0].header("Accept") == std::optional<std::string>("application/json"));
}

TEST_CASE("plex refuses section roots and folders outside every section", "[plex]") {
  FakePlex plex(kToken);
  plex.set_sections({{"2", "TV Shows", "show", {"/tv"}}, {"1", "Movies", "movie", {"/movies"}}});
  RecordingHost host;
  auto target = make_target(plex, host);

  const auto results = target->scan({{"/tv", EventKind::modified, 0},
                                     {"/tv2/Show", EventKind::modified, 0},
                                     {"/movies/Film (2001)", EventKind::modified, 0}});
  CHECK(results[0].status == Status::rejected);
  CHECK(results[0].reason ==
        "/tv is the root of the Plex library \"TV Shows\": a partial scan "
        "there would rescan the whole library");
  CHECK(results[1].status == Status::rejected);
  CHECK(results[1].reason ==
        "/tv2/Show is in no Plex library (libraries: TV Shows (/tv); Movies (/movies))");
  CHECK(results[2].status == Status::ok);
  CHECK(plex.refreshes() == std::vector<PlexRefresh>{{"1", "/movies/Film (2001)"}});
}

TEST_CASE("a plex section that answers 404 makes plex read its sections again and retry",
          "[plex]") {
  FakePlex plex(kToken);
  plex.set_sections({{"2", "TV Shows", "show", {"/tv"}}});
  RecordingHost host;
  auto target = make_target(plex, host);
  REQUIRE(target->probe().status == Status::ok);

  // The library was deleted and re-created: same folder, new key.
  plex.set_sections({{"9", "TV Shows", "show", {"/tv"}}});
  const auto results = target->scan({{"/tv/Show", EventKind::modified, 0}});
  CHECK(results[0].status == Status::ok);
  CHECK(plex.refreshes() == std::vector<PlexRefresh>{{"9", "/tv/Show"}});
  CHECK(plex.requests_to("GET", "/library/sections/2/refresh").size() == 1);
  CHECK(plex.requests_to("GET", "/library/sections").size() == 2);
  CHECK(
      host.logged("Plex answered HTTP 404 to the refresh of TV Shows (section 2) for /tv/Show: "
                  "reading the sections again (removed or renumbered?)"));

  // The library is gone altogether: the folder is rejected after one more read.
  plex.set_sections({});
  const auto gone = target->scan({{"/tv/Show", EventKind::modified, 0}});
  CHECK(gone[0].status == Status::rejected);
  CHECK(gone[0].reason == "/tv/Show is in no Plex library (it has no libraries)");
}

TEST_CASE(
    "a refresh 404 from a section plex still lists is that folder's retry, and the rest of the "
    "batch is judged on its own",
    "[plex]") {
  FakePlex plex(kToken);
  plex.set_sections({{"2", "TV Shows", "show", {"/tv"}}, {"1", "Movies", "movie", {"/movies"}}});
  plex.refuse_refreshes_of("2");
  RecordingHost host;
  auto target = make_target(plex, host);
  REQUIRE(target->probe().status == Status::ok);

  const auto results = target->scan({{"/tv/Show3/Season 01", EventKind::modified, 0},
                                     {"/anime/Naruto", EventKind::modified, 0},
                                     {"/movies/Film (2001)", EventKind::modified, 0}});
  REQUIRE(results.size() == 3);
  CHECK(results[0].status == Status::retry);
  CHECK(results[0].reason ==
        "Plex answered HTTP 404 on GET /library/sections/2/refresh?path=%2Ftv%2FShow3%2FSeason%2001"
        ", though /library/sections, read again just now, lists TV Shows (section 2): Plex "
        "refuses this section's refresh; trying the folder again later");
  CHECK(results[1].status == Status::rejected);
  CHECK(results[1].reason ==
        "/anime/Naruto is in no Plex library (libraries: TV Shows (/tv); Movies (/movies))");
  CHECK(results[2].status == Status::ok);
  CHECK(plex.refreshes() == std::vector<PlexRefresh>{{"1", "/movies/Film (2001)"}});
  CHECK(plex.requests_to("GET", "/library/sections/2/refresh").size() == 2);  // once re-read
}

TEST_CASE("once plex is unavailable a folder in no section is still rejected", "[plex]") {
  FakePlex plex(kToken);
  plex.set_sections({{"1", "Movies", "movie", {"/movies"}}});
  RecordingHost host;
  auto target = make_target(plex, host);
  REQUIRE(target->probe().status == Status::ok);

  plex.fail_with(401);
  const auto results = target->scan({{"/movies/A", EventKind::modified, 0},
                                     {"/anime/Naruto", EventKind::modified, 0},
                                     {"/movies/B", EventKind::modified, 0}});
  CHECK(results[0].status == Status::unavailable);
  CHECK(results[1].status == Status::rejected);
  CHECK(results[1].reason == "/anime/Naruto is in no Plex library (libraries: Movies (/movies))");
  CHECK(results[2].status == Status::unavailable);
  CHECK(results[2].reason == results[0].reason);
  CHECK(plex.requests_to("GET", "/library/sections/1/refresh").size() == 1);
}

TEST_CASE("plex failures map to what the dispatcher should do", "[plex]") {
  FakePlex plex(kToken);
  standard_sections(plex);
  RecordingHost host;
  auto target = make_target(plex, host, "300ms");
  REQUIRE(target->probe().status == Status::ok);

  plex.fail_with(429, 12);
  const auto busy = target->scan({{"/movies/A", EventKind::modified, 0}});
  CHECK(busy[0].status == Status::retry);
  CHECK(busy[0].retry_after == std::chrono::seconds(12));
  CHECK(busy[0].reason ==
        "Plex answered HTTP 429 on GET /library/sections/1/refresh?path=%2Fmovies%2FA");

  plex.fail_with(500);
  CHECK(target->scan({{"/movies/A", EventKind::modified, 0}})[0].status == Status::retry);

  plex.fail_with(401);
  const auto denied =
      target->scan({{"/movies/A", EventKind::modified, 0}, {"/movies/B", EventKind::modified, 0}});
  CHECK(denied[0].status == Status::unavailable);
  CHECK(denied[0].reason ==
        "Plex rejected the token (HTTP 401 on GET "
        "/library/sections/1/refresh?path=%2Fmovies%2FA): check token in [target.plex]");
  CHECK(denied[1].reason == denied[0].reason);
  CHECK(plex.requests_to("GET", "/library/sections/1/refresh").size() == 3);  // B was not tried
  CHECK(host.logged("[target.plex] TOKEN REJECTED by Plex at " + plex.url()));
  plex.clear_failure();

  plex.set_delay(std::chrono::milliseconds(1500));
  const auto slow = target->scan({{"/movies/A", EventKind::modified, 0}});
  CHECK(slow[0].status == Status::unavailable);
  CHECK(slow[0].reason ==
        "Plex did not answer: timed out after 300 ms on GET "
        "/library/sections/1/refresh?path=%2Fmovies%2FA: is Plex overloaded or still starting? "
        "raise timeout in [target.plex] if it is only slow");
  plex.set_delay(std::chrono::milliseconds(0));

  plex.set_down(true);
  const auto down = target->probe();
  CHECK(down.status == Status::unavailable);
  CHECK_THAT(down.reason, Catch::Matchers::StartsWith("Plex did not answer: "));
  CHECK_THAT(down.reason, Catch::Matchers::EndsWith(
                              " on GET /identity: is Plex running, and are url's host and port "
                              "in [target.plex] right?"));
}

TEST_CASE("a plex probe proves the token, not just that plex is up", "[plex]") {
  FakePlex plex("someone-else");
  standard_sections(plex);
  RecordingHost host;
  auto target = make_target(plex, host);
  const auto probe = target->probe();
  CHECK(probe.status == Status::unavailable);
  CHECK(probe.reason ==
        "Plex rejected the token (HTTP 401 on GET /library/sections): check token "
        "in [target.plex]");
  CHECK(plex.requests_to("GET", "/identity").size() == 1);
}

TEST_CASE(
    "a 401 on /identity, which Plex answers without a token, is told as something in front of "
    "Plex, not a rejected token",
    "[plex]") {
  FakePlex plex(kToken);
  standard_sections(plex);
  // What nginx with auth_basic in front of Plex answers every request.
  plex.fail_with(scanhook::HttpReply{
      401,
      "text/html",
      "<html><head><title>401 Authorization Required</title></head><body><center><h1>401 "
      "Authorization Required</h1></center><hr><center>nginx</center></body></html>",
      {{"WWW-Authenticate", "Basic realm=\"plex\""}}});
  RecordingHost host;
  auto target = make_target(plex, host);
  const auto probe = target->probe();
  CHECK(probe.status == Status::unavailable);
  CHECK(probe.reason == "HTTP 401 on GET /identity at " + plex.url() +
                            ", which Plex answers without a token (none was sent): not Plex "
                            "refusing the token, but something in front of it asking for a login "
                            "of its own (a reverse proxy's?), or another service at that address; "
                            "set url in [target.plex] to where Plex answers itself");
  CHECK_FALSE(host.logged("TOKEN REJECTED"));
  // The identity request carried no token, as Plex needs none there.
  const auto asked = plex.requests_to("GET", "/identity");
  REQUIRE(asked.size() == 1);
  CHECK_FALSE(asked[0].header("X-Plex-Token"));
}

TEST_CASE("plex explains the sections and the exact requests, token left out", "[plex]") {
  FakePlex plex(kToken);
  standard_sections(plex);
  RecordingHost host;
  auto target = make_target(plex, host);

  const auto explained = target->explain({"/media/anime/Kaze", EventKind::created, 0});
  CHECK(explained.verdict.status == Status::ok);
  CHECK(explained.library == "TV Shows (section 2), Everything (section 7)");
  REQUIRE(explained.requests.size() == 2);
  CHECK(explained.requests[0].method == "GET");
  CHECK(explained.requests[0].url ==
        plex.url() + "/library/sections/2/refresh?path=%2Fmedia%2Fanime%2FKaze");
  CHECK(explained.requests[0].body.empty());
  CHECK(explained.requests[1].url ==
        plex.url() + "/library/sections/7/refresh?path=%2Fmedia%2Fanime%2FKaze");
  CHECK(plex.refreshes().empty());

  const auto root = target->explain({"/movies", EventKind::created, 0});
  CHECK(root.verdict.status == Status::rejected);
  CHECK(root.requests.empty());
}

TEST_CASE("the fake plex is faithful: auth, XML by default, 404s", "[plex][fakes]") {
  FakePlex plex(kToken);
  standard_sections(plex);
  scanhook::support::HttpClient client(plex.url(), {});
  CHECK(client.send("GET", "/library/sections").status == 401);
  CHECK(client.send("GET", "/library/sections", {{"X-Plex-Token", "wrong"}}).status == 401);
  const auto xml = client.send("GET", "/library/sections?X-Plex-Token=" + std::string(kToken));
  CHECK(xml.status == 200);
  CHECK_THAT(xml.body,
             Catch::Matchers::Contains(
                 "<Directory allowSync=\"1\" key=\"2\" type=\"show\" title=\"TV Shows\""));
  CHECK_THAT(xml.body, Catch::Matchers::Contains("<Location id=\"1\" path=\"/tv\" />"));
  const auto json = client.send("GET", "/library/sections",
                                {{"X-Plex-Token", kToken}, {"Accept", "application/json"}});
  CHECK_THAT(json.body, Catch::Matchers::Contains("\"key\":\"2\""));
  const scanhook::HeaderList auth = {{"X-Plex-Token", kToken}};
  CHECK(client.send("GET", "/library/sections/99/refresh?path=%2Ftv", auth).status == 404);
  CHECK(client.send("PUT", "/library/sections/2/refresh?path=%2Ftv%2Fx", auth).status == 404);
  CHECK(client.send("POST", "/library/sections/2/refresh?path=%2Ftv%2Fx", auth).status == 200);
  CHECK(client.send("GET", "/identity").status == 200);
  CHECK(client.send("GET", "/library/metadata/1", auth).status == 404);
}

TEST_CASE("plex library.new is looked up on the configured server and yields the files",
          "[plex][webhook]") {
  FakePlex plex(kToken);
  plex.add_item({"5123",
                 "episode",
                 "The Long Night",
                 {"/tv/Northern Lights (2019)/Season 02/Northern Lights (2019) - S02E03 - The Long "
                  "Night.mkv"},
                 {}});
  plex.add_item({"5100", "show", "Northern Lights", {}, {"/tv/Northern Lights (2019)"}});
  RecordingHost host;
  auto source = make_source(plex, host);

  const auto episode =
      source->handle(webhook(read_test_data("plex/1.41/library_new_episode.multipart")));
  CHECK(episode.status == 200);
  CHECK(episode.message == "library.new episode 5123 (The Long Night)");
  REQUIRE(episode.events.size() == 1);
  CHECK(
      episode.events[0].path ==
      "/tv/Northern Lights (2019)/Season 02/Northern Lights (2019) - S02E03 - The Long Night.mkv");
  CHECK(episode.events[0].is_file);
  CHECK(episode.events[0].kind == EventKind::created);
  const auto lookups = plex.requests_to("GET", "/library/metadata/5123");
  REQUIRE(lookups.size() == 1);
  CHECK(lookups[0].header("X-Plex-Token") == std::optional<std::string>(kToken));

  const auto show = source->handle(webhook(read_test_data("plex/1.41/library_new_show.multipart")));
  REQUIRE(show.events.size() == 1);
  CHECK(show.events[0].path == "/tv/Northern Lights (2019)");
  CHECK_FALSE(show.events[0].is_file);
  CHECK(plex.requests_to("GET", "/identity").size() == 1);  // read once
}

TEST_CASE("plex library.new of a season or an album scans the files of its children",
          "[plex][webhook]") {
  FakePlex plex(kToken);
  plex.add_item({"5100", "show", "Northern Lights", {}, {"/tv/Northern Lights (2019)"}});
  plex.add_item({"5120", "season", "Season 2", {}, {}, "5100"});
  for (const char* episode : {"S02E01", "S02E02"})
    plex.add_item({std::string("51") + episode,
                   "episode",
                   episode,
                   {std::string("/tv/Northern Lights (2019)/Season 02/") + episode + ".mkv"},
                   {},
                   "5120"});
  plex.add_item({"7310", "album", "Harbour Songs", {}, {}, "7300"});
  plex.add_item({"7311",
                 "track",
                 "Lighthouse",
                 {"/music/The Keepers/Harbour Songs (2020)/01 - Lighthouse.flac"},
                 {},
                 "7310"});
  RecordingHost host;
  auto source = make_source(plex, host);

  const auto season =
      source->handle(webhook(read_test_data("plex/1.41/library_new_season.multipart")));
  CHECK(season.status == 200);
  CHECK(season.message == "library.new season 5120 (Season 2)");
  REQUIRE(season.events.size() == 2);
  CHECK(season.events[0].path == "/tv/Northern Lights (2019)/Season 02/S02E01.mkv");
  CHECK(season.events[1].path == "/tv/Northern Lights (2019)/Season 02/S02E02.mkv");
  CHECK(season.events[0].is_file);
  CHECK(plex.requests_to("GET", "/library/metadata/5120/children").size() == 1);

  const auto album =
      source->handle(webhook(read_test_data("plex/1.41/library_new_album.multipart")));
  REQUIRE(album.events.size() == 1);
  CHECK(album.events[0].path == "/music/The Keepers/Harbour Songs (2020)/01 - Lighthouse.flac");
  CHECK(plex.requests_to("GET", "/library/metadata/7310/children").size() == 1);
}

TEST_CASE("plex library.new of an item with no file or folder says why and queues nothing",
          "[plex][webhook]") {
  FakePlex plex(kToken);
  plex.add_item({"6900", "collection", "Lighthouse Films", {}, {}});
  plex.add_item({"5120", "season", "Season 2", {}, {}, "5100"});  // its episodes not yet listed
  RecordingHost host;
  auto source = make_source(plex, host);

  const auto collection =
      source->handle(webhook(read_test_data("plex/1.41/library_new_collection.multipart")));
  CHECK(collection.status == 200);
  CHECK(collection.events.empty());
  CHECK_THAT(collection.message,
             Catch::Matchers::StartsWith("library.new for Plex collection 6900 (Lighthouse Films): "
                                         "Plex gives no file or folder for it"));
  CHECK(plex.requests_to("GET", "/library/metadata/6900/children").empty());

  const auto season =
      source->handle(webhook(read_test_data("plex/1.41/library_new_season.multipart")));
  CHECK(season.events.empty());
  CHECK(season.message ==
        "library.new for Plex season 5120 (Season 2): none of its children has a file");
}

TEST_CASE(
    "the fake plex lists items as Plex does: no Media on a season, no Location on an "
    "episode",
    "[plex][fakes]") {
  FakePlex plex(kToken);
  CHECK_THROWS_AS(plex.add_item({"1", "season", "Season 1", {"/tv/a.mkv"}, {}}),
                  std::invalid_argument);
  CHECK_THROWS_AS(plex.add_item({"2", "album", "Album", {}, {"/music/a"}}), std::invalid_argument);
  CHECK_THROWS_AS(plex.add_item({"3", "episode", "E1", {}, {"/tv/a"}}), std::invalid_argument);
  plex.add_item({"4", "season", "Season 1", {}, {}});
  scanhook::support::HttpClient client(plex.url(), {});
  const auto answer = client.send("GET", "/library/metadata/4",
                                  {{"X-Plex-Token", kToken}, {"Accept", "application/json"}});
  CHECK(answer.status == 200);
  CHECK(answer.body.find("\"Media\"") == std::string::npos);
  CHECK(answer.body.find("\"key\":\"/library/metadata/4/children\"") != std::string::npos);
  const auto children = client.send("GET", "/library/metadata/4/children",
                                    {{"X-Plex-Token", kToken}, {"Accept", "application/json"}});
  CHECK(children.status == 200);
  CHECK(children.body.find("\"size\":0") != std::string::npos);
}

TEST_CASE("plex webhooks that change nothing queue nothing", "[plex][webhook]") {
  FakePlex plex(kToken);
  RecordingHost host;
  auto source = make_source(plex, host);

  const auto play = source->handle(webhook(read_test_data("plex/1.41/media_play.multipart")));
  CHECK(play.status == 200);
  CHECK(play.events.empty());
  CHECK(play.message == "media.play changes no files");
  const auto backup =
      source->handle(webhook(read_test_data("plex/1.41/admin_database_backup.multipart")));
  CHECK(backup.status == 200);
  CHECK(backup.message == "admin.database.backup changes no files");

  const auto other =
      source->handle(webhook(read_test_data("plex/1.41/library_new_other_server.multipart")));
  CHECK(other.status == 200);
  CHECK(other.events.empty());
  CHECK(other.message ==
        "library.new from another Plex server "
        "(9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a291807), not the one at " +
            plex.url());

  const auto vanished =
      source->handle(webhook(read_test_data("plex/1.41/library_new_episode.multipart")));
  CHECK(vanished.status == 200);
  CHECK(vanished.message == "Plex no longer has item 5123 (The Long Night)");
  CHECK(plex.requests_to("GET", "/library/sections").empty());
}

TEST_CASE("plex webhooks that cannot be read are kept as dead letters", "[plex][webhook]") {
  FakePlex plex(kToken);
  RecordingHost host;
  auto source = make_source(plex, host);
  const auto no_payload = source->handle(
      webhook("--b\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nx\r\n--b--\r\n",
              "multipart/form-data; boundary=b"));
  CHECK(no_payload.status == 400);
  CHECK(no_payload.keep_as_dead_letter);
  CHECK(no_payload.message == "the form has no field \"payload\" with Plex's JSON");

  const auto broken =
      source->handle(webhook("--b\r\nnot a part", "multipart/form-data; boundary=b"));
  CHECK(broken.status == 400);
  CHECK_THAT(broken.message, Catch::Matchers::StartsWith("unreadable form body"));

  const auto no_key = source->handle(
      webhook(R"j({"event":"library.new","Metadata":{"title":"x"}})j", "application/json"));
  CHECK(no_key.status == 400);
  CHECK(no_key.message == "library.new without Metadata.ratingKey");
}

TEST_CASE("a plex library.new whose lookup fails answers 5xx and logs the loss",
          "[plex][webhook]") {
  FakePlex plex("another-token");
  RecordingHost host;
  auto source = make_source(plex, host);
  const auto refused =
      source->handle(webhook(read_test_data("plex/1.41/library_new_episode.multipart")));
  CHECK(refused.status == 502);
  CHECK(refused.message ==
        "could not look up item 5123: Plex rejected the token (HTTP 401 on GET "
        "/library/metadata/5123): check server_token in [source.plex]");
  CHECK(host.logged(
      "(Plex does not resend webhooks: the request is kept as a dead letter, replay it once Plex "
      "answers)"));

  plex.set_down(true);
  const auto down =
      source->handle(webhook(read_test_data("plex/1.41/library_new_episode.multipart")));
  CHECK(down.status == 503);
  CHECK_THAT(down.message,
             Catch::Matchers::StartsWith("could not look up item 5123: Plex did not answer"));
}
