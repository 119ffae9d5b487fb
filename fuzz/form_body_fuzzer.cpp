// Form bodies: the core's URL-encoded reader (core/src/http/form_body.cpp: the
// manual form, logins, the plex_autoscan route) and the plugins' form reader
// (plugins/support form_field: Plex's and Emby's multipart/form-data and
// URL-encoded webhooks). A body that starts "--boundary" is read as
// multipart with that boundary too. Finding: a crash, a sanitizer report, or
// an exception other than the documented ones.
#include <cstdint>
#include <string>

#include "multipart_type.hpp"
#include "scanhook/core/http/form_body.hpp"
#include "scanhook/support/form_field.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string body(reinterpret_cast<const char*>(data), size);
  try {
    (void)scanhook::core::form_values(body, "dir");
    (void)scanhook::core::form_field(body, "csrf");
  } catch (const scanhook::core::FormError&) {
  }
  try {
    (void)scanhook::support::form_field(body, "application/x-www-form-urlencoded", "data");
  } catch (const std::runtime_error&) {
  }
  if (const auto multipart = scanhook::fuzz::multipart_type_of(body)) {
    try {
      (void)scanhook::support::form_field(body, *multipart, "payload");
    } catch (const std::runtime_error&) {
    }
  }
  return 0;
}
