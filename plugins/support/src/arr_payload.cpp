#include "scanhook/support/arr_payload.hpp"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

namespace scanhook::support {

namespace {

Poco::JSON::Object::Ptr as_object(const Poco::Dynamic::Var& value) {
  if (value.type() == typeid(Poco::JSON::Object::Ptr))
    return value.extract<Poco::JSON::Object::Ptr>();
  return {};
}

}  // namespace

std::optional<ArrPayload> ArrPayload::parse(const std::string& body, std::string& error) {
  // Checked first: Poco's messages for these say nothing useful.
  const auto first = body.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) {
    error = "body is empty";
    return std::nullopt;
  }
  if (body[first] != '{') {
    error = "body is not a JSON object";
    return std::nullopt;
  }
  Poco::Dynamic::Var root;
  try {
    Poco::JSON::Parser parser;
    root = parser.parse(body);
  } catch (const Poco::Exception& failure) {
    error = "body is not valid JSON: " + failure.message();
    return std::nullopt;
  }
  return ArrPayload(as_object(root));
}

Poco::Dynamic::Var ArrPayload::find(const std::string& field) const {
  Poco::JSON::Object::Ptr current = object_;
  std::string::size_type start = 0;
  while (!current.isNull()) {
    const auto dot = field.find('.', start);
    const std::string key = field.substr(start, dot == std::string::npos ? dot : dot - start);
    const Poco::Dynamic::Var value = current->get(key);
    if (dot == std::string::npos) return value;
    current = as_object(value);
    start = dot + 1;
  }
  return {};
}

std::optional<std::string> ArrPayload::text(const std::string& field) const {
  const auto value = find(field);
  if (!value.isString()) return std::nullopt;
  auto result = value.extract<std::string>();
  if (result.empty()) return std::nullopt;
  return result;
}

std::optional<bool> ArrPayload::flag(const std::string& field) const {
  const auto value = find(field);
  if (value.type() != typeid(bool)) return std::nullopt;
  return value.extract<bool>();
}

std::optional<ArrPayload> ArrPayload::object(const std::string& field) const {
  auto found = as_object(find(field));
  if (found.isNull()) return std::nullopt;
  return ArrPayload(std::move(found));
}

std::optional<std::vector<ArrPayload>> ArrPayload::objects(const std::string& field) const {
  const auto value = find(field);
  if (value.type() != typeid(Poco::JSON::Array::Ptr)) return std::nullopt;
  const auto array = value.extract<Poco::JSON::Array::Ptr>();
  std::vector<ArrPayload> elements;
  if (array.isNull()) return elements;
  for (const auto& element : *array) elements.emplace_back(as_object(element));
  return elements;
}

}  // namespace scanhook::support
