#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <catch2/catch.hpp>

#include <regex>
#include <string>
#include <thread>
#include <utility>

#include "fakes/fake_plex_tv.hpp"
#include "scanhook/service.hpp"
#include "scanhook/support/http_client.hpp"
#include "support/plugin_harness.hpp"
#include "support/recording_host.hpp"

using Poco::JSON::Array;
using Poco::JSON::Object;
using scanhook::HttpReply;
using scanhook::HttpRequest;
using scanhook::core::Role;
using scanhook::fakes::FakePlexTv;
using scanhook::testing::make;
using scanhook::testing::RecordingHost;

namespace {

constexpr const char* kToken = "plex-token-S3CR3T-alice";
constexpr const char* kPodcasts = "tv.plex.provider.podcasts";
constexpr const char* kMusic = "tv.plex.provider.music";
constexpr const char* kWebShows = "tv.plex.provider.webshows";
constexpr const char* kNews = "tv.plex.provider.news";
constexpr const char* kVod = "tv.plex.provider.vod";
constexpr const char* kEpg = "tv.plex.provider.epg";
constexpr const char* kRevoked =
    "signed out: the Plex token was revoked or has expired; connect with Plex again";
constexpr const char* kNotSignedIn = "not signed in to plex.tv: connect with Plex first";

Object::Ptr parse(const HttpReply& reply) {
  INFO(reply.body);
  REQUIRE(reply.content_type == "application/json");
  return Poco::JSON::Parser().parse(reply.body).extract<Object::Ptr>();
}

std::string text(const Object::Ptr& object, const std::string& name) {
  return object->getValue<std::string>(name);
}

std::vector<std::string> strings(const Array::Ptr& array) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < array->size(); ++i) out.push_back(array->getElement<std::string>(i));
  return out;
}

// One plex.tv fake, one host, one service instance, and every reply kept so a
// test can prove the token never left the plugin.
struct OptOutFixture {
  FakePlexTv plextv;
  RecordingHost host;
  std::shared_ptr<scanhook::Service> service = make<scanhook::Service>(
      "plex_optout", Role::service, {{"plextv_url", plextv.url()}, {"timeout", "5s"}}, host);
  std::vector<std::string> bodies;

  HttpReply call(const std::string& method, const std::string& path, const std::string& body = "") {
    HttpReply reply = service->handle(HttpRequest{method, path, {}, {}, body, "127.0.0.1"});
    bodies.push_back(reply.body);
    return reply;
  }

  std::int64_t start_pin() {
    const auto reply = call("POST", "auth/pin");
    REQUIRE(reply.status == 201);
    return parse(reply)->getValue<std::int64_t>("id");
  }

  // Signs in as alice through the PIN flow; the account's uuid.
  std::string sign_in() {
    const auto account = plextv.add_account(kToken, "alice");
    const auto pin = start_pin();
    plextv.approve(pin, kToken);
    const auto reply = call("GET", "auth/pin/" + std::to_string(pin));
    REQUIRE(reply.status == 200);
    REQUIRE(text(parse(reply), "state") == "approved");
    return account.uuid;
  }

  std::vector<scanhook::fakes::RecordedRequest> opt_out_posts(const std::string& uuid) {
    return plextv.server().requests_to("POST", "/api/v2/user/" + uuid + "/settings/opt_outs");
  }

  // Every request to plex.tv identified the client; the token appears in no
  // reply and no log line.
  void check_identity_and_secrecy() {
    const auto client_id = host.stored().at("client_id");
    for (const auto& request : plextv.server().requests()) {
      INFO(request.method << " " << request.path);
      CHECK(request.header("X-Plex-Client-Identifier") == client_id);
      CHECK(request.header("X-Plex-Product") == std::optional<std::string>("scanhook"));
      CHECK(request.header("X-Plex-Version") == std::optional<std::string>("1.0.0"));
      CHECK(request.raw_query.find(kToken) == std::string::npos);
    }
    for (const auto& body : bodies) CHECK(body.find(kToken) == std::string::npos);
    for (const auto& [level, line] : host.logs()) CHECK(line.find(kToken) == std::string::npos);
  }
};

}  // namespace

TEST_CASE("a PIN sign-in starts at plex.tv and answers the code and the app.plex.tv link",
          "[plex_optout]") {
  OptOutFixture f;
  const auto reply = f.call("POST", "auth/pin");
  REQUIRE(reply.status == 201);
  const auto body = parse(reply);
  const auto pin_id = f.plextv.last_pin_id();
  REQUIRE(pin_id);
  CHECK(body->getValue<std::int64_t>("id") == *pin_id);
  const std::string code = "strongcode00000" + std::to_string(*pin_id);
  CHECK(text(body, "code") == code);
  CHECK(body->getValue<int>("expires_in") == 1800);
  CHECK(
      std::regex_match(text(body, "expires_at"), std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")));
  const std::string client_id = f.host.stored().at("client_id");
  CHECK(text(body, "auth_url") == "https://app.plex.tv/auth#?clientID=" + client_id + "&code=" +
                                      code + "&context%5Bdevice%5D%5Bproduct%5D=scanhook");
  const auto sent = f.plextv.server().requests_to("POST", "/api/v2/pins");
  REQUIRE(sent.size() == 1);
  CHECK(sent[0].raw_query == "strong=true");
  CHECK(sent[0].header("Accept") == std::optional<std::string>("application/json"));
  CHECK_FALSE(sent[0].header("X-Plex-Token"));
  f.check_identity_and_secrecy();
}

TEST_CASE("the client identifier is made once, kept in the host store and reused",
          "[plex_optout]") {
  FakePlexTv plextv;
  RecordingHost host;
  const scanhook::testing::IniLines lines = {{"plextv_url", plextv.url()}};
  auto first = make<scanhook::Service>("plex_optout", Role::service, lines, host);
  const std::string client_id = host.stored().at("client_id");
  CHECK(std::regex_match(
      client_id,
      std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")));
  first.reset();
  auto again = make<scanhook::Service>("plex_optout", Role::service, lines, host);
  CHECK(again->handle(HttpRequest{"POST", "auth/pin", {}, {}, "", ""}).status == 201);
  CHECK(plextv.server().requests().at(0).header("X-Plex-Client-Identifier") == client_id);

  RecordingHost other_host;
  make<scanhook::Service>("plex_optout", Role::service, lines, other_host);
  CHECK(other_host.stored().at("client_id") != client_id);
}

TEST_CASE("a pending PIN polls as pending, and once approved it signs in without showing the token",
          "[plex_optout]") {
  OptOutFixture f;
  const auto account = f.plextv.add_account(kToken, "alice");
  const auto pin = f.start_pin();
  const std::string route = "auth/pin/" + std::to_string(pin);

  auto reply = f.call("GET", route);
  CHECK(reply.status == 200);
  CHECK(reply.body == R"({"state":"pending"})");
  CHECK(f.call("GET", "auth").body == R"({"signed_in":false,"username":null})");

  f.plextv.approve(pin, kToken);
  reply = f.call("GET", route);
  CHECK(reply.status == 200);
  CHECK(reply.body == R"({"state":"approved","username":"alice"})");
  CHECK(f.call("GET", "auth").body == R"({"signed_in":true,"username":"alice"})");
  CHECK(f.host.stored().at("token") == kToken);
  CHECK(f.host.stored().at("user_uuid") == account.uuid);
  CHECK(f.host.logged("signed in to plex.tv as alice"));

  const auto checks = f.plextv.server().requests_to("GET", "/api/v2/user");
  REQUIRE(checks.size() == 1);
  CHECK(checks[0].header("X-Plex-Token") == std::optional<std::string>(kToken));

  // The PIN is used up.
  reply = f.call("GET", route);
  CHECK(reply.status == 404);
  CHECK(parse(reply)->getValue<std::string>("error") == "no sign-in in progress with PIN " +
                                                            std::to_string(pin) +
                                                            ": start one with POST auth/pin");
  f.check_identity_and_secrecy();
}

TEST_CASE("an expired PIN polls as expired and is forgotten", "[plex_optout]") {
  OptOutFixture f;
  SECTION("expired at plex.tv") {
    const auto pin = f.start_pin();
    f.plextv.expire(pin);
    const auto reply = f.call("GET", "auth/pin/" + std::to_string(pin));
    CHECK(reply.status == 200);
    CHECK(reply.body ==
          R"({"state":"expired","message":"the PIN expired before it was approved: start again"})");
    CHECK(f.call("GET", "auth/pin/" + std::to_string(pin)).status == 404);
  }
  SECTION("past its lifetime") {
    f.plextv.set_pin_lifetime(std::chrono::seconds(0));
    const auto pin = f.start_pin();
    CHECK(text(parse(f.call("GET", "auth/pin/" + std::to_string(pin))), "state") == "expired");
  }
  CHECK(f.call("GET", "auth").body == R"({"signed_in":false,"username":null})");
  f.check_identity_and_secrecy();
}

TEST_CASE("a cancelled PIN can no longer be polled, even if approved later", "[plex_optout]") {
  OptOutFixture f;
  f.plextv.add_account(kToken, "alice");
  const auto pin = f.start_pin();
  const std::string route = "auth/pin/" + std::to_string(pin);
  const auto reply = f.call("DELETE", route);
  CHECK(reply.status == 200);
  CHECK(reply.body == R"({"state":"cancelled"})");
  f.plextv.approve(pin, kToken);
  CHECK(f.call("GET", route).status == 404);
  CHECK(f.call("DELETE", route).status == 404);
  CHECK(f.call("GET", "auth").body == R"({"signed_in":false,"username":null})");
  CHECK(f.host.stored().count("token") == 0);

  CHECK(parse(f.call("GET", "auth/pin/abc"))->getValue<std::string>("error") ==
        "no sign-in in progress with PIN abc: start one with POST auth/pin");
  CHECK(f.call("GET", "auth/pin/99999").status == 404);
  // Only the PIN start reached plex.tv: unknown PINs are refused locally.
  CHECK(f.plextv.server().requests().size() == 1);
  f.check_identity_and_secrecy();
}

TEST_CASE("a new PIN replaces the sign-in in progress", "[plex_optout]") {
  OptOutFixture f;
  const auto first = f.start_pin();
  const auto second = f.start_pin();
  CHECK(f.call("GET", "auth/pin/" + std::to_string(first)).status == 404);
  CHECK(f.call("GET", "auth/pin/" + std::to_string(second)).body == R"({"state":"pending"})");
}

TEST_CASE("a PIN approved with a token plex.tv then refuses does not sign in", "[plex_optout]") {
  OptOutFixture f;
  const auto pin = f.start_pin();
  f.plextv.approve(pin, kToken);  // no account has this token
  const auto reply = f.call("GET", "auth/pin/" + std::to_string(pin));
  CHECK(reply.status == 502);
  CHECK(text(parse(reply), "error") ==
        "plex.tv approved the PIN but refused the token it gave: start again");
  CHECK(f.call("GET", "auth").body == R"({"signed_in":false,"username":null})");
  CHECK(f.host.stored().count("token") == 0);
  f.check_identity_and_secrecy();
}

TEST_CASE("signing out forgets the token and the account", "[plex_optout]") {
  OptOutFixture f;
  f.sign_in();
  auto reply = f.call("DELETE", "auth");
  CHECK(reply.status == 200);
  CHECK(reply.body == R"({"signed_in":false,"username":null})");
  const auto stored = f.host.stored();
  CHECK(stored.count("token") == 0);
  CHECK(stored.count("user_uuid") == 0);
  CHECK(stored.count("username") == 0);
  CHECK(stored.count("client_id") == 1);
  CHECK(f.host.logged("signed out of plex.tv (alice)"));

  f.plextv.server().clear_requests();
  reply = f.call("GET", "sources");
  CHECK(reply.status == 401);
  CHECK(reply.body == std::string(R"({"error":")") + kNotSignedIn + R"(","signed_out":true})");
  CHECK(f.plextv.server().requests().empty());
  // Signing out twice is harmless.
  CHECK(f.call("DELETE", "auth").status == 200);
  f.check_identity_and_secrecy();
}

TEST_CASE("the sources list names each source with its state and allowed values", "[plex_optout]") {
  OptOutFixture f;
  const auto uuid = f.sign_in();
  f.plextv.set_opt_out(uuid, kNews, "opt_out");
  f.plextv.set_opt_out(uuid, kVod, "opt_out_managed");

  const auto reply = f.call("GET", "sources");
  REQUIRE(reply.status == 200);
  const auto body = parse(reply);
  CHECK(text(body, "username") == "alice");
  CHECK(body->isNull("note"));
  const auto sources = body->getArray("sources");
  REQUIRE(sources->size() == 6);
  const std::vector<std::vector<std::string>> expected = {
      {kPodcasts, "Podcasts", "opt_in"},
      {kMusic, "Music", "opt_in"},
      {kWebShows, "Web Shows", "opt_in"},
      {kNews, "News", "opt_out"},
      {kVod, "Movies & TV (free)", "opt_out_managed"},
      {kEpg, "Live TV", "opt_in"}};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const auto source = sources->getObject(static_cast<unsigned>(i));
    CHECK(text(source, "key") == expected[i][0]);
    CHECK(text(source, "title") == expected[i][1]);
    CHECK(text(source, "state") == expected[i][2]);
    CHECK_FALSE(text(source, "description").empty());
    const std::vector<std::string> all = {"opt_in", "opt_out", "opt_out_managed"};
    const std::vector<std::string> music = {"opt_in", "opt_out"};
    CHECK(strings(source->getArray("allowed")) == (expected[i][0] == kMusic ? music : all));
  }
  CHECK(text(sources->getObject(1), "description") ==
        "Plex's streaming music service and its recommendations.");

  const auto sent =
      f.plextv.server().requests_to("GET", "/api/v2/user/" + uuid + "/settings/opt_outs");
  REQUIRE(sent.size() == 1);
  CHECK(sent[0].header("Accept") == std::optional<std::string>("application/xml"));
  CHECK(sent[0].header("X-Plex-Token") == std::optional<std::string>(kToken));
  f.check_identity_and_secrecy();
}

TEST_CASE("an account plex.tv lists no sources for shows the known ones as unknown, with a note",
          "[plex_optout]") {
  OptOutFixture f;
  f.sign_in();
  const auto body = parse(f.call("GET", "sources"));
  CHECK(text(body, "note") ==
        "plex.tv lists no Online Media Sources for this account until one of them has been "
        "changed once, so their states are unknown (Plex's default is on). Setting a source "
        "here, or Disable all, sets it on plex.tv.");
  const auto sources = body->getArray("sources");
  REQUIRE(sources->size() == 6);
  for (std::size_t i = 0; i < sources->size(); ++i)
    CHECK(text(sources->getObject(static_cast<unsigned>(i)), "state") == "unknown");
  f.check_identity_and_secrecy();
}

TEST_CASE("setting a source changes it at plex.tv and answers the source as set", "[plex_optout]") {
  OptOutFixture f;
  const auto uuid = f.sign_in();
  const auto reply = f.call("PATCH", std::string("sources/") + kNews, R"({"value": "opt_out"})");
  REQUIRE(reply.status == 200);
  CHECK(
      reply.body ==
      R"({"key":"tv.plex.provider.news","title":"News","description":"Plex's news clips and headlines.","state":"opt_out","allowed":["opt_in","opt_out","opt_out_managed"]})");
  CHECK(f.plextv.opt_outs(uuid).at(kNews) == "opt_out");
  const auto posts = f.opt_out_posts(uuid);
  REQUIRE(posts.size() == 1);
  CHECK(posts[0].raw_query == "key=tv.plex.provider.news&value=opt_out");
  CHECK(posts[0].header("X-Plex-Token") == std::optional<std::string>(kToken));
  CHECK(f.host.logged("set tv.plex.provider.news to opt_out on plex.tv"));

  CHECK(f.call("PATCH", std::string("sources/") + kMusic, R"({"value":"opt_in"})").status == 200);
  CHECK(f.plextv.opt_outs(uuid).at(kMusic) == "opt_in");
  f.check_identity_and_secrecy();
}

TEST_CASE("music cannot be opt_out_managed, and bad values or bodies are refused before plex.tv",
          "[plex_optout]") {
  OptOutFixture f;
  const auto uuid = f.sign_in();
  const auto before = f.plextv.opt_outs(uuid);
  const std::string music = std::string("sources/") + kMusic;

  auto reply = f.call("PATCH", music, R"({"value":"opt_out_managed"})");
  CHECK(reply.status == 400);
  CHECK(text(parse(reply), "error") ==
        "Music cannot be opt_out_managed: plex.tv allows only opt_in or opt_out for "
        "tv.plex.provider.music");

  reply = f.call("PATCH", music, R"({"value":"off"})");
  CHECK(reply.status == 400);
  CHECK(text(parse(reply), "error") ==
        "unknown value 'off' for tv.plex.provider.music: use opt_in, opt_out or opt_out_managed");

  for (const std::string body : {"", "opt_out", R"({"value":1})", R"(["opt_out"])", "{}"}) {
    INFO(body);
    reply = f.call("PATCH", music, body);
    CHECK(reply.status == 400);
    CHECK(text(parse(reply), "error") == R"(the body must be JSON like {"value": "opt_out"})");
  }

  reply = f.call("PATCH", "sources/spotify", R"({"value":"opt_out"})");
  CHECK(reply.status == 404);
  CHECK(text(parse(reply), "error") ==
        "unknown source 'spotify': keys look like tv.plex.provider.music");

  CHECK(f.opt_out_posts(uuid).empty());
  CHECK(f.plextv.opt_outs(uuid) == before);
  f.check_identity_and_secrecy();
}

// The fake follows PROTOCOLS.md (music cannot be opt_out_managed); no test here talks to plex.tv.
TEST_CASE("the fake plex.tv refuses music as opt_out_managed, as PROTOCOLS.md records",
          "[plex_optout]") {
  FakePlexTv plextv;
  const auto account = plextv.add_account(kToken, "alice");
  scanhook::support::HttpClient client(plextv.url(), {});
  const scanhook::HeaderList headers = {{"X-Plex-Client-Identifier", "test"},
                                        {"X-Plex-Token", kToken}};
  const std::string url = "/api/v2/user/" + account.uuid + "/settings/opt_outs";
  CHECK(client.send("POST", url + "?key=tv.plex.provider.music&value=opt_out_managed", headers)
            .status == 400);
  CHECK(client.send("POST", url + "?key=tv.plex.provider.news&value=opt_out_managed", headers)
            .status == 204);
  CHECK(plextv.opt_outs(account.uuid).at(kNews) == "opt_out_managed");
}

TEST_CASE("disable all turns every source off, reports each, and sends nothing the second time",
          "[plex_optout]") {
  OptOutFixture f;
  const auto uuid = f.sign_in();
  f.plextv.set_opt_out(uuid, kNews, "opt_out");

  auto reply = f.call("POST", "sources/disable-all");
  REQUIRE(reply.status == 200);
  auto body = parse(reply);
  CHECK(text(body, "value") == "opt_out");
  CHECK(text(body, "message") == "Disabled 5 sources, 1 already off");
  const auto summary = body->getObject("summary");
  CHECK(summary->getValue<int>("changed") == 5);
  CHECK(summary->getValue<int>("already_off") == 1);
  CHECK(summary->getValue<int>("failed") == 0);
  auto results = body->getArray("results");
  REQUIRE(results->size() == 6);
  CHECK(results->getObject(3)->getValue<std::string>("key") == kNews);
  CHECK(results->getObject(3)->getValue<std::string>("outcome") == "already_off");
  CHECK(results->getObject(0)->getValue<std::string>("outcome") == "changed");
  CHECK(results->getObject(0)->getValue<std::string>("state") == "opt_out");
  CHECK(results->getObject(0)->getValue<std::string>("title") == "Podcasts");
  for (const auto& [key, value] : f.plextv.opt_outs(uuid)) {
    INFO(key);
    CHECK(value == "opt_out");
  }
  CHECK(f.opt_out_posts(uuid).size() == 5);

  reply = f.call("POST", "sources/disable-all", "{}");
  REQUIRE(reply.status == 200);
  body = parse(reply);
  CHECK(text(body, "message") == "All 6 sources were already off");
  CHECK(body->getObject("summary")->getValue<int>("already_off") == 6);
  CHECK(f.opt_out_posts(uuid).size() == 5);
  f.check_identity_and_secrecy();
}

TEST_CASE(
    "disable all for managed users sets opt_out_managed where allowed and keeps full opt-outs",
    "[plex_optout]") {
  OptOutFixture f;
  const auto uuid = f.sign_in();
  f.plextv.set_opt_out(uuid, kEpg, "opt_out");
  const auto reply = f.call("POST", "sources/disable-all", R"({"managed": true})");
  REQUIRE(reply.status == 200);
  CHECK(text(parse(reply), "value") == "opt_out_managed");
  const std::map<std::string, std::string> expected = {
      {kPodcasts, "opt_out_managed"}, {kMusic, "opt_out"},       {kWebShows, "opt_out_managed"},
      {kNews, "opt_out_managed"},     {kVod, "opt_out_managed"}, {kEpg, "opt_out"}};
  CHECK(f.plextv.opt_outs(uuid) == expected);
  CHECK(text(parse(reply), "message") == "Disabled 5 sources, 1 already off");

  CHECK(f.call("POST", "sources/disable-all", R"({"managed": "yes"})").status == 400);
  CHECK(text(parse(f.call("POST", "sources/disable-all", "nope")), "error") ==
        R"(the body must be empty or JSON like {"managed": true})");
  f.check_identity_and_secrecy();
}

TEST_CASE("disable all on an account plex.tv lists nothing for sets every known source",
          "[plex_optout]") {
  OptOutFixture f;
  const auto uuid = f.sign_in();
  const auto reply = f.call("POST", "sources/disable-all");
  REQUIRE(reply.status == 200);
  CHECK(text(parse(reply), "message") == "Disabled 6 sources");
  for (const auto& [key, value] : f.plextv.opt_outs(uuid)) CHECK(value == "opt_out");
  // Now plex.tv lists them, all off.
  CHECK(parse(f.call("GET", "sources"))->isNull("note"));
}

TEST_CASE("a source failing during disable all is reported while the others still change",
          "[plex_optout]") {
  OptOutFixture f;
  const auto uuid = f.sign_in();
  f.plextv.fail_key(kNews, 500);
  const auto reply = f.call("POST", "sources/disable-all");
  REQUIRE(reply.status == 207);
  const auto body = parse(reply);
  CHECK(text(body, "message") == "Disabled 5 sources, 1 failed");
  CHECK(body->getObject("summary")->getValue<int>("failed") == 1);
  const auto news = body->getArray("results")->getObject(3);
  CHECK(text(news, "key") == kNews);
  CHECK(text(news, "outcome") == "failed");
  CHECK(text(news, "state") == "unknown");
  CHECK(text(news, "error") == "plex.tv answered HTTP 500");
  CHECK(f.plextv.opt_outs(uuid).at(kNews) == "opt_in");
  CHECK(f.plextv.opt_outs(uuid).at(kEpg) == "opt_out");
  CHECK(f.host.logged("could not disable tv.plex.provider.news: plex.tv answered HTTP 500"));

  const auto single = f.call("PATCH", std::string("sources/") + kNews, R"({"value":"opt_out"})");
  CHECK(single.status == 502);
  CHECK(text(parse(single), "error") ==
        "could not finish setting tv.plex.provider.news to opt_out: plex.tv answered HTTP 500");

  f.plextv.clear_key_failures();
  const auto retry = parse(f.call("POST", "sources/disable-all"));
  CHECK(text(retry, "message") == "Disabled 1 source, 5 already off");
  f.check_identity_and_secrecy();
}

TEST_CASE("a source plex.tv no longer offers is reported as not offered, and Disable all succeeds",
          "[plex_optout]") {
  OptOutFixture f;
  const auto uuid = f.sign_in();
  f.plextv.withdraw(kNews);
  const auto reply = f.call("POST", "sources/disable-all");
  REQUIRE(reply.status == 200);
  const auto body = parse(reply);
  CHECK(text(body, "message") == "Disabled 5 sources, 1 no longer offered by plex.tv");
  CHECK(body->getObject("summary")->getValue<int>("failed") == 0);
  CHECK(body->getObject("summary")->getValue<int>("not_offered") == 1);
  const auto news = body->getArray("results")->getObject(3);
  CHECK(text(news, "key") == kNews);
  CHECK(text(news, "outcome") == "not_offered");
  CHECK(f.plextv.opt_outs(uuid).at(kEpg) == "opt_out");
  CHECK(f.host.logged("plex.tv no longer offers tv.plex.provider.news (plex.tv answered HTTP 400"));
  for (const auto& [level, line] : f.host.logs()) CHECK(level != scanhook::LogLevel::warning);

  // Every later Disable all says the same, never a failure.
  const auto again = f.call("POST", "sources/disable-all");
  CHECK(again.status == 200);
  CHECK(text(parse(again), "message") ==
        "Disabled no source, 5 already off, 1 no longer offered by plex.tv");

  const auto single = f.call("PATCH", std::string("sources/") + kNews, R"({"value":"opt_out"})");
  CHECK(single.status == 200);
  CHECK(text(parse(single), "state") == "not_offered");
  CHECK(text(parse(single), "message") ==
        "plex.tv no longer offers News: there is nothing to change");
  f.check_identity_and_secrecy();
}

TEST_CASE("a PIN past its expiresIn polls as expired even while plex.tv still answers pending",
          "[plex_optout]") {
  OptOutFixture f;
  f.plextv.set_expired_pins_pending(true);
  f.plextv.set_pin_lifetime(std::chrono::seconds(1));
  const auto pin = f.start_pin();
  CHECK(text(parse(f.call("GET", "auth/pin/" + std::to_string(pin))), "state") == "pending");
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  const auto reply = f.call("GET", "auth/pin/" + std::to_string(pin));
  CHECK(reply.body ==
        R"({"state":"expired","message":"the PIN expired before it was approved: start again"})");
  // plex.tv was asked and still said pending: only the local expiry ended it.
  const auto checks = f.plextv.server().requests_to("GET", "/api/v2/pins/" + std::to_string(pin));
  CHECK(checks.size() == 2);
  CHECK(f.call("GET", "auth/pin/" + std::to_string(pin)).status == 404);
  f.check_identity_and_secrecy();
}

TEST_CASE("a token plex.tv revoked signs out and says so", "[plex_optout]") {
  OptOutFixture f;
  f.sign_in();
  f.plextv.revoke(kToken);
  std::string route;
  std::string body;
  SECTION("listing") {
    route = "sources";
  }
  SECTION("setting") {
    route = std::string("sources/") + kPodcasts;
    body = R"({"value":"opt_out"})";
  }
  SECTION("disabling all") {
    route = "sources/disable-all";
  }
  const std::string method = route == "sources"               ? "GET"
                             : route == "sources/disable-all" ? "POST"
                                                              : "PATCH";
  const auto reply = f.call(method, route, body);
  CHECK(reply.status == 401);
  const auto answer = parse(reply);
  CHECK(text(answer, "error") == kRevoked);
  CHECK(answer->getValue<bool>("signed_out"));
  CHECK(f.call("GET", "auth").body == R"({"signed_in":false,"username":null})");
  CHECK(f.host.stored().count("token") == 0);
  CHECK(f.host.logged("plex.tv refused the token while "));
  CHECK(text(parse(f.call("GET", "sources")), "error") == kNotSignedIn);
  f.check_identity_and_secrecy();
}

TEST_CASE("plex.tv not answering is a clear 502 and keeps the sign-in", "[plex_optout]") {
  OptOutFixture f;
  f.sign_in();
  f.plextv.server().set_down(true);
  auto reply = f.call("GET", "sources");
  CHECK(reply.status == 502);
  CHECK_THAT(text(parse(reply), "error"),
             Catch::Matchers::StartsWith(
                 "could not finish listing the online media sources: plex.tv did not answer: "));
  reply = f.call("POST", "auth/pin");
  CHECK(reply.status == 502);
  CHECK_THAT(
      text(parse(reply), "error"),
      Catch::Matchers::StartsWith("could not start a Plex sign-in: plex.tv did not answer: "));
  CHECK(f.call("GET", "auth").body == R"({"signed_in":true,"username":"alice"})");
  f.plextv.server().set_down(false);
  f.check_identity_and_secrecy();
}

TEST_CASE("unknown routes answer 404 and wrong methods 405 with Allow", "[plex_optout]") {
  OptOutFixture f;
  auto reply = f.call("GET", "nope");
  CHECK(reply.status == 404);
  CHECK(reply.body == R"({"error":"no route GET nope"})");
  reply = f.call("PUT", "auth");
  CHECK(reply.status == 405);
  CHECK(reply.headers == scanhook::HeaderList{{"Allow", "GET, DELETE"}});
  reply = f.call("GET", "sources/disable-all");
  CHECK(reply.status == 405);
  CHECK(text(parse(reply), "error") ==
        "method GET is not allowed on sources/disable-all: use POST");
  CHECK(f.call("GET", "auth/pin").status == 405);
  CHECK(f.call("POST", "sources").status == 405);
  CHECK(f.call("GET", std::string("sources/") + kNews).status == 405);
  CHECK(f.plextv.server().requests().empty());
}

TEST_CASE("the opt-out service refuses a bad plex.tv URL or product", "[plex_optout]") {
  RecordingHost host;
  CHECK_THROWS_WITH(
      make<scanhook::Service>("plex_optout", Role::service, {{"plextv_url", "plex.tv"}}, host),
      Catch::Matchers::Contains("plextv_url"));
  CHECK_THROWS_WITH(make<scanhook::Service>("plex_optout", Role::service,
                                            {{"product", std::string(65, 'x')}}, host),
                    Catch::Matchers::Contains("product: must be 1 to 64 printable characters"));
}

TEST_CASE(
    "the fake plex.tv answers like plex.tv: 400 without a client identifier, 401 without a "
    "good token, JSON on request",
    "[plex_optout]") {
  FakePlexTv plextv;
  plextv.set_empty_until_changed(false);
  const auto account = plextv.add_account(kToken, "alice");
  scanhook::support::HttpClient client(plextv.url(), {});
  const std::string url = "/api/v2/user/" + account.uuid + "/settings/opt_outs";

  const auto missing =
      client.send("POST", "/api/v2/pins?strong=true", {{"Accept", "application/json"}});
  CHECK(missing.status == 400);
  CHECK(
      missing.body ==
      R"({"errors":[{"code":1000,"message":"X-Plex-Client-Identifier is missing","status":400}]})");

  const scanhook::HeaderList client_only = {{"X-Plex-Client-Identifier", "test"}};
  CHECK(client.send("GET", "/api/v2/user", client_only).status == 401);
  CHECK(client.send("GET", url, {{"X-Plex-Client-Identifier", "test"}, {"X-Plex-Token", "wrong"}})
            .status == 401);

  const auto xml =
      client.send("GET", url, {{"X-Plex-Client-Identifier", "test"}, {"X-Plex-Token", kToken}});
  CHECK(xml.status == 200);
  CHECK(xml.body.find(R"(<optOut key="tv.plex.provider.music" value="opt_in"/>)") !=
        std::string::npos);
  const auto json = client.send("GET", url,
                                {{"X-Plex-Client-Identifier", "test"},
                                 {"X-Plex-Token", kToken},
                                 {"Accept", "application/json"}});
  CHECK(json.body.rfind(R"([{"key":"tv.plex.provider.podcasts","value":"opt_in"},)", 0) == 0);
}

TEST_CASE("a 401 in the middle of disable all signs out and still reports what changed",
          "[plex_optout]") {
  OptOutFixture f;
  const auto uuid = f.sign_in();
  f.plextv.fail_key(kWebShows, 401);
  const auto reply = f.call("POST", "sources/disable-all");
  CHECK(reply.status == 401);
  const auto body = parse(reply);
  CHECK(text(body, "error") == kRevoked);
  CHECK(body->getValue<bool>("signed_out"));
  const auto results = body->getArray("results");
  REQUIRE(results->size() == 2);
  CHECK(text(results->getObject(0), "key") == kPodcasts);
  CHECK(text(results->getObject(0), "outcome") == "changed");
  CHECK(text(results->getObject(1), "key") == kMusic);
  CHECK(f.plextv.opt_outs(uuid).at(kPodcasts) == "opt_out");
  CHECK(f.plextv.opt_outs(uuid).at(kNews) == "opt_in");
  CHECK(f.host.stored().count("token") == 0);
  f.check_identity_and_secrecy();
}

TEST_CASE("a plex.tv answer past 4 MB is refused with a 502 that says so", "[plex_optout]") {
  OptOutFixture f;
  const std::string uuid = f.sign_in();
  // The opt-out list's real element, repeated as the new-user trial's runaway
  // answer did (2 M of them there; ~5 MB here is past the cap all the same).
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<optOuts>\n";
  while (xml.size() < 5 * 1024 * 1024)
    xml += "  <optOut key=\"tv.plex.provider.music\" value=\"opt_in\"/>\n";
  f.plextv.answer_path_with("/api/v2/user/" + uuid + "/settings/opt_outs",
                            {200, "application/xml", xml + "</optOuts>\n", {}});
  auto reply = f.call("GET", "sources");
  CHECK(reply.status == 502);
  CHECK(text(parse(reply), "error") ==
        "could not finish listing the online media sources: plex.tv sent more than 4 MB");

  // A PIN answer as large is no PIN either (it was read whole and taken as expires_in 0).
  std::string pin = R"({"id":1234567001,"code":"strongcode000001234567001","padding":")";
  pin += std::string(5 * 1024 * 1024, 'x') + "\"}";
  f.plextv.answer_path_with("/api/v2/pins", {201, "application/json", pin, {}});
  reply = f.call("POST", "auth/pin");
  CHECK(reply.status == 502);
  CHECK(text(parse(reply), "error") ==
        "could not start a Plex sign-in: plex.tv sent more than 4 MB");
  CHECK(f.call("GET", "auth").body == R"({"signed_in":true,"username":"alice"})");
}

TEST_CASE("a plex.tv field of the wrong type is refused with a 502 naming the field",
          "[plex_optout]") {
  OptOutFixture f;
  SECTION("an authToken that is an object does not count as approved") {
    const auto pin = f.start_pin();
    const std::string route = "/api/v2/pins/" + std::to_string(pin);
    f.plextv.answer_path_with(route,
                              {200,
                               "application/json",
                               R"({"id":)" + std::to_string(pin) +
                                   R"(,"code":"strongcode000001234567001","expiresIn":1790,)"
                                   R"("expiresAt":"2026-11-30T19:30:00Z","authToken":{"a":[1,2]}})",
                               {}});
    const auto reply = f.call("GET", "auth/pin/" + std::to_string(pin));
    CHECK(reply.status == 502);
    CHECK(text(parse(reply), "error") ==
          "could not check the Plex sign-in: plex.tv sent a PIN whose \"authToken\" is not a "
          "string");
    CHECK(f.plextv.server().requests_to("GET", "/api/v2/user").empty());
  }
  SECTION("a PIN's expiresIn that is a string, or expiresAt that is a number") {
    const std::pair<const char*, const char*> wrong[] = {
        {R"("expiresIn":"1800","expiresAt":"2026-11-30T19:30:00Z")",
         "\"expiresIn\" is not an integer"},
        {R"("expiresIn":1800,"expiresAt":1796070600)", "\"expiresAt\" is not a string"},
    };
    for (const auto& [expiry, refusal] : wrong) {
      f.plextv.answer_path_with(
          "/api/v2/pins", {201,
                           "application/json",
                           std::string(R"({"id":1234567001,"code":"strongcode000001234567001",)") +
                               expiry + R"(,"authToken":null})",
                           {}});
      const auto reply = f.call("POST", "auth/pin");
      CHECK(reply.status == 502);
      CHECK(text(parse(reply), "error") ==
            std::string("could not start a Plex sign-in: plex.tv sent a PIN whose ") + refusal);
    }
  }
  SECTION("an account whose uuid is a number and username a list does not sign in") {
    f.plextv.add_account(kToken, "alice");
    const auto pin = f.start_pin();
    f.plextv.approve(pin, kToken);
    f.plextv.answer_path_with("/api/v2/user",
                              {200, "application/json", R"({"uuid":123,"username":["a"]})", {}});
    auto reply = f.call("GET", "auth/pin/" + std::to_string(pin));
    CHECK(reply.status == 502);
    CHECK(text(parse(reply), "error") ==
          "could not check the Plex account: plex.tv sent an account whose \"uuid\" is not a "
          "string");
    f.plextv.answer_path_with(
        "/api/v2/user", {200, "application/json", R"({"uuid":"5ca9b00c","username":["a"]})", {}});
    reply = f.call("GET", "auth/pin/" + std::to_string(pin));
    CHECK(reply.status == 502);
    CHECK(text(parse(reply), "error") ==
          "could not check the Plex account: plex.tv sent an account whose \"username\" is not a "
          "string");
    CHECK(f.call("GET", "auth").body == R"({"signed_in":false,"username":null})");
    CHECK(f.host.stored().count("token") == 0);
  }
}

TEST_CASE("a username with control bytes is logged escaped, never raw", "[plex_optout]") {
  OptOutFixture f;
  const std::string username("al\0ice\x1b[2J\nforged line", 22);
  f.plextv.add_account(kToken, username);
  const auto pin = f.start_pin();
  f.plextv.approve(pin, kToken);
  REQUIRE(f.call("GET", "auth/pin/" + std::to_string(pin)).status == 200);
  REQUIRE(f.call("DELETE", "auth").status == 200);
  CHECK(f.host.logged("signed in to plex.tv as al\\x00ice\\x1b[2J\\x0aforged line"));
  CHECK(f.host.logged("signed out of plex.tv (al\\x00ice\\x1b[2J\\x0aforged line)"));
  for (const auto& [level, line] : f.host.logs())
    for (const char c : line) CHECK((static_cast<unsigned char>(c) >= 0x20 && c != 0x7f));
}
