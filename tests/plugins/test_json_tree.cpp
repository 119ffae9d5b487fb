#include <catch2/catch.hpp>

#include <memory>

#include "scanhook/support/arr_payload.hpp"
#include "scanhook/support/json_tree.hpp"
#include "scanhook/support/webhook_json.hpp"
#include "scanhook/webhook_source.hpp"
#include "support/arr_webhook.hpp"
#include "support/plugin_harness.hpp"
#include "support/recording_host.hpp"

using scanhook::core::Role;
using scanhook::support::ArrPayload;
using scanhook::support::JsonTree;
using scanhook::support::WebhookObject;
using scanhook::testing::check_rejected;
using scanhook::testing::make;
using scanhook::testing::read_test_data;
using scanhook::testing::RecordingHost;
using Type = JsonTree::Type;

namespace {

JsonTree parsed(const std::string& text) {
  auto tree = JsonTree::parse(text);
  INFO(text << " → " << (tree ? "" : tree.error().message));
  REQUIRE(tree);
  return std::move(tree).value();
}

std::string bad_member(const std::string& byte) {
  return "unexpected byte " + byte +
         " in an object (members are \"name\": value, separated by ',')";
}
const char* const kSonarrAgent = "Sonarr/4.0.14.2939 (ubuntu 22.04)";

std::string error_of(const std::string& text) {
  const auto tree = JsonTree::parse(text);
  CHECK_FALSE(tree);
  return tree ? std::string{} : tree.error().message;
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
  CHECK(error_of(" \r\n") == "unexpected end of text, expected a value");
  CHECK(error_of(R"({"eventType": "Download")") ==
        "an object or array is not closed where the text ends");
  CHECK(error_of(R"({"eventType": Download})") == "unexpected byte 'D' in value");
  CHECK(error_of(R"({"a": {"b": 1})") == "expected ',' or '}' after member value");
  CHECK(error_of(R"({"a": 1,})") == bad_member("'}'"));
  CHECK(error_of(R"({"a": 1,, "b": 2})") == bad_member("','"));
  CHECK(error_of(R"({"a" 1})") == bad_member("'1'"));
  CHECK(error_of(R"({"a": 1 "b": 2})") == bad_member("'\"'"));
  CHECK(error_of(R"({1: 2})") == bad_member("'1'"));
  CHECK(error_of("[1 2]") == "expected ',' or ']' after array element");
  CHECK(error_of("[1,]") == "unexpected byte ']' in value");
  CHECK(error_of(R"({} x)") == "an object or array is not closed where the text ends");
  CHECK(error_of(R"({} {})") == "unexpected byte '{' after the value");
  CHECK(error_of("\"a\tb\"") == "a control character is not escaped in a string");
  CHECK(error_of(R"("a)") == "unexpected end of text in a string");
  CHECK(error_of(R"(["\x"])") == "invalid escape in a string");
  CHECK(error_of(R"(["\u12g4"])") == "invalid escape in a string");
  CHECK(error_of(R"(["\u12"])") == "invalid escape in a string");
  CHECK(error_of(R"(["\ud83d"])") == "invalid escape in a string");
  CHECK(error_of(R"(["\ude00"])") == "invalid escape in a string");
  CHECK(error_of(R"({"\x": 1})") == "invalid escape in a string");
  CHECK(error_of("[-]") == "invalid number - (not JSON, or beyond a double's range)");
  CHECK(error_of("[1.]") == "invalid number 1. (not JSON, or beyond a double's range)");
  CHECK(error_of("[1e+]") == "invalid number 1e+ (not JSON, or beyond a double's range)");
  CHECK(error_of("[01]") == "invalid number 01 (not JSON, or beyond a double's range)");
  CHECK(error_of("[+1]") == "unexpected byte '+' in value");
  CHECK(error_of("[tru]") == "unexpected byte 't' in value");
  CHECK(error_of("[truex]") == "unexpected byte 't' in value");
  CHECK(error_of("[nul]") == "unexpected byte 'n' in value");
  CHECK(error_of("[NaN]") == "unexpected byte 'N' in value");
  CHECK(error_of("[1, 2") == "an object or array is not closed where the text ends");
  CHECK(error_of("[1, 2]]") == "unexpected byte ']' after the value");
}

TEST_CASE("json tree: nesting deeper than 256 is refused, however deep, without a crash",
          "[json]") {
  CHECK(parsed(std::string(256, '[') + std::string(256, ']')).type(0) == Type::array);
  const std::string refused = "nesting is deeper than 256";
  CHECK(error_of(std::string(257, '[') + std::string(257, ']')) == refused);
  CHECK(error_of(std::string(100000, '[') + std::string(100000, ']')) == refused);
  std::string objects;
  for (int i = 0; i < 100000; ++i) objects += R"({"a":)";
  objects += "1" + std::string(100000, '}');
  CHECK(error_of(objects) == refused);
  CHECK(error_of(std::string(100000, '[')) ==
        "an object or array is not closed where the text ends");
}

TEST_CASE("json tree: numbers keep their text, and one beyond a double's range is refused",
          "[json]") {
  const auto tree = parsed(
      R"({"id": 123456789012345678901234567890, "size": 18446744073709551616, "tiny": 1e-400,
          "neg": -0, "big": 1.7976931348623157e308})");
  CHECK(tree.value(tree.member(0, "id")) == "123456789012345678901234567890");
  CHECK(tree.value(tree.member(0, "size")) == "18446744073709551616");
  CHECK(tree.value(tree.member(0, "tiny")) == "1e-400");
  CHECK(tree.value(tree.member(0, "neg")) == "-0");
  CHECK(tree.type(tree.member(0, "big")) == Type::number);
  CHECK(error_of(R"({"size": 1e400})") ==
        "invalid number 1e400 (not JSON, or beyond a double's range)");
  CHECK(error_of(R"({"size": -1e400})") ==
        "invalid number -1e400 (not JSON, or beyond a double's range)");
  CHECK(error_of("[" + std::string(400, '9') + "e9]") ==
        "invalid number " + std::string(400, '9') + "e9 (not JSON, or beyond a double's range)");
}

TEST_CASE("json tree: text that is not UTF-8 is refused, wherever it is", "[json]") {
  const std::string refused = "the text is not valid UTF-8";
  CHECK(error_of("{\"path\": \"/tv/\xff.mkv\"}") == refused);      // a byte never in UTF-8
  CHECK(error_of("{\"path\": \"/tv/\xc3.mkv\"}") == refused);      // a cut sequence
  CHECK(error_of("{\"path\": \"/tv/\xc0\xaf.mkv\"}") == refused);  // an overlong '/'
  CHECK(error_of("{\"path\": \"/tv/\xed\xa0\x80\"}") == refused);  // a surrogate
  CHECK(error_of("{\"\xff\": 1}") == refused);                     // in a key
  CHECK(error_of("{\"a\": 1} \xff") == refused);                   // after the value
  CHECK(parsed("{\"path\": \"/tv/Am\xc3\xa9lie \xf0\x9f\x98\x80.mkv\"}").value(1) ==
        "/tv/Am\xc3\xa9lie \xf0\x9f\x98\x80.mkv");
}

TEST_CASE("json tree: of repeated keys the last is read, in every object", "[json]") {
  const auto tree = parsed(
      R"({"eventType": "Test", "series": {"path": "/tv/A", "path": null, "path": "/tv/B"},
          "eventType": "Download", "series": {"path": "/tv/C"}})");
  CHECK(tree.value(tree.member(0, "eventType")) == "Download");
  CHECK(tree.value(tree.member(tree.member(0, "series"), "path")) == "/tv/C");
  std::uint32_t first_series = tree.first_child(0);
  while (tree.type(first_series) != Type::object) first_series = tree.end(first_series);
  CHECK(tree.value(tree.member(first_series, "path")) == "/tv/B");
  // A later null hides an earlier value: the payload reads it as absent.
  const auto payload = ArrPayload::parse(R"({"series": {"path": "/tv/A", "path": null}})");
  REQUIRE(payload);
  CHECK_FALSE(payload->has("series.path"));
}

TEST_CASE("sonarr: a malformed body is a 400 naming what is wrong, however it is malformed",
          "[json]") {
  RecordingHost host;
  auto source = make<scanhook::WebhookSource>("sonarr", Role::source, {}, host);
  const std::string download = read_test_data("sonarr/v4/download.json");
  std::string deep = download;
  deep.insert(deep.rfind('}'), R"(, "x": )" + std::string(100000, '[') + std::string(100000, ']'));
  std::string not_utf8 = download;
  not_utf8.replace(not_utf8.find("/tv/"), 4, "/tv/\xfe");
  std::string huge = download;
  huge.insert(huge.rfind('}'), R"(, "x": 1e999)");
  check_rejected(
      *source, kSonarrAgent,
      {
          {deep, 400, "body is not valid JSON: nesting is deeper than 256"},
          {not_utf8, 400, "body is not valid JSON: the text is not valid UTF-8"},
          {huge, 400,
           "body is not valid JSON: invalid number 1e999 (not JSON, or beyond a double's range)"},
      });
  CHECK(host.logs().empty());
}

TEST_CASE("arr payload: dotted fields, null reads as absent, non-objects in arrays are empty",
          "[json]") {
  const auto payload = ArrPayload::parse(
      R"({"series": {"path": "/tv/S", "title": ""}, "n": null, "deletedFiles": true,
          "files": [{"path": "/tv/S/a.mkv"}, 3, {"x": 1}]})");
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

TEST_CASE("webhook object: members read as text as the media plugins read them", "[json]") {
  const auto object = WebhookObject::parse(
      R"({"Event": "library.new", "Id": 42, "IsFolder": false, "Item": {"Path": "/tv/A", "Path": "/tv/B"},
          "Gone": null, "List": ["x"], "Event": "library.deleted"})");
  REQUIRE(object);
  CHECK(object->text("Event") == "library.deleted");  // the last of a repeated key
  CHECK(object->text("Id") == "42");
  CHECK(object->text("IsFolder") == "false");
  CHECK(object->flag("IsFolder") == false);
  CHECK(object->flag("Id") == std::nullopt);
  CHECK(object->text("Gone").empty());
  CHECK(object->text("List").empty());
  CHECK(object->text("Item").empty());
  CHECK(object->text("Missing").empty());
  REQUIRE(object->object("Item"));
  CHECK(object->object("Item")->text("Path") == "/tv/B");
  CHECK(object->object("Event") == std::nullopt);
  const auto not_object = WebhookObject::parse("[1]");
  CHECK_FALSE(not_object);
  CHECK(not_object.error().message == "the JSON is not an object");
  const auto too_deep = WebhookObject::parse(std::string(100000, '[') + std::string(100000, ']'));
  CHECK_FALSE(too_deep);
  CHECK(too_deep.error().message == "nesting is deeper than 256");
}

TEST_CASE("json tree: a body of megabytes reads whole, and the next small one after it", "[json]") {
  std::string big = R"({"files": [)";
  for (int i = 0; i < 40000; ++i)
    big +=
        (i ? ", " : "") + std::string(R"({"path": "/tv/Show/)") + std::to_string(i) + R"(.mkv"})";
  big += "]}";
  REQUIRE(big.size() > std::size_t{1} << 20);
  const auto tree = parsed(big);
  const auto files = tree.member(0, "files");
  std::uint32_t last = JsonTree::kNone;
  std::size_t count = 0;
  for (auto e = tree.first_child(files); e < tree.end(files); e = tree.end(e), ++count) last = e;
  CHECK(count == 40000);
  CHECK(tree.value(tree.member(last, "path")) == "/tv/Show/39999.mkv");
  CHECK(parsed(R"({"a": "b"})").value(1) == "b");
  CHECK(error_of(R"({"a": b})") == "unexpected byte 'b' in value");
}
