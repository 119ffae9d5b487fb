// The HTTP server as a Poco subsystem: listens last at start-up and stops
// first at shutdown, so no request arrives while the engine is not running.
#pragma once

#include <Poco/Util/Subsystem.h>

#include <memory>

#include "scanhook/core/config/config.hpp"
#include "scanhook/core/http/http_server.hpp"

namespace scanhook::core {

class HttpSubsystem final : public Poco::Util::Subsystem {
 public:
  HttpSubsystem(const Config& config, const Router& router, Metrics& metrics,
                AccessCheck access_check);
  const char* name() const override { return "http"; }
  unsigned short port() const;  // the port bound (after initialize), else 0

 protected:
  void initialize(Poco::Util::Application& app) override;
  void uninitialize() override;

 private:
  const Config& config_;
  const Router& router_;
  Metrics& metrics_;
  AccessCheck access_check_;
  std::unique_ptr<HttpServer> server_;
};

}  // namespace scanhook::core
