#include <catch2/catch.hpp>

#include "scanhook/core/pipeline/dead_letters.hpp"
#include "support/temp_dir.hpp"

using namespace scanhook::core;
using scanhook::HttpRequest;
using scanhook::testing::TempDir;

namespace {

HttpRequest request(const std::string& body) {
  HttpRequest r;
  r.method = "POST";
  r.path = "/triggers/sonarr";
  r.headers = {{"Content-Type", "application/json"},
               {"Authorization", "Basic c2VjcmV0"},
               {"X-Scanhook-Token", "t0ken"}};
  r.query = {{"token", "t0ken"}, {"note", "x"}};
  r.body = body;
  return r;
}

}  // namespace

TEST_CASE("a dead letter keeps source, headers, body, error and time, without credentials",
          "[deadletters]") {
  TempDir dir;
  Database database(dir / "db");
  DeadLetters letters(database, 10, 1000);
  const auto id = letters.keep("sonarr", request("{broken"), "not JSON", 1234);
  REQUIRE(id);
  const auto letter = letters.find(*id);
  REQUIRE(letter);
  CHECK(letter->source == "sonarr");
  CHECK(letter->received_at == 1234);
  CHECK(letter->body == "{broken");
  CHECK(letter->error == "not JSON");
  CHECK(letter->headers == scanhook::HeaderList{{"Content-Type", "application/json"}});
  CHECK(letter->query == scanhook::HeaderList{{"note", "x"}});
  const auto replay = DeadLetters::request_of(*letter);
  CHECK(replay.path == "/triggers/sonarr");
  CHECK(replay.body == "{broken");
}

TEST_CASE("dead letters are bounded in count, oldest first", "[deadletters]") {
  TempDir dir;
  Database database(dir / "db");
  DeadLetters letters(database, 3, 1'000'000);
  for (int i = 0; i < 5; ++i) letters.keep("s", request("body" + std::to_string(i)), "e", i);
  const auto kept = letters.list(10, 0);
  REQUIRE(kept.size() == 3);
  CHECK(kept[0].body == "body4");
  CHECK(kept[2].body == "body2");
}

TEST_CASE("dead letters are bounded in bytes, and one too big is not kept", "[deadletters]") {
  TempDir dir;
  Database database(dir / "db");
  DeadLetters letters(database, 100, 25);
  letters.keep("s", request(std::string(10, 'a')), "e", 1);
  letters.keep("s", request(std::string(10, 'b')), "e", 2);
  letters.keep("s", request(std::string(10, 'c')), "e", 3);
  const auto kept = letters.list(10, 0);
  REQUIRE(kept.size() == 2);
  CHECK(kept[0].body == std::string(10, 'c'));
  CHECK(kept[1].body == std::string(10, 'b'));
  CHECK_FALSE(letters.keep("s", request(std::string(26, 'x')), "e", 4));
}

TEST_CASE("a replay that fails again keeps the letter with the new error", "[deadletters]") {
  TempDir dir;
  Database database(dir / "db");
  DeadLetters letters(database, 10, 1000);
  const auto id = *letters.keep("s", request("x"), "first", 1);
  letters.failed_again(id, "second");
  CHECK(letters.find(id)->error == "second");
  CHECK(letters.find(id)->attempts == 2);
  letters.remove(id);
  CHECK_FALSE(letters.find(id));
}
