#include <catch2/catch.hpp>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include "fakes/fake_http_server.hpp"
#include "scanhook/notifier.hpp"
#include "support/plugin_harness.hpp"
#include "support/recording_host.hpp"

using scanhook::HttpReply;
using scanhook::NotificationEvent;
using scanhook::Status;
using scanhook::core::Role;
using scanhook::fakes::FakeHttpServer;
using scanhook::fakes::RecordedRequest;
using scanhook::testing::make;
using scanhook::testing::RecordingHost;

TEST_CASE("the webhook notifier POSTs a batch as one JSON body with a bearer token",
          "[webhook_notifier][notify]") {
  FakeHttpServer receiver([](const RecordedRequest&) { return HttpReply{204, "", "", {}}; });
  RecordingHost host;
  auto notifier = make<scanhook::Notifier>(
      "webhook", Role::notify,
      {{"url", receiver.url() + "/hooks/scanhook?room=media"}, {"token", "s3cret"}}, host);

  const auto result = notifier->send(
      {{41, NotificationEvent::rejected, "plex", "/srv/x", "in no \"library\"", 1796029200000},
       {42, NotificationEvent::target_up, "emby", "", "", 1796029201500}});
  CHECK(result.status == Status::ok);
  const auto posts = receiver.requests_to("POST", "/hooks/scanhook");
  REQUIRE(posts.size() == 1);
  CHECK(posts[0].raw_query == "room=media");
  CHECK(posts[0].header("Authorization") == std::optional<std::string>("Bearer s3cret"));
  CHECK(posts[0].body == R"({"sender":"scanhook","notifications":[)"
                         R"({"id":41,"event":"rejected","subject":"plex","folder":"/srv/x",)"
                         R"("reason":"in no \"library\"","at":"2026-11-30T09:00:00.000Z"},)"
                         R"({"id":42,"event":"target_up","subject":"emby","folder":"","reason":"",)"
                         R"("at":"2026-11-30T09:00:01.500Z"}]})");
  // The body is JSON a receiver can read.
  CHECK_NOTHROW(Poco::JSON::Parser().parse(posts[0].body));
}

TEST_CASE("the webhook notifier keeps notifications the receiver cannot take now",
          "[webhook_notifier][notify]") {
  FakeHttpServer receiver([](const RecordedRequest&) { return HttpReply{204, "", "", {}}; });
  RecordingHost host;
  auto notifier =
      make<scanhook::Notifier>("webhook", Role::notify, {{"url", receiver.url() + "/h"}}, host);
  const std::vector<scanhook::Notification> batch{
      {1, NotificationEvent::delivered, "plex", "/tv/A", "", 1796029200000}};

  receiver.fail_with(503, 7);
  auto answer = notifier->send(batch);
  CHECK(answer.status == Status::retry);
  CHECK(answer.retry_after == std::chrono::seconds(7));
  receiver.fail_with(400);
  CHECK(notifier->send(batch).status == Status::rejected);
  receiver.clear_failure();
  receiver.set_down(true);
  CHECK(notifier->send(batch).status == Status::unavailable);
  receiver.set_down(false);
  CHECK(notifier->send(batch).status == Status::ok);
}
