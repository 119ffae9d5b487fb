#include "scanhook/support/notifier_config_keys.hpp"

#include "scanhook/support/notify_endpoint.hpp"

namespace scanhook::support {

HttpOptions notify_http_options(const ConfigView& config) {
  HttpOptions options;
  options.timeout = config.duration("timeout", options.timeout);
  options.verify_tls = config.boolean("verify_tls", true);
  options.ca_file = config.string("ca_file");
  return options;
}

void check_notify_endpoint(const ConfigView& config) {
  NotifyEndpoint::check(config.string("url"), notify_http_options(config));
}

}  // namespace scanhook::support
