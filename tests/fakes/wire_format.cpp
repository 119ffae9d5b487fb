#include "fakes/wire_format.hpp"

#include <Poco/JSON/Stringifier.h>

#include <sstream>

namespace scanhook::fakes {

std::string to_json(const Poco::Dynamic::Var& value) {
  std::ostringstream out;
  Poco::JSON::Stringifier::condense(value, out);
  return out.str();
}

std::string xml_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

bool wants_json(const RecordedRequest& request) {
  return request.header("Accept").value_or("").find("application/json") != std::string::npos;
}

}  // namespace scanhook::fakes
