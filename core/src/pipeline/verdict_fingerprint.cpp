#include "scanhook/core/pipeline/verdict_fingerprint.hpp"

#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>

namespace scanhook::core {

namespace {

// Each field with its length first, so no two different lists hash alike.
void add(Poco::SHA2Engine& engine, const std::string& field) {
  engine.update(std::to_string(field.size()) + ":");
  engine.update(field);
}

}  // namespace

std::string verdict_fingerprint(const InstanceConfig& target) {
  Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
  add(engine, target.plugin ? target.plugin->name() : "");
  for (const auto& [key, value] : target.plugin_config.values()) {
    add(engine, key);
    add(engine, value);
  }
  for (const auto& rule : target.target().rules.rewrite) {
    add(engine, "rewrite");
    add(engine, rule);
  }
  return Poco::DigestEngine::digestToHex(engine.digest()).substr(0, 16);
}

}  // namespace scanhook::core
