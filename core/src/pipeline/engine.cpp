#include "scanhook/core/pipeline/engine.hpp"

#include <Poco/Logger.h>

#include <set>

#include "scanhook/core/text/counted.hpp"

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
  // The queue owes folders to configured targets only (nothing would ever
  // send these): each leaves with a history row, and the log says where.
  for (const auto& [target, dropped] :
       pipeline.queue().drop_targets_except(configured, pipeline.clock.millis()))
    logger.warning("[target." + target + "] is no longer configured: dropped its " +
                   counted(dropped, "queued delivery", "queued deliveries") +
                   ", each with a history row (GET /api/history?target=" + target +
                   "&outcome=dropped). If it was renamed, queue those folders again (POST "
                   "/api/scan); a target keeps its queue only under its name, so rename one "
                   "after its queue has emptied (GET /api/targets)");
  pipeline.history_pruner->start();
  if (const auto dropped = pipeline.outbox ? pipeline.outbox->drop_unsubscribed() : 0)
    logger.warning("dropped " + counted(dropped, "notification") +
                   " for notifiers no longer configured");
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
