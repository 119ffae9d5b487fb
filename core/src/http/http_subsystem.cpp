#include "scanhook/core/http/http_subsystem.hpp"

#include <Poco/Exception.h>
#include <Poco/Util/Application.h>

namespace scanhook::core {

HttpSubsystem::HttpSubsystem(const Config& config, const Router& router, Metrics& metrics,
                             UserCheck user_check)
    : config_(config), router_(router), metrics_(metrics), user_check_(std::move(user_check)) {}

void HttpSubsystem::initialize(Poco::Util::Application& app) {
  const auto [host, port] = parse_listen_address(config_.server.string("listen"));
  HttpServerOptions options;
  options.host = host;
  options.port = port;
  options.threads = static_cast<int>(config_.server.integer("threads"));
  ConnectionLimits& limits = options.limits;
  limits.max_body_size = static_cast<std::size_t>(config_.server.integer("max_body_size"));
  limits.request_timeout = config_.server.duration("request_timeout");
  limits.header_timeout = config_.server.duration("header_timeout");
  limits.keep_alive_timeout = config_.server.duration("keep_alive_timeout");
  limits.min_body_rate = static_cast<std::size_t>(config_.server.integer("min_body_rate"));
  limits.max_connections = static_cast<std::size_t>(config_.server.integer("max_connections"));
  limits.max_connections_per_client =
      static_cast<std::size_t>(config_.server.integer("max_connections_per_client"));
  options.access_log = config_.server.boolean("access_log");
  server_ = std::make_unique<HttpServer>(options, router_, metrics_, user_check_);
  try {
    server_->start();
  } catch (const Poco::Exception& error) {
    throw Poco::IOException("cannot listen on " + config_.server.string("listen") + ": " +
                            error.displayText() +
                            " (is another scanhookd running? change [server] listen)");
  }
  app.logger().information("listening on http://%s:%hu", host, server_->port());
}

unsigned short HttpSubsystem::port() const {
  return server_ ? server_->port() : 0;
}

void HttpSubsystem::uninitialize() {
  if (server_) server_->stop();
  server_.reset();
}

}  // namespace scanhook::core
