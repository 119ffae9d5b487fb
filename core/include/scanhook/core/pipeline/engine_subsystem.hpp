// The engine as a Poco subsystem: started before the HTTP server listens and
// stopped after it has stopped, so every accepted request finds it running.
#pragma once

#include <Poco/Util/Subsystem.h>

#include <memory>

#include "scanhook/core/config/config.hpp"
#include "scanhook/core/http/router.hpp"
#include "scanhook/core/pipeline/engine.hpp"
#include "scanhook/core/pipeline/metrics.hpp"
#include "scanhook/core/time_source.hpp"
#include "scanhook/core/web/status_routes.hpp"

namespace scanhook::core {

class EngineSubsystem final : public Poco::Util::Subsystem {
 public:
  // The pipeline's timed parts run on `clock` (real_time() in the daemon).
  EngineSubsystem(const Config& config, Router& router, Metrics& metrics, TimeSource& clock);
  const char* name() const override { return "engine"; }
  // Not ok before start-up, when the database cannot be queried, and while
  // writes fail.
  DatabaseStatus database_status();
  // Stops and destroys the pipeline now (idempotent). The daemon calls it as
  // it is destroyed: when start-up fails after this subsystem started (the
  // port is taken), Poco never uninitializes it, and the pipeline's gauges
  // must go before the daemon's Metrics do.
  void release();

 protected:
  void initialize(Poco::Util::Application& app) override;
  void uninitialize() override;

 private:
  const Config& config_;
  Router& router_;
  Metrics& metrics_;
  TimeSource& clock_;
  std::unique_ptr<Engine> engine_;
};

}  // namespace scanhook::core
