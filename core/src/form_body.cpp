#include "scanhook/core/form_body.hpp"

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
    Poco::URI::decode(key, decoded_key);
    Poco::URI::decode(value, decoded_value);
    if (decoded_key == name) values.push_back(decoded_value);
    start = end + 1;
  }
  return values;
}

}  // namespace scanhook::core
