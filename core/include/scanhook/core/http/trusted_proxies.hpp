// Which address a request came from: the peer's, unless the peer is a
// reverse proxy named in [server] trusted_proxies, whose X-Forwarded-For then
// names the client (the rightmost address no trusted proxy added). Rate
// limits count per client, so one user behind a proxy cannot lock out all.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "scanhook/core/expected.hpp"
#include "scanhook/http.hpp"

namespace scanhook::core {

class TrustedProxies {
 public:
  TrustedProxies() = default;
  // Each entry a CIDR ("10.0.0.0/8", "fd00::/8") or a single address, several
  // to a line separated by commas or spaces. Throws std::invalid_argument
  // naming the entry that is not one.
  explicit TrustedProxies(const std::vector<std::string>& lists);

  // Ok when `list` parses, else what is wrong with it (for the config check).
  static Expected<void> check(const std::string& list);

  bool trusts(const std::string& address) const;
  // The client's address, without a port: the peer's (request.remote_address)
  // or, from a trusted peer, the one X-Forwarded-For names.
  std::string client_address(const HttpRequest& request) const;

 private:
  struct Range {
    std::vector<std::uint8_t> bytes;  // 4 (IPv4) or 16 (IPv6), network order
    unsigned prefix = 0;              // leading bits that must match
  };
  std::vector<Range> ranges_;
};

}  // namespace scanhook::core
