#include <catch2/catch.hpp>

#include "fakes/fake_http_server.hpp"
#include "scanhook/support/http_client.hpp"

using scanhook::HttpReply;
using scanhook::fakes::FakeHttpServer;
using scanhook::fakes::RecordedRequest;
using scanhook::support::HttpClient;

TEST_CASE("the plugin HTTP client sends method, path, headers and body, and reads the answer",
          "[http_client]") {
  FakeHttpServer server([](const RecordedRequest& request) {
    return HttpReply{201,
                     "text/plain",
                     request.method + " " + request.path + " " + request.body,
                     {{"X-Reply", "yes"}}};
  });
  HttpClient client(server.url() + "/prefix/", {});
  const auto response = client.send("POST", "/a/b?x=1", {{"X-Token", "t"}}, "hello", "text/plain");
  CHECK(response.status == 201);
  CHECK(response.body == "POST /prefix/a/b hello");
  CHECK(response.header("x-reply") == std::optional<std::string>("yes"));
  const auto seen = server.requests().at(0);
  CHECK(seen.query_param("x") == std::optional<std::string>("1"));
  CHECK(seen.header("X-Token") == std::optional<std::string>("t"));
}

TEST_CASE("a slow server times out as unavailable", "[http_client]") {
  FakeHttpServer server([](const RecordedRequest&) {
    return HttpReply{200, "text/plain", "ok", {}};
  });
  server.set_delay(std::chrono::milliseconds(1500));
  HttpClient client(server.url(), {std::chrono::milliseconds(300), true, ""});
  const auto response = client.send("GET", "/");
  CHECK_FALSE(response.answered());
  CHECK_THAT(response.transport_error, Catch::Matchers::Contains("timed out"));
}

TEST_CASE("a base URL that is not http(s) is refused", "[http_client]") {
  CHECK_THROWS_AS(HttpClient("ftp://example/", {}), std::invalid_argument);
  CHECK_THROWS_AS(HttpClient("not a url", {}), std::invalid_argument);
}
