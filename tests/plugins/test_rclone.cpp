// The rclone target (vfs/refresh) against a real rclone started by the test,
// and against a fake where real rclone cannot be made to answer that way.
#include <catch2/catch.hpp>

#include <atomic>

#include <filesystem>

#include "fakes/fake_http_server.hpp"
#include "scanhook/target.hpp"
#include "support/plugin_harness.hpp"
#include "support/rclone_process.hpp"
#include "support/rclone_remote.hpp"
#include "support/recording_host.hpp"

using scanhook::EventKind;
using scanhook::HttpReply;
using scanhook::Status;
using scanhook::Target;
using scanhook::core::Role;
using scanhook::fakes::FakeHttpServer;
using scanhook::fakes::RecordedRequest;
using scanhook::testing::free_port;
using scanhook::testing::make;
using scanhook::testing::RcloneProcess;
using scanhook::testing::RcloneRemote;
using scanhook::testing::RecordingHost;

namespace {

std::vector<scanhook::ScanFolder> folders(const std::vector<std::string>& paths) {
  std::vector<scanhook::ScanFolder> list;
  for (const auto& path : paths) list.push_back({path, EventKind::modified, 0});
  return list;
}

}  // namespace

TEST_CASE("a real rclone refreshes existing folders, the root included, and the target says ok",
          "[rclone]") {
  const RcloneRemote remote(RcloneRemote::Serving::vfs, {{"tv/Show/Season 1/S01E01.mkv", "video"}});
  RecordingHost host;
  auto target = make<Target>("rclone", Role::target, {{"url", remote.url()}}, host);

  CHECK(target->stage() == scanhook::Stage::prepare);
  const auto results =
      target->scan(folders({"/tv/Show/Season 1", "tv/Show/", "/", "", "//tv//Show"}));
  REQUIRE(results.size() == 5);
  for (const auto& result : results) {
    CHECK(result.status == Status::ok);
    CHECK(result.reason == "");
  }
  CHECK(target->probe().status == Status::ok);
}

TEST_CASE("a folder rclone does not have is retried missing_retries times, then rejected",
          "[rclone]") {
  const RcloneRemote remote(RcloneRemote::Serving::vfs, {{"tv/Show/S01E01.mkv", "video"}});
  RecordingHost host;
  auto target = make<Target>("rclone", Role::target,
                             {{"url", remote.url()},
                              {"missing_retries", "2"},
                              {"missing_retry_after", "30s"},
                              {"recursive", "true"}},
                             host);

  auto first = target->scan(folders({"/tv/Show", "/tv/Other"}));
  REQUIRE(first.size() == 2);
  CHECK(first[0].status == Status::ok);
  CHECK(first[1].status == Status::retry);
  CHECK(first[1].retry_after == std::chrono::seconds(30));
  CHECK(first[1].reason ==
        "\"tv/Other\" does not exist in rclone's VFS yet (retry 1 of 2; the upload may still be "
        "arriving)");

  CHECK(target->scan(folders({"/tv/Other"}))[0].reason ==
        "\"tv/Other\" does not exist in rclone's VFS yet (retry 2 of 2; the upload may still be "
        "arriving)");
  const auto last = target->scan(folders({"/tv/Other"}));
  CHECK(last[0].status == Status::rejected);
  CHECK(last[0].reason ==
        "\"tv/Other\" does not exist in rclone's VFS (file does not exist, still missing after 2 "
        "retries): check that the target's rewrite maps the mount point to \"\" and that fs "
        "names the right VFS");
  CHECK(host.stored().count("missing/tv/Other") == 0);

  // A folder that shows up before the limit is ok, and its count starts over.
  CHECK(target->scan(folders({"/tv/Late"}))[0].status == Status::retry);
  CHECK(host.stored().at("missing/tv/Late") == "1");
  remote.write("tv/Late/S01E01.mkv", "video");
  CHECK(target->scan(folders({"/tv/Late"}))[0].status == Status::ok);
  CHECK(host.stored().count("missing/tv/Late") == 0);
}

TEST_CASE("folders created after rclone cached their parents are found on the first try",
          "[rclone]") {
  const RcloneRemote remote(RcloneRemote::Serving::vfs, {{"tv/Show/Season 1/S01E01.mkv", "video"}});
  RecordingHost host;
  auto target = make<Target>("rclone", Role::target, {{"url", remote.url()}}, host);
  REQUIRE(target->scan(folders({"/tv/Show/Season 1"}))[0].status == Status::ok);

  // rclone now caches tv and tv/Show as they were; an import adds folders under both.
  remote.write("tv/Show/Season 2/S02E01.mkv", "video");
  remote.write("tv/New Show/Season 1/S01E01.mkv", "video");
  const auto results = target->scan(folders({"/tv/Show/Season 2", "/tv/New Show/Season 1"}));
  CHECK(results[0].status == Status::ok);
  CHECK(results[1].status == Status::ok);
  CHECK(results[1].reason == "");
}

TEST_CASE("with --rc-user/--rc-pass, the right credentials refresh and wrong ones pause the target",
          "[rclone]") {
  const RcloneRemote remote(RcloneRemote::Serving::vfs, {{"movies/Film (2020)/film.mkv", "video"}},
                            {"--rc-user", "scan", "--rc-pass", "s3cret"});
  RecordingHost host;

  auto good =
      make<Target>("rclone", Role::target,
                   {{"url", remote.url()}, {"username", "scan"}, {"password", "s3cret"}}, host);
  CHECK(good->scan(folders({"/movies/Film (2020)"}))[0].status == Status::ok);
  CHECK(good->probe().status == Status::ok);

  auto wrong =
      make<Target>("rclone", Role::target,
                   {{"url", remote.url()}, {"username", "scan"}, {"password", "nope"}}, host);
  const auto denied = wrong->scan(folders({"/movies/Film (2020)"}));
  CHECK(denied[0].status == Status::unavailable);
  CHECK(denied[0].reason ==
        "rclone rejected the credentials (HTTP 401): username and password must match its "
        "--rc-user and --rc-pass");
  CHECK(wrong->probe().reason == denied[0].reason);

  auto anonymous = make<Target>("rclone", Role::target, {{"url", remote.url()}}, host);
  CHECK(anonymous->scan(folders({"/movies"}))[0].reason ==
        "rclone asks for credentials (HTTP 401): set username and password to its --rc-user and "
        "--rc-pass");
}

TEST_CASE("rclone not running makes the target unavailable", "[rclone]") {
  RecordingHost host;
  const std::string url = "http://127.0.0.1:" + std::to_string(free_port());
  auto target = make<Target>("rclone", Role::target, {{"url", url}, {"timeout", "2s"}}, host);
  const auto results = target->scan(folders({"/tv/Show"}));
  CHECK(results[0].status == Status::unavailable);
  CHECK_THAT(results[0].reason,
             Catch::Matchers::StartsWith("rclone at " + url + " did not answer: "));
  CHECK_THAT(results[0].reason,
             Catch::Matchers::EndsWith("(is it running with --rc and --rc-addr matching url?)"));
  CHECK(target->probe().status == Status::unavailable);
}

TEST_CASE("a url that is not rclone's remote control pauses the target and says so", "[rclone]") {
  // What `rclone serve http` answers on the address it serves files on.
  FakeHttpServer files([](const RecordedRequest&) {
    return HttpReply{405, "text/plain; charset=utf-8", "Method Not Allowed\n", {}};
  });
  RecordingHost host;
  auto target = make<Target>("rclone", Role::target, {{"url", files.url()}}, host);
  const auto result = target->scan(folders({"/tv/Show"}))[0];
  CHECK(result.status == Status::unavailable);
  CHECK(result.reason == files.url() +
                             " answered HTTP 405 without rclone's JSON error: url must be rclone's "
                             "--rc-addr, not the address it serves files on");
}

TEST_CASE("a web page or a redirect at rclone's url pauses the target, keeping the folders",
          "[rclone]") {
  // A reverse proxy's login page (200) in front of rclone, then the proxy's redirect to https.
  FakeHttpServer proxy([](const RecordedRequest&) {
    return HttpReply{200, "text/html", "<!DOCTYPE html><html><title>Sign in</title></html>", {}};
  });
  RecordingHost host;
  auto target = make<Target>("rclone", Role::target, {{"url", proxy.url()}}, host);
  const auto page = target->scan(folders({"/tv/Show"}))[0];
  CHECK(page.status == Status::unavailable);
  CHECK(page.reason ==
        "rclone answered POST /vfs/refresh with a web page that is not its API's answer (not "
        "JSON): is url in [target.rclone] the address of rclone's API, not of its web app or a "
        "proxy's page?");

  proxy.fail_with(
      HttpReply{301, "", "", {{"Location", "https://rclone.example.test/vfs/refresh"}}});
  const auto moved = target->scan(folders({"/tv/Show"}))[0];
  CHECK(moved.status == Status::unavailable);
  CHECK(moved.reason ==
        "rclone answered HTTP 301 on POST /vfs/refresh: it points to "
        "https://rclone.example.test/vfs/refresh; scanhook does not follow redirects: set url in "
        "[target.rclone] to "
        "https://rclone.example.test");
}

TEST_CASE("an rclone with no VFS, or not the one named by fs, says what to set", "[rclone]") {
  RecordingHost host;
  const auto bare = RcloneProcess::rcd({"--rc-no-auth"});
  auto target = make<Target>("rclone", Role::target, {{"url", bare->url()}}, host);
  const auto none = target->probe();
  CHECK(none.status == Status::unavailable);
  CHECK(none.reason ==
        "rclone has no VFS to refresh (no VFS active and \"fs\" parameter not supplied): start "
        "it as `rclone mount REMOTE: /mount/point --rc` or `rclone serve ... --rc`");
  CHECK(target->scan(folders({"/tv"}))[0].reason == none.reason);

  const RcloneRemote remote(RcloneRemote::Serving::vfs);
  auto misnamed = make<Target>("rclone", Role::target, {{"url", remote.url()}, {"fs", "gdrive:"}},
                               host, "mount");
  const auto result = misnamed->scan(folders({"/tv"}))[0];
  CHECK(result.status == Status::unavailable);
  CHECK(result.reason ==
        "rclone cannot tell which VFS to refresh (no VFS found with name \"gdrive:\"): set fs in "
        "[target.mount] to one of: " +
            remote.path().string());

  auto named = make<Target>("rclone", Role::target,
                            {{"url", remote.url()}, {"fs", remote.path().string()}}, host);
  CHECK(named->scan(folders({"/"}))[0].status == Status::ok);
}

TEST_CASE("several active VFSes and no fs: the target lists them and names the key to set",
          "[rclone]") {
  // A real rclone needs FUSE mounts for two VFSes; this fake answers as rclone's vfs/rc.go does.
  FakeHttpServer rclone([](const RecordedRequest& request) {
    if (request.path == "/vfs/list")
      return HttpReply{200, "application/json", R"({"vfses": ["gdrive:Media", "s3:bucket"]})", {}};
    return HttpReply{500,
                     "application/json",
                     R"({"error": "more than one VFS active - need \"fs\" parameter", "input": {},)"
                     R"( "path": ")" +
                         request.path.substr(1) + R"(", "status": 500})",
                     {}};
  });
  RecordingHost host;
  auto target = make<Target>("rclone", Role::target, {{"url", rclone.url()}}, host);
  const auto result = target->scan(folders({"/tv/Show"}))[0];
  CHECK(result.status == Status::unavailable);
  CHECK(result.reason ==
        "rclone cannot tell which VFS to refresh (more than one VFS active - need \"fs\" "
        "parameter): set fs in [target.rclone] to one of: gdrive:Media, s3:bucket");
}

TEST_CASE("a VFS still starting when the refresh comes is asked again, not taken as refreshed",
          "[rclone]") {
  // rclone serve/mount registers its VFS a moment after the rc answers: until
  // then vfs/refresh says "no VFS active" (vfs/rc.go), and vfs/stats may already work.
  std::atomic<int> refreshes{0};
  FakeHttpServer rclone([&](const RecordedRequest& request) {
    if (request.path == "/vfs/stats") return HttpReply{200, "application/json", "{}", {}};
    if (refreshes++ == 0)
      return HttpReply{500,
                       "application/json",
                       R"({"error": "no VFS active and \"fs\" parameter not supplied", )"
                       R"("input": {}, "path": "vfs/refresh", "status": 500})",
                       {}};
    return HttpReply{200,
                     "application/json",
                     R"({"result": {"tv/A": "OK", "tv/B": "file does not exist"}})",
                     {}};
  });
  RecordingHost host;
  auto target =
      make<Target>("rclone", Role::target, {{"url", rclone.url()}, {"missing_retries", "1"}}, host);
  const auto results = target->scan(folders({"/tv/A", "/tv/B"}));
  REQUIRE(results.size() == 2);
  CHECK(refreshes >= 2);  // asked again (and again for tv/B, after revealing its parent)
  CHECK(results[0].status == Status::ok);
  CHECK(results[1].status == Status::retry);
  CHECK_THAT(results[1].reason, Catch::Matchers::Contains("does not exist in rclone's VFS yet"));
}

TEST_CASE("a batch is one vfs/refresh with dir, dir2, ..., and the root gets a call of its own",
          "[rclone]") {
  FakeHttpServer rclone([](const RecordedRequest& request) {
    if (request.body.find("\"dir\"") == std::string::npos)
      return HttpReply{200, "application/json", R"({"result": {"": "OK"}})", {}};
    return HttpReply{
        200, "application/json", R"({"result": {"tv/A": "OK", "tv/B": "permission denied"}})", {}};
  });
  RecordingHost host;
  auto target = make<Target>("rclone", Role::target,
                             {{"url", rclone.url() + "/"},
                              {"fs", "gdrive:Media"},
                              {"recursive", "true"},
                              {"username", "scan"},
                              {"password", "s3cret"}},
                             host);
  const auto results = target->scan(folders({"/tv/A", "/", "/tv/B/", "tv/A"}));
  REQUIRE(results.size() == 4);
  CHECK(results[0].status == Status::ok);
  CHECK(results[1].status == Status::ok);
  CHECK(results[2].status == Status::retry);
  CHECK(results[2].reason == "rclone could not refresh \"tv/B\": permission denied");
  CHECK(results[3].status == Status::ok);

  const auto calls = rclone.requests_to("POST", "/vfs/refresh");
  REQUIRE(calls.size() == 2);
  CHECK(calls[0].body == R"({"fs":"gdrive:Media","recursive":"true"})");
  CHECK(calls[1].body == R"({"fs":"gdrive:Media","recursive":"true","dir":"tv/A","dir2":"tv/B"})");
  CHECK(calls[1].header("Content-Type") == std::optional<std::string>("application/json"));
  CHECK(calls[1].header("Authorization") == std::optional<std::string>("Basic c2NhbjpzM2NyZXQ="));
}

TEST_CASE("explain shows the exact vfs/refresh call, without credentials", "[rclone]") {
  RecordingHost host;
  auto target = make<Target>(
      "rclone", Role::target,
      {{"url", "http://scan:s3cret@127.0.0.1:5572"}, {"username", "scan"}, {"password", "s3cret"}},
      host);
  const auto explanation = target->explain({"/tv/Show/Season 1", EventKind::created, 0});
  CHECK(explanation.verdict.status == Status::ok);
  CHECK(explanation.library == "rclone VFS (the only one active), dir \"tv/Show/Season 1\"");
  REQUIRE(explanation.requests.size() == 1);
  CHECK(explanation.requests[0].method == "POST");
  CHECK(explanation.requests[0].url == "http://127.0.0.1:5572/vfs/refresh");
  CHECK(explanation.requests[0].body == R"({"dir":"tv/Show/Season 1"})");
  CHECK(target->explain({"/", EventKind::created, 0}).requests[0].body == "{}");
}

TEST_CASE("the rclone plugin refuses a bad configuration with the key to fix", "[rclone]") {
  RecordingHost host;
  CHECK_THROWS_WITH(
      make<Target>("rclone", Role::target, {{"missing_retries", "-1"}}, host),
      Catch::Matchers::Contains(
          "test.ini:3: [target.rclone] missing_retries: must be from 0 to 1000, found \"-1\""));
  CHECK_THROWS_WITH(make<Target>("rclone", Role::target, {{"recursive", "maybe"}}, host),
                    Catch::Matchers::Contains("recursive"));
  CHECK_THROWS_WITH(make<scanhook::Instance>("rclone", Role::source, {{"interval", "5m"}}, host),
                    Catch::Matchers::Contains("remote: required key is missing"));
  CHECK_THROWS_WITH(
      make<scanhook::Instance>("rclone", Role::source,
                               {{"remote", "gdrive:"}, {"path_prefix", "mnt/remote"}}, host),
      Catch::Matchers::Contains("path_prefix: must be an absolute path such as /mnt/remote"));
  CHECK_THROWS_WITH(
      make<scanhook::Instance>("rclone", Role::source,
                               {{"remote", "gdrive:"}, {"max_deleted_percent", "0"}}, host),
      Catch::Matchers::Contains("[source.rclone] max_deleted_percent: must be from 1 to 100"));
}
