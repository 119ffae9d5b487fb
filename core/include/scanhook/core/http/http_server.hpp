// The daemon's HTTP server: a ConnectionReactor reads requests without a
// thread per connection, a WorkerPool answers the complete ones through our
// Router, with body limits, JSON errors, access checks (before the body is
// read), an access log and metrics.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
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

// The one access check: from a request's head (its body not yet read) and
// the route it found, the refusal, or nullopt to let the route run
// (UserAuth::refusal). A refusal's body is left unread unless it says to
// read it (AccessRefusal::read_body); a kept one then goes to the route's
// keep_refused, after its answer.
using AccessCheck = std::function<std::optional<AccessRefusal>(const HttpRequest&, const Route&,
                                                               const RouteParams&)>;

class HttpServer {
 public:
  HttpServer(HttpServerOptions options, const Router& router, Metrics& metrics,
             AccessCheck access_check);
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
  AccessCheck access_check_;
  unsigned short port_ = 0;
  std::unique_ptr<WorkerPool> workers_;
  std::unique_ptr<ConnectionReactor> reactor_;
};

// Splits "host:port"; throws ConfigError-like std::invalid_argument.
std::pair<std::string, unsigned short> parse_listen_address(const std::string& listen);
bool is_loopback_host(const std::string& host);

}  // namespace scanhook::core
