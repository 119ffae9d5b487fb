#include "scanhook/core/pipeline/engine.hpp"

#include <Poco/Logger.h>

#include <set>

namespace scanhook::core {

Engine::Engine(std::unique_ptr<Pipeline> pipeline) : pipeline_(std::move(pipeline)) {}

Engine::~Engine() {
  stop();
}

void Engine::start() {
  if (started_) return;
  started_ = true;
  Pipeline& pipeline = *pipeline_;
  std::set<std::string> configured;
  for (const auto& target : pipeline.targets) configured.insert(target.name);
  auto& logger = Poco::Logger::get("scanhook.engine");
  if (const auto dropped =
          pipeline.queue().drop_targets_except(configured, pipeline.clock.millis()))
    logger.warning(std::to_string(dropped) +
                   " queued deliveries were for targets no longer configured: dropped (see the "
                   "history)");
  pipeline.history_pruner->start();
  if (const auto dropped = pipeline.outbox ? pipeline.outbox->drop_unsubscribed() : 0)
    logger.warning(std::to_string(dropped) +
                   " notifications were for notifiers no longer configured: dropped");
  pipeline.dispatcher->start();
  if (pipeline.sender) pipeline.sender->start();
  for (auto& poller : pipeline.pollers) poller->start();
}

void Engine::stop() {
  if (stopped_) return;
  stopped_ = true;
  Pipeline& pipeline = *pipeline_;
  for (auto& poller : pipeline.pollers) poller->stop();
  // The ingest's last answers use the sources and wake the dispatcher: they
  // go out while both are still running.
  pipeline.ingest->stop();
  pipeline.dispatcher->stop();
  pipeline.history_pruner->stop();
  if (pipeline.sender) pipeline.sender->stop();
}

}  // namespace scanhook::core
