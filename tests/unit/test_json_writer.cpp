#include <catch2/catch.hpp>

#include "scanhook/core/http/json_body.hpp"
#include "scanhook/core/http/json_writer.hpp"

using scanhook::core::JsonWriter;

TEST_CASE("the JSON writer separates members and items, in the order written", "[json]") {
  JsonWriter json;
  json.begin_object()
      .member("a", 1)
      .key("list")
      .begin_array()
      .value(true)
      .begin_object()
      .end_object()
      .begin_array()
      .end_array()
      .value("x")
      .end_array()
      .member("b", std::int64_t{-9000000000})
      .member("c", false)
      .end_object();
  CHECK(json.text() == R"({"a":1,"list":[true,{},[],"x"],"b":-9000000000,"c":false})");
  CHECK(json.reply(201).status == 201);
  CHECK(json.reply(201).content_type == "application/json");
}

TEST_CASE("the JSON writer escapes what a string holds, and json_body reads it back", "[json]") {
  const std::string tricky =
      "quote \" backslash \\ tab \t nul " + std::string(1, '\0') + " bell \x07 ü C:\\TV";
  JsonWriter json;
  json.begin_object().member("k\"ey", tricky).end_object();
  CHECK(json.text() ==
        "{\"k\\\"ey\":\"quote \\\" backslash \\\\ tab \\t nul \\u0000 bell \\u0007 ü C:\\\\TV\"}");
  const auto tree = scanhook::core::json_body({"POST", "/", {}, {}, json.text(), ""});
  REQUIRE(tree);
  CHECK(scanhook::core::json_string(*tree, 0, "k\"ey") == std::optional<std::string>(tricky));
}
