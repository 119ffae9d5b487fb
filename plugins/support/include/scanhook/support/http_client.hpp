// A small blocking HTTP(S) client for plugins that talk to servers (what an
// answer means for the dispatcher is server_answer.hpp's).
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

#include "scanhook/http.hpp"

namespace scanhook::support {

struct HttpOptions {
  std::chrono::milliseconds timeout{std::chrono::seconds(15)};
  bool verify_tls = true;  // false: accept any certificate (explicit opt-in only)
  std::string ca_file;     // extra CA to trust, PEM
  // The most bytes of an answer's body read; past it the client stops reading
  // and the answer is `oversized` (its body empty). 0: no cap.
  std::size_t max_answer_bytes = 0;
};

struct HttpResponse {
  int status = 0;               // 0: no answer, see transport_error
  std::string transport_error;  // refused, timed out, TLS failure, ...
  std::string body;
  HeaderList headers;
  bool oversized = false;  // the body passed HttpOptions::max_answer_bytes: not read

  bool answered() const { return status != 0; }
  bool success() const { return status >= 200 && status < 300; }
  std::optional<std::string> header(const std::string& name) const;
  // Retry-After in seconds (a delay, or the time until an HTTP-date), 0 when
  // absent, past or unreadable.
  std::chrono::seconds retry_after() const;
};

class HttpClient {
 public:
  // base_url: "http://host:port" or "https://host:port/prefix"; throws
  // std::invalid_argument when it is not an http(s) URL.
  HttpClient(const std::string& base_url, HttpOptions options);

  // `target` is appended to the base URL's path: "/library/sections?x=1".
  HttpResponse send(const std::string& method, const std::string& target,
                    const HeaderList& headers = {}, const std::string& body = {},
                    const std::string& content_type = {}) const;

  const std::string& base_url() const { return base_url_; }

 private:
  std::string base_url_;
  std::string scheme_;
  std::string host_;
  unsigned short port_ = 0;
  std::string path_prefix_;
  HttpOptions options_;
};

// Percent-encodes everything but RFC 3986 unreserved characters.
std::string url_encode(const std::string& text);

// The Authorization header value of HTTP Basic (RFC 7617): "Basic <base64 of user:password>".
std::string basic_authorization(const std::string& username, const std::string& password);

}  // namespace scanhook::support
