// Config keys every notifier plugin (discord, webhook) declares the same way.
#pragma once

#include "scanhook/abi.hpp"
#include "scanhook/config_key.hpp"
#include "scanhook/config_view.hpp"
#include "scanhook/support/http_client.hpp"
#include "scanhook/support/server_config_keys.hpp"

namespace scanhook::support {

inline constexpr ConfigKey kNotifyTimeoutKey = timeout_key(kNotifier);
inline constexpr ConfigKey kNotifyVerifyTlsKey = verify_tls_key(kNotifier);
inline constexpr ConfigKey kNotifyCaFileKey = ca_file_key(kNotifier);

// timeout, verify_tls and ca_file as read from the section (kTimeoutRange and
// check_notify_endpoint say which values fit).
HttpOptions notify_http_options(const ConfigView& config);

// The SDK 1.2 check every notifier plugin shares: url and ca_file
// (NotifyEndpoint::check). Throws ConfigRefusal; makes nothing.
void check_notify_endpoint(const ConfigView& config);

}  // namespace scanhook::support
