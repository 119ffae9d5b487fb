// Reads an application/x-www-form-urlencoded body, as HTML forms post it.
#pragma once

#include <string>
#include <vector>

namespace scanhook::core {

// Every value of the field `name`, decoded ('+' is a space), in order.
std::vector<std::string> form_values(const std::string& body, const std::string& name);

}  // namespace scanhook::core
