#include "scanhook/core/plugins/target_descriptions.hpp"

#include <algorithm>

#include "scanhook/core/config/suggestion.hpp"
#include "scanhook/core/http/json_writer.hpp"

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
        JsonWriter json;
        json.begin_object()
            .member("target", name)
            .member("plugin", instance->plugin->name())
            .member("plugin_version", std::string(instance->plugin->descriptor().version))
            .member("describes", slot->describable != nullptr)
            .member("state", status_name(description.state.status))
            .member("reason", description.state.reason)
            .member("product", description.product)
            .member("version", description.version)
            .key("libraries")
            .begin_array();
        for (const auto& library : description.libraries) {
          json.begin_object()
              .member("id", library.id)
              .member("name", library.name)
              .key("folders")
              .begin_array();
          for (const auto& folder : library.folders) json.value(folder);
          json.end_array().end_object();
        }
        json.end_array().end_object();
        return json.reply(200);
      });
}

}  // namespace scanhook::core
