#include "scanhook/core/auth/auth.hpp"

#include <Poco/Base64Decoder.h>

#include <sstream>

namespace scanhook::core {

bool constant_time_equals(const std::string& a, const std::string& b) {
  // Walk the longer length so timing does not reveal where they differ.
  const std::size_t length = std::max(a.size(), b.size());
  unsigned char difference = a.size() == b.size() ? 0 : 1;
  for (std::size_t i = 0; i < length; ++i) {
    const unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    const unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    difference |= static_cast<unsigned char>(x ^ y);
  }
  return difference == 0;
}

std::optional<BasicCredentials> basic_credentials(const HttpRequest& request) {
  const auto header = request.header("Authorization");
  if (!header || header->size() < 6 || !iequals(header->substr(0, 6), "basic "))
    return std::nullopt;
  std::istringstream encoded(header->substr(6));
  Poco::Base64Decoder decoder(encoded);
  std::string decoded;
  try {
    decoded.assign(std::istreambuf_iterator<char>(decoder), std::istreambuf_iterator<char>());
  } catch (const std::exception&) {
    return std::nullopt;
  }
  const auto colon = decoded.find(':');
  if (colon == std::string::npos) return std::nullopt;
  return BasicCredentials{decoded.substr(0, colon), decoded.substr(colon + 1)};
}

bool basic_matches(const HttpRequest& request, const std::string& username,
                   const std::string& password) {
  const auto credentials = basic_credentials(request);
  if (!credentials) return false;
  // Both compared, always, so a wrong user name takes as long as a wrong password.
  const bool user_ok = constant_time_equals(credentials->username, username);
  const bool password_ok = constant_time_equals(credentials->password, password);
  return user_ok && password_ok;
}

std::optional<std::string> offered_token(const HttpRequest& request) {
  if (const auto header = request.header("X-Scanhook-Token")) return header;
  if (const auto header = request.header("Authorization");
      header && header->size() > 7 && iequals(header->substr(0, 7), "bearer "))
    return header->substr(7);
  return request.query_param("token");
}

bool token_matches(const HttpRequest& request, const std::string& token) {
  if (token.empty()) return false;
  const auto offered = offered_token(request);
  return offered && constant_time_equals(*offered, token);
}

bool webhook_allowed(const HttpRequest& request, const std::string& source_token,
                     const std::string& username, const std::string& password) {
  const bool server_has_credentials = !username.empty() || !password.empty();
  if (server_has_credentials && basic_matches(request, username, password)) return true;
  if (!source_token.empty()) return token_matches(request, source_token);
  return !server_has_credentials;
}

}  // namespace scanhook::core
