#include "scanhook/core/http/form_body.hpp"

#include <Poco/Exception.h>
#include <Poco/URI.h>

#include <algorithm>

namespace scanhook::core {

std::vector<std::string> form_values(const std::string& body, const std::string& name) {
  std::vector<std::string> values;
  std::size_t start = 0;
  while (start <= body.size()) {
    auto end = body.find('&', start);
    if (end == std::string::npos) end = body.size();
    const std::string pair = body.substr(start, end - start);
    const auto equals = pair.find('=');
    std::string key = pair.substr(0, equals), value;
    if (equals != std::string::npos) value = pair.substr(equals + 1);
    std::replace(key.begin(), key.end(), '+', ' ');
    std::replace(value.begin(), value.end(), '+', ' ');
    std::string decoded_key, decoded_value;
    try {
      Poco::URI::decode(key, decoded_key);
      Poco::URI::decode(value, decoded_value);
    } catch (const Poco::Exception& error) {
      throw FormError("the form body is not valid URL encoding: " + error.message());
    }
    if (decoded_key == name) values.push_back(decoded_value);
    start = end + 1;
  }
  return values;
}

std::string form_field(const std::string& body, const std::string& name) {
  auto values = form_values(body, name);
  return values.empty() ? "" : std::move(values.front());
}

}  // namespace scanhook::core
