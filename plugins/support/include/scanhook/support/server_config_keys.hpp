// Config keys every media-server plugin (Plex, Jellyfin, Emby) declares the
// same way; each plugin adds its own url and token keys with its own help.
// `kinds`: the sections that talk to the server (a target scans; a webhook
// source may look items up on the same server).
#pragma once

#include <cstdint>
#include <limits>

#include "scanhook/abi.hpp"
#include "scanhook/config_key.hpp"

namespace scanhook::support {

inline constexpr std::uint32_t kServerKinds = kTarget | kWebhookSource;

constexpr ConfigKey timeout_key(std::uint32_t kinds) {
  return {"timeout", ConfigType::duration,
          "15s",     kinds,
          false,     "how long to wait for the server to answer one request before giving up"};
}
constexpr ConfigKey verify_tls_key(std::uint32_t kinds) {
  return {"verify_tls",
          ConfigType::boolean,
          "true",
          kinds,
          false,
          "check the server's HTTPS certificate; false accepts any certificate (only on a network "
          "you trust; prefer ca_file)"};
}
constexpr ConfigKey ca_file_key(std::uint32_t kinds) {
  return {"ca_file",
          ConfigType::path,
          nullptr,
          kinds,
          false,
          "PEM file with a CA certificate to trust for an https:// url, e.g. the one that signed a "
          "self-signed server certificate"};
}
// A timeout of 0 would fail every request at once.
inline constexpr ConfigRange kTimeoutRange{"timeout", 1, std::numeric_limits<std::int64_t>::max()};

inline constexpr ConfigKey kLibraryRefreshKey{
    "library_refresh",
    ConfigType::duration,
    "10m",
    kTarget,
    false,
    "how long the server's library list is kept before it is read again (a folder in no known "
    "library reads it again at once)"};

}  // namespace scanhook::support
