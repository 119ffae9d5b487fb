// Reads one text field from a form body (multipart/form-data or
// application/x-www-form-urlencoded), as Plex and Emby send their webhooks.
// File parts (Plex's JPEG thumbnail) are skipped.
#pragma once

#include <optional>
#include <string>

namespace scanhook::support {

bool is_form(const std::string& content_type);

// The field's value, or nullopt when the form has no such field. Throws
// std::runtime_error when the body is not a readable form of that type.
std::optional<std::string> form_field(const std::string& body, const std::string& content_type,
                                      const std::string& name);

}  // namespace scanhook::support
