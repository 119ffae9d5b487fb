#include <catch2/catch.hpp>

#include "scanhook/core/pipeline/dead_letters.hpp"
#include "scanhook/core/store/postgres_connection.hpp"
#include "support/expected_printing.hpp"
#include "support/raw_sql.hpp"
#include "support/store_backends.hpp"
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

// SQL run on the backend's database directly, as another program (or an
// older scanhook) would.
void run_sql(scanhook::testing::SqliteBackend& backend, const std::string& sql) {
  scanhook::testing::run_sql(backend.dir / "queue.db", sql);
}
void run_sql(scanhook::testing::PostgresBackend& backend, const std::string& sql) {
  PostgresConnection(backend.url, "").execute(sql);
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
  CHECK(kept[0].body_start == "body4");
  CHECK(kept[2].body_start == "body2");
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
  CHECK(kept[0].body_start == std::string(10, 'c'));
  CHECK(kept[1].body_start == std::string(10, 'b'));
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

STORE_TEST("a dead letter's headers and query come back byte for byte, whatever bytes they hold",
           "[deadletters]") {
  Backend backend;
  auto store = backend.open();
  HttpRequest received = request("{}");
  // A header value may carry any byte from 0x80 (RFC 9110's obs-text), and a
  // query value any byte once %-decoded.
  const std::string raw = "\x80\x81 caf\xff\xfe \xc3";
  received.headers = {{"X-Raw", raw},
                      {"X-Quoted", "say \"hi\" \\ C:\\TV"},
                      {"X-Text", "caf\xc3\xa9 \xe2\x9c\x93"},
                      {"Authorization", "Basic c2VjcmV0"}};
  received.query = {{"note", std::string("\xff\x00\x01", 3)}, {"\xfe", "name not UTF-8"}};
  const auto id = store->dead_letters().keep("sonarr", received, "not JSON", 1);
  REQUIRE(id);
  store.reset();
  store = backend.open();  // read back as after a restart
  const auto letter = store->dead_letters().find(*id);
  REQUIRE(letter);
  const scanhook::HeaderList sent = {
      {"X-Raw", raw}, {"X-Quoted", "say \"hi\" \\ C:\\TV"}, {"X-Text", "caf\xc3\xa9 \xe2\x9c\x93"}};
  CHECK(letter->headers == sent);
  CHECK(letter->query == received.query);
  const auto replay = DeadLetterStore::request_of(*letter);
  CHECK(replay.headers == sent);
  CHECK(replay.query == received.query);
}

STORE_TEST("a deleted dead letter's id is not given to the next one, nor after a reopen",
           "[deadletters]") {
  Backend backend;
  auto store = backend.open();
  const auto a = store->dead_letters().keep("sonarr", request("a"), "not JSON", 1);
  REQUIRE(a);
  REQUIRE(store->dead_letters().remove(*a));
  const auto b = store->dead_letters().keep("sonarr", request("b"), "not JSON", 2);
  REQUIRE(b);
  CHECK(*b != *a);
  CHECK_FALSE(store->dead_letters().find(*a));
  REQUIRE(store->dead_letters().remove(*b));
  store.reset();
  store = backend.open();
  const auto c = store->dead_letters().keep("sonarr", request("c"), "not JSON", 3);
  REQUIRE(c);
  CHECK(*c != *a);
  CHECK(*c != *b);
}

STORE_TEST("a dead letter written by the earlier Poco::JSON format reads back the same pairs",
           "[deadletters]") {
  Backend backend;
  backend.open();  // the schema
  // Exactly what pairs_json wrote through Poco::JSON 1.11 (Debian 12's
  // 1.11.0-3+deb12u1) before it wrote through JsonWriter: quotes and
  // backslashes escaped, control characters as \t or \u0001, UTF-8 as is.
  run_sql(backend,
          R"sql(INSERT INTO dead_letters(source, received_at, headers, query, body, error)
                VALUES('sonarr', 5, '[["Content-Type","application/json"],)sql"
          R"sql(["X-Quoted","say \"hi\" \\ C:\\TV /x"],["X-Control","tab\there\u0001"],)sql"
          R"sql(["X-Text","café ✓"]]', '[["note","x y"]]', '{}', 'not JSON'))sql");
  const auto store = backend.open();
  const auto letters = store->dead_letters().list(10, 0);
  REQUIRE(letters.size() == 1);
  CHECK(letters[0].headers == scanhook::HeaderList{{"Content-Type", "application/json"},
                                                   {"X-Quoted", "say \"hi\" \\ C:\\TV /x"},
                                                   {"X-Control", "tab\there\x01"},
                                                   {"X-Text", "caf\xc3\xa9 \xe2\x9c\x93"}});
  CHECK(letters[0].query == scanhook::HeaderList{{"note", "x y"}});
  CHECK(store->dead_letters().unreadable().count("dead_letters") == 0);
}

TEST_CASE("stored pairs that are not [name, value] lists are refused with the reason",
          "[deadletters]") {
  CHECK(DeadLetterStore::pairs_from_json("[]").ok());
  for (const char* bad :
       {"{}", "[[\"a\"]]", "[[\"a\",\"b\",\"c\"]]", "[\"a\"]", "[[1,\"b\"]]",
        "[[\"a\",{\"base64\":\"!!\"}]]", "[[\"a\",{\"hex\":\"00\"}]]", "[", "[[\"a\",\"b\"]] x"}) {
    INFO(bad);
    CHECK_FALSE(DeadLetterStore::pairs_from_json(bad));
  }
  CHECK_THAT(DeadLetterStore::pairs_from_json("[[\"a\"]]").error().message,
             Catch::Contains("item 0 is not a [name, value] pair"));
}

STORE_TEST("a dead letter whose stored pairs cannot be read is left out and counted",
           "[deadletters]") {
  Backend backend;
  backend.open();
  run_sql(backend,
          "INSERT INTO dead_letters(source, received_at, headers, query, body, error) "
          "VALUES('sonarr', 5, '[[\"a\"]]', '[]', '{}', 'e')");
  const auto store = backend.open();
  CHECK(store->dead_letters().list(10, 0).empty());
  CHECK(store->dead_letters().unreadable().count("dead_letters") == 1);
}

STORE_TEST("a listed dead letter carries its body's size and first bytes, not the body",
           "[deadletters]") {
  Backend backend;
  auto store = backend.open();
  auto& letters = store->dead_letters();
  // 1 MiB, not UTF-8 in places, with a 3-byte character across the cut.
  std::string body(DeadLetterStore::kBodyStartBytes - 1, 'a');
  body += "\xe2\x9c\x93";
  body += std::string(1 << 20, '\xff');
  REQUIRE(letters.keep("sonarr", request(body), "not JSON", 1));
  REQUIRE(letters.keep("sonarr", request(""), "empty", 2));
  const auto listed = letters.list(10, 0);
  REQUIRE(listed.size() == 2);
  CHECK(listed[0].body_bytes == 0);
  CHECK(listed[0].body_start.empty());
  CHECK(listed[1].error == "not JSON");
  CHECK(listed[1].headers == scanhook::HeaderList{{"Content-Type", "application/json"}});
  CHECK(listed[1].body_bytes == static_cast<std::int64_t>(body.size()));
  CHECK(listed[1].body_start == body.substr(0, DeadLetterStore::kBodyStartBytes));
  CHECK(letters.find(2)->body.empty());
  CHECK(letters.find(1)->body == body);
}

STORE_TEST("a body stored as text by hand is listed by its bytes, not its characters",
           "[deadletters]") {
  Backend backend;
  backend.open();
  // 300 two-byte characters: 600 bytes.
  std::string text;
  for (int i = 0; i < 300; ++i) text += "\xc3\xa9";
  run_sql(backend,
          "INSERT INTO dead_letters(source, received_at, headers, query, body, error) "
          "VALUES('sonarr', 5, '[]', '[]', '" +
              text + "', 'e')");
  const auto store = backend.open();
  const auto listed = store->dead_letters().list(10, 0);
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].body_bytes == 600);
  CHECK(listed[0].body_start == text.substr(0, DeadLetterStore::kBodyStartBytes));
  CHECK(store->dead_letters().find(listed[0].id)->body == text);
}

TEST_CASE("a dead letter whose body a hand edit made a number is left out of the listing, counted",
          "[deadletters]") {
  scanhook::testing::SqliteBackend backend;
  backend.open();
  run_sql(backend,
          "INSERT INTO dead_letters(source, received_at, headers, query, body, error) "
          "VALUES('sonarr', 5, '[]', '[]', 42, 'e')");
  const auto store = backend.open();
  CHECK(store->dead_letters().list(10, 0).empty());
  CHECK(store->dead_letters().unreadable().count("dead_letters") == 1);
}
