// The engine's routes: each module gets the part of the pipeline it needs.
#include <map>

#include "scanhook/core/pipeline/engine.hpp"
#include "scanhook/core/plugins/target_descriptions.hpp"
#include "scanhook/core/web/dead_letter_routes.hpp"
#include "scanhook/core/web/explain_routes.hpp"
#include "scanhook/core/web/history_routes.hpp"
#include "scanhook/core/web/ingest_routes.hpp"
#include "scanhook/core/web/queue_routes.hpp"
#include "scanhook/core/web/service_routes.hpp"

namespace scanhook::core {

void Engine::register_routes(Router& router) {
  add_ingest_routes(router, *source_ingest_, *webhooks_,
                    static_cast<std::int64_t>(config_.server.max_paths_per_request));
  pass_routes_->register_routes(router);
  add_queue_routes(router, queue_, *dispatcher_);
  std::map<std::string, std::string> target_configs;
  for (const auto& slot : targets_) target_configs[slot.name] = slot.config;
  add_history_routes(router, queue_, std::move(target_configs), [this] {
    dispatcher_->wake();
    live_.changed(kQueueTopic | kHistoryTopic);
  });
  add_target_description_route(router, targets_, config_);
  add_dead_letter_routes(router, dead_letters_, *webhooks_,
                         [this] { live_.changed(kDeadLettersTopic); });
  live_.register_routes(router);
  std::vector<std::string> sources{kManualSource, kApiSource};
  for (const auto& source : sources_) sources.push_back(source.name);
  add_explain_route(router, *intake_, std::move(sources), targets_);
  add_service_routes(router, services_);
}

}  // namespace scanhook::core
