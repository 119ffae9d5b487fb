// The engine wires the running pipeline (built by PipelineBuilder::build):
// it hands each route module (web/*_routes) the part it needs, and starts
// and stops the parts in order. It builds nothing, serves no route and checks
// no credential itself.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "scanhook/core/http/router.hpp"
#include "scanhook/core/pipeline/pipeline.hpp"

namespace scanhook::core {

class Engine {
 public:
  explicit Engine(std::unique_ptr<Pipeline> pipeline);
  ~Engine();  // stop(), then the pipeline goes
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // The pipeline's routes, each module on the part it needs: ingest
  // (/triggers/..., /api/scan), pass URLs, queue and targets, history, dead
  // letters, explain, target descriptions, live events and each service's
  // /api/<instance>/*. Access is checked by the HTTP server (Access levels).
  void register_routes(Router& router);
  // Drops what is queued for targets no longer configured, prunes the
  // history, then starts the dispatcher, the sender and the pollers.
  void start();
  // The reverse: pollers, then the ingest's last answers, then delivery.
  // Calling it again does nothing.
  void stop();
  bool database_ok() { return pipeline_->queue().healthy(); }
  std::optional<std::string> database_write_failure() const {
    return pipeline_->queue().last_write_failure();
  }

  QueueStore& queue() { return pipeline_->queue(); }

 private:
  std::unique_ptr<Pipeline> pipeline_;
  bool started_ = false;
  bool stopped_ = false;
};

}  // namespace scanhook::core
