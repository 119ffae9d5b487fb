// Reads an application/x-www-form-urlencoded body, as HTML forms post it.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace scanhook::core {

// The body is not valid URL encoding (a bad %-escape); what() says so.
class FormError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// Every value of the field `name`, decoded ('+' is a space), in order.
// Throws FormError.
std::vector<std::string> form_values(const std::string& body, const std::string& name);
// The first value of the field `name`, or "" without one. Throws FormError.
std::string form_field(const std::string& body, const std::string& name);

}  // namespace scanhook::core
