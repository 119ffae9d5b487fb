// The daemon's HTTP server: a ConnectionReactor reads requests without a
// thread per connection, a WorkerPool answers the complete ones through our
// Router, with body limits, JSON errors, access checks (before the body is
// read), an access log and metrics.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "scanhook/core/http/connection_reactor.hpp"
#include "scanhook/core/http/router.hpp"
#include "scanhook/core/pipeline/metrics.hpp"

namespace scanhook::core {

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  unsigned short port = 3030;  // 0: any free port (tests)
  int threads = 16;            // the workers that answer complete requests
  ConnectionLimits limits;
  bool access_log = true;
};

// What the user check decided for a request to an Access::user route.
struct UserVerdict {
  enum Outcome {
    allowed,
    needs_login,        // 401: no or wrong credentials, or the session expired
    refused,            // 403: authenticated, but CSRF token or origin wrong
    too_many_attempts,  // 429: too many failed logins from the address, for retry_after
  };
  Outcome outcome = allowed;
  std::string message;           // said in the JSON error
  bool basic_challenge = false;  // 401 with WWW-Authenticate: Basic (not for the UI's fetches)
  std::chrono::seconds retry_after{0};
};

// Decides whether a request may use an Access::user route.
using UserCheck = std::function<UserVerdict(const HttpRequest&)>;

class HttpServer {
 public:
  HttpServer(HttpServerOptions options, const Router& router, Metrics& metrics,
             UserCheck user_check);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Listens; raises the open-files limit to fit max_connections if it can.
  void start();
  // Stops accepting, closes idle connections, lets running requests finish (up to 5 s).
  void stop();
  unsigned short port() const { return port_; }

 private:
  HttpServerOptions options_;
  const Router& router_;
  Metrics& metrics_;
  UserCheck user_check_;
  unsigned short port_ = 0;
  std::unique_ptr<WorkerPool> workers_;
  std::unique_ptr<ConnectionReactor> reactor_;
};

// Splits "host:port"; throws ConfigError-like std::invalid_argument.
std::pair<std::string, unsigned short> parse_listen_address(const std::string& listen);
bool is_loopback_host(const std::string& host);

}  // namespace scanhook::core
