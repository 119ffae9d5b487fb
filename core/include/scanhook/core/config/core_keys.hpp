// The keys the core reads, one table per kind of section, each key declared
// with the field of its settings struct (settings.hpp) that the validator
// fills from it, as Fluent Bit's config map does. A key shared by several
// kinds of section (rewrite, include, exclude, plugin) is declared once.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "scanhook/config_key.hpp"
#include "scanhook/core/config/settings.hpp"
#include "scanhook/core/expected.hpp"

namespace scanhook::core {

// A key's validated values in the order given: one, or several for a
// repeatable key; the default when the INI sets none.
using SettingValues = std::vector<std::string>;

// Where a key's values go in a Settings struct. `store` parses them into the
// field (an error says what is wrong with the value, for FILE:LINE [section]
// key); it is empty for a key read before validation (plugin, plugin_dir).
// min and max are the field's own range, so no value is cut to fit it.
template <class Settings>
struct SettingField {
  std::function<Expected<void>(Settings&, const SettingValues&)> store;
  bool repeatable = false;  // a list field: the key may be given several times
  std::int64_t min = std::numeric_limits<std::int64_t>::min();
  std::int64_t max = std::numeric_limits<std::int64_t>::max();
};

// A key the core reads in one kind of section. An integer or duration key
// may have bounds (a duration's in milliseconds) within its field's; `why`
// explains them.
template <class Settings>
struct CoreKey {
  const char* name;
  ConfigType type;
  const char* default_value;  // nullptr: none
  const char* help;
  SettingField<Settings> field;
  std::int64_t min = std::numeric_limits<std::int64_t>::min();
  std::int64_t max = std::numeric_limits<std::int64_t>::max();
  const char* why = nullptr;
};

const std::vector<CoreKey<ServerSettings>>& server_keys();
const std::vector<CoreKey<QueueSettings>>& queue_keys();
const std::vector<CoreKey<ManualSettings>>& manual_keys();
const std::vector<CoreKey<SourceSettings>>& source_keys();
const std::vector<CoreKey<TargetSettings>>& target_keys();
const std::vector<CoreKey<ServiceSettings>>& service_keys();
const std::vector<CoreKey<NotifierSettings>>& notifier_keys();

}  // namespace scanhook::core
