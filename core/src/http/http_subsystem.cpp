#include "scanhook/core/http/http_subsystem.hpp"

#include <Poco/Exception.h>
#include <Poco/Util/Application.h>

namespace scanhook::core {

HttpSubsystem::HttpSubsystem(const Config& config, const Router& router, Metrics& metrics,
                             AccessCheck access_check)
    : config_(config), router_(router), metrics_(metrics), access_check_(std::move(access_check)) {}

void HttpSubsystem::initialize(Poco::Util::Application& app) {
  const ServerSettings& server = config_.server;
  HttpServerOptions options;
  options.host = server.listen.host;
  options.port = server.listen.port;
  options.threads = server.threads;
  ConnectionLimits& limits = options.limits;
  limits.max_body_size = server.max_body_size;
  limits.request_timeout = server.request_timeout;
  limits.header_timeout = server.header_timeout;
  limits.keep_alive_timeout = server.keep_alive_timeout;
  limits.min_body_rate = server.min_body_rate;
  limits.max_connections = server.max_connections;
  limits.max_connections_per_client = server.max_connections_per_client;
  options.access_log = server.access_log;
  server_ = std::make_unique<HttpServer>(options, router_, metrics_, access_check_);
  try {
    server_->start();
  } catch (const Poco::Exception& error) {
    throw ListenError("cannot listen on " + server.listen.text + ": " + error.displayText() +
                      " (is another scanhookd running? change [server] listen)");
  }
  app.logger().information("listening on http://%s:%hu", server.listen.host, server_->port());
}

unsigned short HttpSubsystem::port() const {
  return server_ ? server_->port() : 0;
}

void HttpSubsystem::uninitialize() {
  if (server_) server_->stop();
  server_.reset();
}

}  // namespace scanhook::core
