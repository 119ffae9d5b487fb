#include "scanhook/core/http/security_headers.hpp"

namespace scanhook::core {

const HeaderList& security_headers() {
  // No 'unsafe-inline' anywhere: the UI's scripts and styles are files under /assets/.
  static const HeaderList headers = {
      {"Content-Security-Policy",
       "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; "
       "form-action 'self'"},
      {"X-Frame-Options", "DENY"},
      {"X-Content-Type-Options", "nosniff"},
      {"Referrer-Policy", "no-referrer"},
  };
  return headers;
}

}  // namespace scanhook::core
