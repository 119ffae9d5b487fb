// The HTTP server as a Poco subsystem: listens last at start-up and stops
// first at shutdown, so no request arrives while the engine is not running.
#pragma once

#include <Poco/Util/Subsystem.h>

#include <memory>
#include <stdexcept>

#include "scanhook/core/config/config.hpp"
#include "scanhook/core/http/http_server.hpp"

namespace scanhook::core {

// The listen address is taken (another program, another scanhookd) or not
// bindable now: it may pass, so scanhookd exits 75 (EX_TEMPFAIL), which the
// systemd unit restarts on, not 78. (A second scanhookd on the same queue
// stays 78: restarting cannot help that configuration.)
class ListenError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

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
