#include "scanhook/core/pipeline/engine_subsystem.hpp"

#include <Poco/Util/Application.h>

#include "scanhook/core/pipeline/pipeline_builder.hpp"
#include "scanhook/core/text/counted.hpp"

namespace scanhook::core {

EngineSubsystem::EngineSubsystem(const Config& config, Router& router, Metrics& metrics,
                                 TimeSource& clock)
    : config_(config), router_(router), metrics_(metrics), clock_(clock) {}

DatabaseStatus EngineSubsystem::database_status() {
  if (!engine_) return {};
  const bool ok = engine_->database_ok();
  return {ok, engine_->database_write_failure()};
}

void EngineSubsystem::initialize(Poco::Util::Application& app) {
  try {
    engine_ = std::make_unique<Engine>(
        PipelineBuilder(config_, BuildMode::serve).build(metrics_, clock_));
  } catch (const SqlError&) {
    throw;  // the daemon tells storage faults apart (storage_fault.hpp)
  } catch (const std::exception& error) {
    throw Poco::ApplicationException(std::string("cannot start the engine: ") + error.what());
  }
  engine_->register_routes(router_);
  engine_->start();
  app.logger().information(
      "queue in %s: %s waiting", store_name(config_.server.database),
      counted(static_cast<std::size_t>(engine_->queue().folder_count()), "folder"));
}

void EngineSubsystem::release() {
  if (engine_) engine_->stop();
  engine_.reset();
}

void EngineSubsystem::uninitialize() {
  release();
}

}  // namespace scanhook::core
