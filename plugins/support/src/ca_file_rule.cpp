#include "scanhook/support/ca_file_rule.hpp"

#include <fstream>

#include "scanhook/plugin.hpp"

namespace scanhook::support {

void check_ca_file(const HttpOptions& http, bool https, const std::string& shown_url) {
  if (http.ca_file.empty()) return;
  if (!https)
    throw ConfigRefusal("ca_file", "only used with an https:// url, and the url is " +
                                       (shown_url.empty() ? std::string("not one") : shown_url));
  if (!http.verify_tls)
    throw ConfigRefusal("ca_file",
                        "ca_file and verify_tls = false contradict each other: keep ca_file to "
                        "trust that CA, or drop it to accept any certificate");
  // A folder opens as a stream but cannot be read.
  std::ifstream in(http.ca_file);
  if (!in) throw ConfigRefusal("ca_file", "cannot read " + http.ca_file);
  if (in.peek() == std::ifstream::traits_type::eof())
    throw ConfigRefusal("ca_file", "cannot read " + http.ca_file +
                                       ": it is empty or not a file (a PEM file is expected)");
}

}  // namespace scanhook::support
