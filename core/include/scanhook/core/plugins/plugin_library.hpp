// One plugin .so, loaded and checked; it stays loaded while anything it made lives.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "scanhook/abi.hpp"
#include "scanhook/config_view.hpp"
#include "scanhook/core/expected.hpp"
#include "scanhook/host.hpp"
#include "scanhook/instance.hpp"

namespace boost::dll {
class shared_library;
}

namespace scanhook::core {

// A plugin's refusal of a section: the key to fix ("" for the whole section) and why.
struct CheckFailure {
  std::string key;
  std::string message;
};

class PluginLibrary : public std::enable_shared_from_this<PluginLibrary> {
 public:
  // Checks `file`'s ELF layout against its size (elf_layout.hpp), loads it
  // once in a child process (load_probe.hpp), then loads it here (rtld_now |
  // rtld_local) and checks its descriptor before any plugin function is
  // called. The error's message names the file, what was expected, what was
  // found and what to do. Call before the process starts threads (the probe forks).
  static Expected<std::shared_ptr<const PluginLibrary>> load(const std::filesystem::path& file);

  ~PluginLibrary();
  PluginLibrary(const PluginLibrary&) = delete;
  PluginLibrary& operator=(const PluginLibrary&) = delete;

  // The fields this core knows; those a 1.0/1.1 plugin lacks are null.
  const Descriptor& descriptor() const { return descriptor_; }
  std::string name() const { return descriptor_.name; }
  const std::filesystem::path& file() const { return file_; }
  bool offers(Kind kind) const { return (descriptor_.kinds & kind) != 0; }
  // SDK 1.2 plugins can check a configuration without creating anything.
  bool has_check() const { return descriptor_.check != nullptr; }

  // Runs the plugin's side-effect-free check of a section (SDK 1.2); nullopt
  // when it is fine or the plugin has no check.
  std::optional<CheckFailure> check(Kind kind, const std::string& instance,
                                    const ConfigView& config) const;

  // Makes an instance (never null); the returned pointer keeps this library
  // loaded. The error's message is the plugin's own, or says it offers no `kind`.
  Expected<std::shared_ptr<Instance>> create(Kind kind, const std::string& instance,
                                             const ConfigView& config, Host& host) const;

 private:
  PluginLibrary(std::filesystem::path file, std::unique_ptr<boost::dll::shared_library> library,
                const Descriptor& descriptor);

  std::filesystem::path file_;
  std::unique_ptr<boost::dll::shared_library> library_;
  Descriptor descriptor_;  // a copy: the plugin's own may be shorter or longer
};

}  // namespace scanhook::core
