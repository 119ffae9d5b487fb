#include <catch2/catch.hpp>

#include "fakes/fake_discord.hpp"
#include "scanhook/notifier.hpp"
#include "scanhook/support/http_client.hpp"
#include "support/plugin_harness.hpp"
#include "support/recording_host.hpp"

using scanhook::Notification;
using scanhook::NotificationEvent;
using scanhook::Status;
using scanhook::core::Role;
using scanhook::fakes::FakeDiscord;
using scanhook::testing::make;
using scanhook::testing::RecordingHost;

namespace {

constexpr std::int64_t kAt = 1796029200000;  // 2026-11-30T09:00:00Z

std::shared_ptr<scanhook::Notifier> make_notifier(const std::string& url, RecordingHost& host,
                                                  const std::string& username = "scanhook") {
  return make<scanhook::Notifier>("discord", Role::notify,
                                  {{"url", url}, {"username", username}, {"timeout", "2s"}}, host);
}

Notification note(NotificationEvent event, std::string subject, std::string folder,
                  std::string reason = "") {
  static std::int64_t id = 0;
  return {++id, event, std::move(subject), std::move(folder), std::move(reason), kAt};
}

}  // namespace

TEST_CASE("discord turns a batch into one message with an embed per kind of event",
          "[discord][notify]") {
  FakeDiscord discord;
  RecordingHost host;
  auto notifier = make_notifier(discord.webhook_url(), host);

  const auto result = notifier->send(
      {note(NotificationEvent::delivered, "plex", "/tv/Northern Lights (2019)/Season 02"),
       note(NotificationEvent::rejected, "jellyfin", "/srv/other",
            "/srv/other is in no Jellyfin library"),
       note(NotificationEvent::delivered, "plex", "/movies/Harbour Lights (2021)"),
       note(NotificationEvent::target_down, "emby", "", "Emby did not answer (refused)")});
  CHECK(result.status == Status::ok);
  CHECK(discord.refusals().empty());
  const auto messages = discord.messages();
  REQUIRE(messages.size() == 1);
  CHECK(messages[0].username == "scanhook");
  CHECK(messages[0].content == "scanhook: 1 target_down, 1 rejected, 2 delivered");
  REQUIRE(messages[0].embeds.size() == 3);
  CHECK(messages[0].embeds[0].title == "Target down (1)");
  REQUIRE(messages[0].embeds[0].fields.size() == 1);
  CHECK(messages[0].embeds[0].fields[0] ==
        std::pair<std::string, std::string>("emby", "Emby did not answer (refused)"));
  CHECK_THAT(messages[0].embeds[1].description, Catch::Contains("**jellyfin** `/srv/other`") &&
                                                    Catch::Contains("is in no Jellyfin library"));
  CHECK(messages[0].embeds[2].title == "Delivered (2)");
  CHECK(messages[0].embeds[2].timestamp == "2026-11-30T09:00:00.000Z");
}

TEST_CASE(
    "a batch far past Discord's limits still makes a message Discord accepts, counting "
    "what does not fit",
    "[discord][notify]") {
  FakeDiscord discord;
  RecordingHost host;
  auto notifier = make_notifier(discord.webhook_url(), host);

  std::vector<Notification> batch;
  const std::string long_name(600, 'x');
  // Multi-byte characters: limits count characters, and a cut must not split one.
  const std::string long_reason = u8"é" + std::string(1500, 'r') + u8"ü";
  for (int i = 0; i < 60; ++i)
    batch.push_back(note(NotificationEvent::rejected, "plex",
                         "/tv/" + long_name + std::to_string(i), long_reason));
  for (int i = 0; i < 30; ++i)
    batch.push_back(note(NotificationEvent::target_down, "target-" + std::to_string(i) + long_name,
                         "", long_reason));
  for (int i = 0; i < 10; ++i)
    batch.push_back(note(NotificationEvent::dead_letter, "sonarr", "", long_reason));

  REQUIRE(notifier->send(batch).status == Status::ok);
  CHECK(discord.refusals().empty());
  const auto messages = discord.messages();
  REQUIRE(messages.size() == 1);
  CHECK(messages[0].content == "scanhook: 30 target_down, 60 rejected, 10 dead_letter");
  REQUIRE(messages[0].embeds.size() == 3);
  CHECK(messages[0].embeds[0].fields.size() <= 25);
  CHECK_THAT(messages[0].embeds[0].description, Catch::Matches(R"(\.\.\. and \d+ more)"));
  CHECK_THAT(messages[0].embeds[1].description, Catch::Contains("more"));
}

TEST_CASE("discord's 429 is a retry after its retry_after, rounded up", "[discord][notify]") {
  FakeDiscord discord;
  RecordingHost host;
  auto notifier = make_notifier(discord.webhook_url(), host);
  discord.rate_limit(1, 2.3);

  const auto limited = notifier->send({note(NotificationEvent::delivered, "plex", "/tv/A")});
  CHECK(limited.status == Status::retry);
  CHECK(limited.retry_after == std::chrono::seconds(3));
  CHECK(discord.messages().empty());
  CHECK(notifier->send({note(NotificationEvent::delivered, "plex", "/tv/A")}).status == Status::ok);
  CHECK(discord.messages().size() == 1);
}

TEST_CASE("a deleted Discord webhook keeps the notifications and never shows its token",
          "[discord][notify]") {
  FakeDiscord discord;
  RecordingHost host;
  const std::string stale = discord.url() + "/api/webhooks/1312345678901234567/old-token-value";
  auto notifier = make_notifier(stale, host);

  const auto result = notifier->send({note(NotificationEvent::delivered, "plex", "/tv/A")});
  CHECK(result.status == Status::unavailable);
  CHECK_THAT(result.reason, Catch::Contains("HTTP 404") && Catch::Contains("Unknown Webhook"));
  CHECK_THAT(result.reason, !Catch::Contains("old-token-value"));
}

TEST_CASE("discord refuses a username Discord would refuse, before anything is sent",
          "[discord][notify]") {
  FakeDiscord discord;
  RecordingHost host;
  CHECK_THROWS_WITH(make_notifier(discord.webhook_url(), host, "My Discord Bot"),
                    Catch::Contains("\"discord\""));
  CHECK_THROWS_WITH(make_notifier(discord.webhook_url(), host, "Clyde"),
                    Catch::Contains("\"clyde\""));
  CHECK_NOTHROW(make_notifier(discord.webhook_url(), host, "Clyde's scans"));
  CHECK_THROWS_WITH(make_notifier("discord.com/api/webhooks/1/x", host),
                    Catch::Contains("url: not an http") && !Catch::Contains("webhooks/1/x"));
  CHECK(discord.requests().empty());
}

TEST_CASE("the fake Discord refuses what the real one refuses", "[discord][fakes]") {
  FakeDiscord discord;
  const scanhook::support::HttpClient client(discord.url(), {});
  const std::string path = discord.webhook_url().substr(discord.url().size());
  const auto post = [&](const std::string& body) {
    return client.send("POST", path, {}, body, "application/json");
  };
  CHECK(post("{}").status == 400);
  CHECK(post(R"({"content":")" + std::string(2001, 'a') + R"("})").status == 400);
  std::string eleven = R"({"embeds":[)";
  for (int i = 0; i < 11; ++i) eleven += std::string(i ? "," : "") + R"({"title":"t"})";
  CHECK(post(eleven + "]}").status == 400);
  CHECK(post(R"({"embeds":[{"fields":[{"name":"","value":"v"}]}]})").status == 400);
  std::string total = R"({"embeds":[)";
  for (int i = 0; i < 2; ++i)
    total += std::string(i ? "," : "") + R"({"description":")" + std::string(3500, 'd') + R"("})";
  CHECK(post(total + "]}").status == 400);
  CHECK(discord.refusals().size() == 5);
  CHECK(post(R"({"content":"ok"})").status == 204);
  CHECK(client.send("POST", "/api/webhooks/1/nope", {}, R"({"content":"x"})", "application/json")
            .status == 404);
}
