#include "scanhook/core/store/dead_letter_store.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <sstream>

namespace scanhook::core {

namespace {

bool is_credential(const std::string& name) {
  return iequals(name, "Authorization") || iequals(name, "Cookie") ||
         iequals(name, "X-Scanhook-Token") || iequals(name, "token");
}

}  // namespace

std::string DeadLetterStore::pairs_json(const HeaderList& pairs) {
  Poco::JSON::Array array;
  for (const auto& [name, value] : pairs) {
    if (is_credential(name)) continue;
    Poco::JSON::Array pair;
    pair.add(name);
    pair.add(value);
    array.add(pair);
  }
  std::ostringstream out;
  array.stringify(out);
  return out.str();
}

HeaderList DeadLetterStore::pairs_from_json(const std::string& text) {
  HeaderList pairs;
  const auto array = Poco::JSON::Parser().parse(text).extract<Poco::JSON::Array::Ptr>();
  for (std::size_t i = 0; i < array->size(); ++i) {
    const auto pair = array->getArray(static_cast<unsigned>(i));
    if (!pair) throw Poco::DataFormatException("item " + std::to_string(i) + " is not a pair");
    pairs.emplace_back(pair->getElement<std::string>(0), pair->getElement<std::string>(1));
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
