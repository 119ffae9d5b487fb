// The `ca_file` key against the url it is for, as every plugin that talks
// HTTP(S) declares it (server_config_keys.hpp): a CA file only means
// something to an https:// url that checks certificates, and must be readable.
#pragma once

#include <string>

#include "scanhook/support/http_client.hpp"

namespace scanhook::support {

// Returns when `http.ca_file` is empty or fits; throws ConfigRefusal("ca_file",
// why) when the url is not https (`https` false), when verify_tls is false,
// or when the file cannot be read. `shown_url` is put in the message ("" when
// the url is a secret that must not be shown). Reads the file's first byte
// only; writes nothing.
void check_ca_file(const HttpOptions& http, bool https, const std::string& shown_url);

}  // namespace scanhook::support
