#include "scanhook/core/store/dead_letter_store.hpp"

#include <Poco/Base64Decoder.h>
#include <Poco/Base64Encoder.h>

#include <iterator>
#include <sstream>

#include "scanhook/core/http/json_writer.hpp"
#include "scanhook/core/text/utf8_text.hpp"
#include "scanhook/support/json_tree.hpp"

namespace scanhook::core {

using support::JsonTree;

namespace {

bool is_credential(const std::string& name) {
  return iequals(name, "Authorization") || iequals(name, "Cookie") ||
         iequals(name, "X-Scanhook-Token") || iequals(name, "token");
}

constexpr const char* kBase64 = "base64";

// A name or value as write_bytes wrote it (or Poco::JSON before it: a string).
Expected<std::string> read_bytes(const JsonTree& tree, std::uint32_t node) {
  if (tree.type(node) == JsonTree::Type::string) return std::string(tree.value(node));
  const auto encoded =
      tree.type(node) == JsonTree::Type::object ? tree.member(node, kBase64) : JsonTree::kNone;
  if (encoded == JsonTree::kNone || tree.type(encoded) != JsonTree::Type::string)
    return failure("a name or value is neither a string nor {\"base64\": ...}");
  std::istringstream in{std::string(tree.value(encoded))};
  Poco::Base64Decoder decoder(in);
  try {
    return std::string(std::istreambuf_iterator<char>(decoder), std::istreambuf_iterator<char>());
  } catch (const std::exception&) {
    return failure("\"base64\" holds a character outside base64");
  }
}

}  // namespace

void DeadLetterStore::write_bytes(JsonWriter& json, const std::string& bytes) {
  if (is_utf8(bytes)) {
    json.value(bytes);
    return;
  }
  std::ostringstream encoded;
  Poco::Base64Encoder encoder(encoded);
  encoder.rdbuf()->setLineLength(0);
  encoder << bytes;
  encoder.close();
  json.begin_object().member(kBase64, encoded.str()).end_object();
}

std::string DeadLetterStore::pairs_json(const HeaderList& pairs) {
  JsonWriter json;
  json.begin_array();
  for (const auto& [name, value] : pairs) {
    if (is_credential(name)) continue;
    json.begin_array();
    write_bytes(json, name);
    write_bytes(json, value);
    json.end_array();
  }
  json.end_array();
  return json.text();
}

Expected<HeaderList> DeadLetterStore::pairs_from_json(const std::string& text) {
  const auto tree = JsonTree::parse(text);
  if (!tree) return failure("not JSON: " + tree.error().message);
  if (tree->type(0) != JsonTree::Type::array) return failure("not a JSON array");
  HeaderList pairs;
  for (auto pair = tree->first_child(0); pair < tree->end(0); pair = tree->end(pair)) {
    const auto not_pair =
        failure("item " + std::to_string(pairs.size()) + " is not a [name, value] pair");
    if (tree->type(pair) != JsonTree::Type::array) return not_pair;
    const auto name = tree->first_child(pair);
    if (name >= tree->end(pair)) return not_pair;
    const auto value = tree->end(name);
    if (value >= tree->end(pair) || tree->end(value) != tree->end(pair)) return not_pair;
    auto name_bytes = read_bytes(*tree, name);
    if (!name_bytes) return name_bytes.error();
    auto value_bytes = read_bytes(*tree, value);
    if (!value_bytes) return value_bytes.error();
    pairs.emplace_back(std::move(name_bytes).value(), std::move(value_bytes).value());
  }
  return pairs;
}

HttpRequest DeadLetterStore::request_of(const DeadLetter& letter) {
  HttpRequest request;
  request.method = "POST";
  request.path = "/triggers/" + letter.source;
  request.headers = letter.headers;
  request.query = letter.query;
  request.body = letter.body;
  request.remote_address = "replay";
  return request;
}

}  // namespace scanhook::core
