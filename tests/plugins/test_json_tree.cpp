#include <catch2/catch.hpp>

#include <memory>

#include "scanhook/support/arr_payload.hpp"
#include "scanhook/support/json_tree.hpp"
#include "support/plugin_harness.hpp"

using scanhook::support::ArrPayload;
using scanhook::support::JsonTree;
using Type = JsonTree::Type;

namespace {

JsonTree parsed(const std::string& text) {
  std::string error;
  auto tree = JsonTree::parse(text, error);
  INFO(text << " → " << error);
  REQUIRE(tree);
  return std::move(*tree);
}

std::string error_of(const std::string& text) {
  std::string error;
  CHECK_FALSE(JsonTree::parse(text, error));
  return error;
}

}  // namespace

TEST_CASE("json tree: members, arrays and scalars read back with their types", "[json]") {
  const auto tree = parsed(
      R"( {"a": {"b": "x", "n": -1.5e+3}, "list": [1, {"c": true}, null, []], "f": false} )");
  REQUIRE(tree.type(0) == Type::object);
  const auto a = tree.member(0, "a");
  REQUIRE(a != JsonTree::kNone);
  CHECK(tree.type(a) == Type::object);
  CHECK(tree.value(tree.member(a, "b")) == "x");
  CHECK(tree.type(tree.member(a, "n")) == Type::number);
  CHECK(tree.value(tree.member(a, "n")) == "-1.5e+3");
  CHECK(tree.member(a, "list") == JsonTree::kNone);  // a member of the root, not of a
  CHECK(tree.member(0, "missing") == JsonTree::kNone);
  CHECK(tree.member(tree.member(a, "b"), "b") == JsonTree::kNone);  // not an object

  const auto list = tree.member(0, "list");
  std::vector<Type> types;
  for (auto e = tree.first_child(list); e < tree.end(list); e = tree.end(e))
    types.push_back(tree.type(e));
  CHECK(types == std::vector<Type>{Type::number, Type::object, Type::null, Type::array});
  const auto second = tree.end(tree.first_child(list));
  CHECK(tree.value(tree.member(second, "c")) == "true");
  CHECK(tree.value(tree.member(0, "f")) == "false");
  CHECK(tree.type(tree.member(0, "f")) == Type::boolean);
}

TEST_CASE("json tree: escapes decode to UTF-8, a repeated key reads its last value", "[json]") {
  const auto tree =
      parsed(R"({"s": "q\"b\\s\/n\nt\tu\u00e9\u20ac\ud83d\ude00 é", "k": 1, "k": "last"})");
  CHECK(tree.value(tree.member(0, "s")) ==
        "q\"b\\s/n\nt\tu\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80 \xc3\xa9");
  CHECK(tree.value(tree.member(0, "k")) == "last");
  const auto escaped_key = parsed(R"({"\u0041": 1})");
  CHECK(escaped_key.value(escaped_key.member(0, "A")) == "1");
}

TEST_CASE("json tree: values stay readable after the text is gone and the tree has moved",
          "[json]") {
  auto text = std::make_unique<std::string>(
      R"({"a\tb": "x\ny", "plain": "z", "c": ["\u00e9", "w\"v", 2], "d": "e"})");
  auto tree = std::make_shared<const JsonTree>(parsed(*text));
  text.reset();
  CHECK(tree->value(tree->member(0, "a\tb")) == "x\ny");
  CHECK(tree->value(tree->member(0, "plain")) == "z");
  const auto list = tree->member(0, "c");
  std::vector<std::string> values;
  for (auto e = tree->first_child(list); e < tree->end(list); e = tree->end(e))
    values.emplace_back(tree->value(e));
  CHECK(values == std::vector<std::string>{"\xc3\xa9", "w\"v", "2"});
  CHECK(tree->value(tree->member(0, "d")) == "e");
}

TEST_CASE("json tree: malformed text is refused saying what is wrong", "[json]") {
  CHECK(error_of("") == "unexpected end of text, expected a value");
  CHECK(error_of(R"({"eventType": "Download")") == "expected ',' or '}' after member value");
  CHECK(error_of(R"({"eventType": Download})") == "unexpected byte 'D' in value");
  CHECK(error_of(R"({"a": 1,})") == "expected '\"' to start a member name");
  CHECK(error_of(R"({"a" 1})") == "expected ':' after member name");
  CHECK(error_of("[1 2]") == "expected ',' or ']' after array element");
  CHECK(error_of("[1,]") == "unexpected byte ']' in value");
  CHECK(error_of(R"({} x)") == "unexpected byte 'x' after the value");
  CHECK(error_of("\"a\tb\"") == "control character 0x09 in a string");
  CHECK(error_of(R"("a)") == "unexpected end of text in a string");
  CHECK(error_of(R"("\x")") == "invalid escape 'x' in a string");
  CHECK(error_of(R"("\u12g4")") == "invalid hex digit 'g' in a \\u escape");
  CHECK(error_of(R"("\u12")") == "unexpected end of text in a \\u escape");
  CHECK(error_of(R"("\ud83d")") == "unpaired surrogate \\u escape in a string");
  CHECK(error_of(R"("\ude00")") == "unpaired surrogate \\u escape in a string");
  CHECK(error_of("-") == "invalid number: a digit must follow '-'");
  CHECK(error_of("1.") == "invalid number: a digit must follow '.'");
  CHECK(error_of("1e+") == "invalid number: a digit must follow the exponent");
  CHECK(error_of("01") == "unexpected byte '1' after the value");
  CHECK(error_of("tru") == "unexpected byte 't' in value");
  CHECK(error_of(std::string(300, '[')) == "nesting is deeper than 256");
  CHECK(parsed(std::string(256, '[') + std::string(256, ']')).type(0) == Type::array);
}

TEST_CASE("arr payload: dotted fields, null reads as absent, non-objects in arrays are empty",
          "[json]") {
  std::string error;
  const auto payload = ArrPayload::parse(
      R"({"series": {"path": "/tv/S", "title": ""}, "n": null, "deletedFiles": true,
          "files": [{"path": "/tv/S/a.mkv"}, 3, {"x": 1}]})",
      error);
  REQUIRE(payload);
  CHECK(payload->text("series.path") == "/tv/S");
  CHECK(payload->text("series.title") == std::nullopt);  // empty reads as absent
  CHECK(payload->text("series.path.more") == std::nullopt);
  CHECK(payload->has("series"));
  CHECK_FALSE(payload->has("n"));
  CHECK(payload->flag("deletedFiles") == true);
  CHECK(payload->flag("series") == std::nullopt);
  CHECK(payload->object("series")->text("path") == "/tv/S");
  CHECK(payload->object("series.path") == std::nullopt);
  const auto files = payload->objects("files");
  REQUIRE(files);
  REQUIRE(files->size() == 3);
  CHECK((*files)[0].text("path") == "/tv/S/a.mkv");
  CHECK_FALSE((*files)[1].has("path"));
  CHECK((*files)[2].text("x") == std::nullopt);  // a number is not a text
  CHECK(payload->objects("series") == std::nullopt);
}
