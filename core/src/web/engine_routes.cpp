// The engine's routes: each module gets the part of the pipeline it needs.
#include <map>

#include "scanhook/core/pipeline/engine.hpp"
#include "scanhook/core/pipeline/pipeline_builder.hpp"
#include "scanhook/core/plugins/target_descriptions.hpp"
#include "scanhook/core/web/dead_letter_routes.hpp"
#include "scanhook/core/web/explain_routes.hpp"
#include "scanhook/core/web/history_routes.hpp"
#include "scanhook/core/web/ingest_routes.hpp"
#include "scanhook/core/web/queue_routes.hpp"
#include "scanhook/core/web/service_routes.hpp"

namespace scanhook::core {

void Engine::register_routes(Router& router) {
  Pipeline& p = *pipeline_;
  add_ingest_routes(router, *p.source_ingest, *p.webhooks,
                    static_cast<std::int64_t>(p.config.server.max_paths_per_request));
  p.pass_routes->register_routes(router);
  add_queue_routes(router, p.queue(), *p.dispatcher);
  std::map<std::string, std::string> target_configs;
  for (const auto& slot : p.targets) target_configs[slot.name] = slot.config;
  add_history_routes(router, p.queue(), std::move(target_configs),
                     [&dispatcher = *p.dispatcher, &live = p.live] {
                       dispatcher.wake();
                       live.changed(kQueueTopic | kHistoryTopic);
                     });
  add_target_description_route(router, p.targets, p.config);
  add_dead_letter_routes(router, p.dead_letters(), *p.webhooks,
                         [&live = p.live] { live.changed(kDeadLettersTopic); });
  p.live.register_routes(router);
  std::vector<std::string> sources{kManualSource, kApiSource};
  for (const auto& source : p.sources) sources.push_back(source.name);
  add_explain_route(router, *p.intake, std::move(sources), p.targets);
  add_service_routes(router, p.services);
}

}  // namespace scanhook::core
