#include "scanhook/core/http/trusted_proxies.hpp"

#include <Poco/Net/IPAddress.h>

#include <cstring>
#include <optional>
#include <stdexcept>

#include "scanhook/core/auth/login_rate_limiter.hpp"

namespace scanhook::core {

namespace {

std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> items;
  std::string item;
  for (const char c : text + ",") {
    if (c == ',' || c == ' ' || c == '\t') {
      if (!item.empty()) items.push_back(item);
      item.clear();
    } else {
      item += c;
    }
  }
  return items;
}

// The address's bytes; an IPv4-mapped IPv6 address ("::ffff:10.0.0.1") as IPv4.
std::optional<std::vector<std::uint8_t>> address_bytes(const std::string& text) {
  Poco::Net::IPAddress address;
  if (!Poco::Net::IPAddress::tryParse(text, address)) return std::nullopt;
  const auto* raw = static_cast<const std::uint8_t*>(address.addr());
  std::vector<std::uint8_t> bytes(raw, raw + address.length());
  if (address.family() == Poco::Net::IPAddress::IPv6 && address.isIPv4Mapped())
    bytes.erase(bytes.begin(), bytes.begin() + 12);
  return bytes;
}

}  // namespace

TrustedProxies::TrustedProxies(const std::vector<std::string>& lists) {
  for (const auto& list : lists) {
    for (const auto& entry : split_list(list)) {
      const auto slash = entry.find('/');
      const auto bytes = address_bytes(entry.substr(0, slash));
      if (!bytes)
        throw std::invalid_argument("\"" + entry +
                                    "\" is not an IP address or CIDR such as 10.0.0.0/8");
      Range range{*bytes, static_cast<unsigned>(bytes->size() * 8)};
      if (slash != std::string::npos) {
        const std::string bits = entry.substr(slash + 1);
        const bool digits =
            !bits.empty() && bits.size() <= 3 && bits.find_first_not_of("0123456789") == bits.npos;
        if (!digits || std::stoul(bits) > range.prefix)
          throw std::invalid_argument("\"" + entry + "\": the prefix length must be 0 to " +
                                      std::to_string(range.prefix));
        range.prefix = static_cast<unsigned>(std::stoul(bits));
      }
      ranges_.push_back(std::move(range));
    }
  }
}

Expected<void> TrustedProxies::check(const std::string& list) {
  try {
    TrustedProxies({list});
    return {};
  } catch (const std::invalid_argument& error) {
    return failure(error.what());
  }
}

bool TrustedProxies::trusts(const std::string& address) const {
  const auto bytes = address_bytes(address);
  if (!bytes) return false;
  for (const auto& range : ranges_) {
    if (range.bytes.size() != bytes->size()) continue;
    const unsigned whole = range.prefix / 8;
    const unsigned rest = range.prefix % 8;
    if (std::memcmp(range.bytes.data(), bytes->data(), whole) != 0) continue;
    const auto mask = static_cast<std::uint8_t>(0xFF << (8 - rest));
    if (rest == 0 || (range.bytes[whole] & mask) == ((*bytes)[whole] & mask)) return true;
  }
  return false;
}

std::string TrustedProxies::client_address(const HttpRequest& request) const {
  std::string client = address_without_port(request.remote_address);
  if (ranges_.empty() || !trusts(client)) return client;
  // Each proxy appends the address it heard from: read from the right, past our own proxies.
  std::vector<std::string> hops;
  for (const auto& [name, value] : request.headers)
    if (iequals(name, "X-Forwarded-For"))
      for (const auto& hop : split_list(value)) hops.push_back(trim(hop));
  for (auto hop = hops.rbegin(); hop != hops.rend(); ++hop) {
    const std::string address = address_without_port(*hop);
    if (!address_bytes(address)) break;  // not an address: trust nothing further left
    client = address;
    if (!trusts(address)) break;
  }
  return client;
}

}  // namespace scanhook::core
