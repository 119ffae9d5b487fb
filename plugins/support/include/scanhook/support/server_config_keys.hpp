// Config keys every media-server plugin (Plex, Jellyfin, Emby) declares the
// same way; each plugin adds its own url and token keys with its own help.
#pragma once

#include <cstdint>

#include "scanhook/abi.hpp"
#include "scanhook/config_key.hpp"

namespace scanhook::support {

// The target scans; the webhook source looks items up on the same server.
inline constexpr std::uint32_t kServerKinds = kTarget | kWebhookSource;

inline constexpr ConfigKey kTimeoutKey{
    "timeout", ConfigType::duration,
    "15s",     kServerKinds,
    false,     "how long to wait for the server to answer one request before giving up"};
inline constexpr ConfigKey kVerifyTlsKey{
    "verify_tls",
    ConfigType::boolean,
    "true",
    kServerKinds,
    false,
    "check the server's HTTPS certificate; false accepts any certificate (only on a network you "
    "trust; prefer ca_file)"};
inline constexpr ConfigKey kCaFileKey{
    "ca_file",
    ConfigType::path,
    nullptr,
    kServerKinds,
    false,
    "PEM file with a CA certificate to trust for an https:// url, e.g. the one that signed a "
    "self-signed server certificate"};
inline constexpr ConfigKey kLibraryRefreshKey{
    "library_refresh",
    ConfigType::duration,
    "10m",
    kTarget,
    false,
    "how long the server's library list is kept before it is read again (a folder in no known "
    "library reads it again at once)"};

}  // namespace scanhook::support
