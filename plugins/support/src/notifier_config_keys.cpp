#include "scanhook/support/notifier_config_keys.hpp"

#include <fstream>
#include <stdexcept>

namespace scanhook::support {

HttpOptions notify_http_options(const ConfigView& config) {
  HttpOptions options;
  options.timeout = config.duration("timeout", options.timeout);
  options.verify_tls = config.boolean("verify_tls", true);
  options.ca_file = config.string("ca_file");
  if (options.timeout.count() <= 0) throw std::runtime_error("timeout: must be above zero");
  if (!options.ca_file.empty() && !std::ifstream(options.ca_file))
    throw std::runtime_error("ca_file: cannot read " + options.ca_file);
  return options;
}

}  // namespace scanhook::support
