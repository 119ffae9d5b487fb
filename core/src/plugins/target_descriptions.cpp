#include "scanhook/core/plugins/target_descriptions.hpp"

#include <Poco/JSON/Array.h>

#include <algorithm>

#include "scanhook/core/config/suggestion.hpp"
#include "scanhook/core/http/api_reply.hpp"

namespace scanhook::core {

TargetDescription describe_target(Target& target, Describable* describable) {
  if (describable) return describable->describe();
  return {target.probe(), "", "", {}};
}

void add_target_description_route(Router& router, const std::vector<TargetSlot>& targets,
                                  const Config& config) {
  router.add(
      "GET", "/api/targets/{name}/description", Access::user,
      [&targets, &config](const HttpRequest&, const RouteParams& params) {
        const std::string& name = params.at("name");
        const auto slot = std::find_if(targets.begin(), targets.end(),
                                       [&](const TargetSlot& t) { return t.name == name; });
        const InstanceConfig* instance = config.find(Role::target, name);
        if (slot == targets.end() || instance == nullptr) {
          std::vector<std::string> names;
          for (const auto& t : targets) names.push_back(t.name);
          return json_error(404, "no target named \"" + name + "\"" + did_you_mean(name, names));
        }
        const TargetDescription description = describe_target(*slot->target, slot->describable);
        auto body = json_object();
        body->set("target", name);
        body->set("plugin", instance->plugin->name());
        body->set("plugin_version", std::string(instance->plugin->descriptor().version));
        body->set("describes", slot->describable != nullptr);
        body->set("state", status_name(description.state.status));
        body->set("reason", description.state.reason);
        body->set("product", description.product);
        body->set("version", description.version);
        Poco::JSON::Array::Ptr libraries = new Poco::JSON::Array;
        for (const auto& library : description.libraries) {
          auto item = json_object();
          item->set("id", library.id);
          item->set("name", library.name);
          Poco::JSON::Array::Ptr folders = new Poco::JSON::Array;
          for (const auto& folder : library.folders) folders->add(folder);
          item->set("folders", folders);
          libraries->add(item);
        }
        body->set("libraries", libraries);
        return json_reply(200, *body);
      });
}

}  // namespace scanhook::core
