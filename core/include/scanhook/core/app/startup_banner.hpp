// What scanhookd tells a new user once it listens: for each webhook source,
// the URL and method to paste into the app's webhook dialog (and which
// credentials the app must send); how long a change waits before it is
// scanned ([queue] minimum_age) and why; where the scans go.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "scanhook/core/config/config.hpp"

namespace scanhook::core {

// The base URL the apps should post to, from [server] listen's host and the
// port actually bound: a wildcard host (0.0.0.0, ::, empty) becomes this
// machine's host name, an IPv6 literal is bracketed. "http://127.0.0.1:3030".
std::string webhook_base_url(const std::string& listen_host, unsigned short port);

// One log line each, in order. `base_url` from webhook_base_url. Secrets are
// never printed: a token is named by its section, not shown.
std::vector<std::string> startup_banner(const Config& config, const std::string& base_url);

// "10m", "90s", "1h30m", "250ms": a duration as the INI writes it.
std::string duration_text(std::chrono::milliseconds duration);

}  // namespace scanhook::core
