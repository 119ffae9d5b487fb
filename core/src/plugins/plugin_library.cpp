#include "scanhook/core/plugins/plugin_library.hpp"

#include <dlfcn.h>

#include <boost/dll/shared_library.hpp>
#include <cctype>
#include <cstddef>
#include <cstring>
#include <string_view>

#include "scanhook/core/plugins/elf_layout.hpp"
#include "scanhook/core/plugins/load_probe.hpp"

namespace scanhook::core {

namespace {

std::string sdk_version(std::uint16_t major, std::uint16_t minor) {
  return std::to_string(major) + "." + std::to_string(minor);
}

bool is_plugin_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name)
    if (!(std::islower(static_cast<unsigned char>(c)) ||
          std::isdigit(static_cast<unsigned char>(c)) || c == '_'))
      return false;
  return true;
}

// A 1.0 or 1.1 descriptor ends before the 1.2 fields (check, config_ranges).
constexpr std::size_t kDescriptorSize1_1 = offsetof(Descriptor, check);

// The header fields every 1.x descriptor starts with, readable before its size is known.
struct DescriptorHead {
  std::uint64_t magic;
  std::uint32_t struct_size;
  std::uint16_t abi_major;
  std::uint16_t abi_minor;
};

// Everything about the descriptor's header that can be wrong.
Expected<void> check_head(const Descriptor& d) {
  if (d.magic != kDescriptorMagic)
    return failure(
        "the symbol " + std::string(kDescriptorSymbol) +
        " does not start with scanhook's magic number: not a scanhook plugin, or a corrupt file");
  if (d.abi_major != kAbiMajor)
    return failure("built against SDK " + sdk_version(d.abi_major, d.abi_minor) +
                   "; this scanhook speaks " + std::to_string(kAbiMajor) +
                   ".x: rebuild the plugin against SDK " + std::to_string(kAbiMajor) + ".x");
  if (d.abi_minor > kAbiMinor)
    return failure("built against SDK " + sdk_version(d.abi_major, d.abi_minor) +
                   "; this scanhook speaks up to " + sdk_version(kAbiMajor, kAbiMinor) +
                   ": upgrade scanhook, or rebuild the plugin against SDK " +
                   sdk_version(kAbiMajor, kAbiMinor));
  // A newer SDK of the same major appends fields: a larger descriptor is
  // read up to the fields this core knows.
  const std::size_t defined = d.abi_minor >= 2 ? sizeof(Descriptor) : kDescriptorSize1_1;
  if (d.struct_size < defined)
    return failure("its descriptor is " + std::to_string(d.struct_size) + " bytes, SDK " +
                   sdk_version(d.abi_major, d.abi_minor) + " defines " + std::to_string(defined) +
                   ": the plugin was built with a mismatched SDK header; rebuild it");
  return {};
}

// Everything about the rest of the descriptor that can be wrong.
Expected<void> check_descriptor(const Descriptor& d) {
  if (d.toolchain == nullptr || std::strcmp(d.toolchain, kToolchainTag) != 0)
    return failure(std::string("built with the C++ library ") +
                   (d.toolchain ? d.toolchain : "(none)") + ", this scanhook uses " +
                   kToolchainTag +
                   ": rebuild the plugin with the same compiler and standard library");
  if (d.name == nullptr || !is_plugin_name(d.name))
    return failure(std::string("its name \"") + (d.name ? d.name : "") +
                   "\" is not a plugin name (lowercase letters, digits and _): fix the plugin");
  if (d.version == nullptr || d.summary == nullptr)
    return failure("its descriptor has no version or summary: fix the plugin");
  constexpr std::uint32_t kKnownKinds =
      kWebhookSource | kPollingSource | kTarget | kService | kCommands | kNotifier;
  if (d.kinds == 0 || (d.kinds & ~kKnownKinds) != 0)
    return failure("it offers kinds 0x" + std::to_string(d.kinds) +
                   ", expected a mix of source, target, service and notifier: fix the plugin");
  if (d.create == nullptr || d.destroy == nullptr)
    return failure("its descriptor has no create or destroy function: fix the plugin");
  if (d.config_key_count > 0 && d.config_keys == nullptr)
    return failure("it declares config keys but gives none: fix the plugin");
  for (std::uint32_t i = 0; i < d.config_key_count; ++i) {
    const ConfigKey& key = d.config_keys[i];
    if (key.name == nullptr || !is_plugin_name(key.name) || key.help == nullptr ||
        static_cast<std::uint32_t>(key.type) > static_cast<std::uint32_t>(ConfigType::source_name))
      return failure("config key #" + std::to_string(i) +
                     " has no valid name, type or help text: fix the plugin");
  }
  if (d.config_range_count > 0 && d.config_ranges == nullptr)
    return failure("it declares config ranges but gives none: fix the plugin");
  for (std::uint32_t i = 0; i < d.config_range_count; ++i) {
    const ConfigRange& range = d.config_ranges[i];
    if (range.key == nullptr || range.min > range.max)
      return failure("config range #" + std::to_string(i) +
                     " has no key or a min above its max: fix "
                     "the plugin");
  }
  return {};
}

// Boost.DLL clears dlerror(), so ask the loader once more for its reason.
std::string loader_reason(const std::filesystem::path& file) {
  void* handle = ::dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle != nullptr) {
    ::dlclose(handle);
    return "unknown loader error";
  }
  const char* reason = ::dlerror();
  return reason ? reason : "unknown loader error";
}

std::string explain_load_failure(const std::string& reason) {
  const auto undefined = reason.find("undefined symbol: ");
  if (undefined != std::string::npos)
    return "it needs the symbol " + reason.substr(undefined + 18) +
           ", which nothing loaded provides: rebuild the plugin with -Wl,--no-undefined and link "
           "what it uses";
  if (reason.find("invalid ELF header") != std::string::npos ||
      reason.find("file too short") != std::string::npos)
    return "it is not a shared library (" + reason + "): remove it from the plugin folder";
  return "it could not be loaded (" + reason + ")";
}

}  // namespace

PluginLibrary::PluginLibrary(std::filesystem::path file,
                             std::unique_ptr<boost::dll::shared_library> library,
                             const Descriptor& descriptor)
    : file_(std::move(file)), library_(std::move(library)), descriptor_(descriptor) {}

PluginLibrary::~PluginLibrary() = default;

Expected<std::shared_ptr<const PluginLibrary>> PluginLibrary::load(
    const std::filesystem::path& file) {
  const std::string prefix = "plugin " + file.string() + " rejected: ";
  // Both before this process maps the file or runs any of its code.
  if (const auto layout = check_elf_layout(file); !layout)
    return failure(prefix + layout.error().message);
  if (const auto probed = probe_load(file); !probed)
    return failure(prefix + probed.error().message);
  auto library = std::make_unique<boost::dll::shared_library>();
  boost::dll::fs::error_code error;
  library->load(file, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local, error);
  if (error) return failure(prefix + explain_load_failure(loader_reason(file)));
  if (!library->has(kDescriptorSymbol))
    return failure(prefix + "expected the symbol " + kDescriptorSymbol +
                   ", found none: not a scanhook plugin (or one built for an SDK older than 1.0)");
  const auto& exported = library->get<const DescriptorHead>(kDescriptorSymbol);
  // Only the head is read before its magic, version and size are known good.
  Descriptor descriptor{};
  std::memcpy(&descriptor, &exported, sizeof(DescriptorHead));
  if (const auto head = check_head(descriptor); !head)
    return failure(prefix + head.error().message);
  const std::size_t known = descriptor.abi_minor >= 2 ? sizeof(Descriptor) : kDescriptorSize1_1;
  std::memcpy(&descriptor, &exported, known);
  if (const auto rest = check_descriptor(descriptor); !rest)
    return failure(prefix + rest.error().message);
  return std::shared_ptr<const PluginLibrary>(
      new PluginLibrary(file, std::move(library), descriptor));
}

Expected<std::shared_ptr<Instance>> PluginLibrary::create(Kind kind, const std::string& instance,
                                                          const ConfigView& config,
                                                          Host& host) const {
  if (!offers(kind)) return failure("plugin " + name() + " offers no " + kind_name(kind));
  CreateArgs args{kind, instance.c_str(), &config, &host};
  CreateResult result{};
  descriptor_.create(&args, &result);
  if (result.instance == nullptr) {
    result.error[sizeof result.error - 1] = '\0';
    return failure(result.error[0] ? result.error : "the plugin refused without saying why");
  }
  // The deleter holds the library: it is unloaded only after the last instance.
  auto self = shared_from_this();
  return std::shared_ptr<Instance>(result.instance,
                                   [self](Instance* made) { self->descriptor_.destroy(made); });
}

}  // namespace scanhook::core

namespace scanhook::core {

std::optional<CheckFailure> PluginLibrary::check(Kind kind, const std::string& instance,
                                                 const ConfigView& config) const {
  if (descriptor_.check == nullptr) return std::nullopt;
  const CheckArgs args{kind, instance.c_str(), &config};
  CheckResult result{};
  descriptor_.check(&args, &result);
  result.key[sizeof result.key - 1] = '\0';
  result.error[sizeof result.error - 1] = '\0';
  if (result.error[0] == '\0') return std::nullopt;
  return CheckFailure{result.key, result.error};
}

}  // namespace scanhook::core
