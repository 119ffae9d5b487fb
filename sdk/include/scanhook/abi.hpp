// The plugin descriptor: the one symbol a plugin exports, read and checked by
// the core before any plugin code runs.
#pragma once

#include <cstdint>

#include "scanhook/config_key.hpp"

namespace scanhook {

class Instance;
class Host;
class ConfigView;

// "SCANHOOK" in ASCII, so a stray symbol of the right name is still refused.
inline constexpr std::uint64_t kDescriptorMagic = 0x5343414E484F4F4BULL;
inline constexpr std::uint16_t kAbiMajor = 1;
// 1.1: Host::record_dropped.
// 1.2: Descriptor::check and Descriptor::config_ranges (appended; a 1.0/1.1
// descriptor, without them, still loads).
// 1.2 also: Host::offer_description (target_description.hpp).
// 1.2 also: ForwardingSource (optional), plugin commands (optional kind kCommands).
// 1.2 also: the notifier kind (notifier.hpp).
// 1.2 also: ConfigType::source_name (a key naming another webhook source).
// 1.2 also: FlushOnStop (optional), a polling source's last submit at a stop.
// 1.2 also: counted() (counted.hpp, header-only), a count with its noun.
// 1.2 also: log_escaped() (log_escaped.hpp, header-only), outside text for a log line.
inline constexpr std::uint16_t kAbiMinor = 2;
inline constexpr const char* kDescriptorSymbol = "scanhook_plugin_v1";

#define SCANHOOK_STRINGIFY_DETAIL(x) #x
#define SCANHOOK_STRINGIFY(x) SCANHOOK_STRINGIFY_DETAIL(x)

// C++ types cross the plugin boundary, so core and plugin must share a
// standard library ABI; the compiler itself does not matter.
#if defined(_GLIBCXX_RELEASE)
#if _GLIBCXX_USE_CXX11_ABI
#define SCANHOOK_TOOLCHAIN_TAG "libstdc++" SCANHOOK_STRINGIFY(_GLIBCXX_RELEASE) "/cxx11"
#else
#define SCANHOOK_TOOLCHAIN_TAG "libstdc++" SCANHOOK_STRINGIFY(_GLIBCXX_RELEASE) "/cxx98"
#endif
#elif defined(_LIBCPP_VERSION)
#define SCANHOOK_TOOLCHAIN_TAG "libc++" SCANHOOK_STRINGIFY(_LIBCPP_VERSION)
#else
#define SCANHOOK_TOOLCHAIN_TAG "unknown"
#endif
inline constexpr const char* kToolchainTag = SCANHOOK_TOOLCHAIN_TAG;

// What one plugin can offer; a descriptor's `kinds` is a bitmask of these.
enum Kind : std::uint32_t {
  kWebhookSource = 1u << 0,
  kPollingSource = 1u << 1,
  kTarget = 1u << 2,
  kService = 1u << 3,
  kCommands = 1u << 4,  // since 1.2: command-line commands (command.hpp)
  kNotifier = 1u << 5,  // since SDK 1.2: a 1.0/1.1 core refuses it as an unknown kind
};

// Every kind this SDK defines, in the order they are listed to users.
inline constexpr Kind kAllKinds[] = {kWebhookSource, kPollingSource, kTarget,
                                     kService,       kNotifier,      kCommands};

inline const char* kind_name(Kind kind) {
  switch (kind) {
    case kWebhookSource: return "webhook source";
    case kPollingSource: return "polling source";
    case kTarget: return "target";
    case kService: return "service";
    case kCommands: return "commands";
    case kNotifier: return "notifier";
  }
  return "unknown";
}

// Everything a plugin needs to make one instance (one INI section).
struct CreateArgs {
  Kind kind;
  const char* instance;      // the section's instance name, e.g. "sonarr4k"
  const ConfigView* config;  // the section, validated; valid only during create: copy what you keep
  Host* host;                // outlives the instance
};

// The result of `create`: an instance of the asked kind, or an error message.
struct CreateResult {
  Instance* instance;
  char error[512];
};

// What `check` is given: as CreateArgs, without a Host (nothing may be started).
struct CheckArgs {
  Kind kind;
  const char* instance;
  const ConfigView* config;  // valid only during check
};

// The result of `check`: error[0] == '\0' when the configuration is fine;
// otherwise `key` names the key to fix ("" for the section as a whole).
struct CheckResult {
  char key[64];
  char error[512];
};

// The exported descriptor. Fields are only ever appended; `struct_size` tells
// the core which ones a plugin knows.
struct Descriptor {
  std::uint64_t magic;
  std::uint32_t struct_size;
  std::uint16_t abi_major;
  std::uint16_t abi_minor;
  const char* toolchain;
  const char* name;
  const char* version;
  const char* summary;
  std::uint32_t kinds;
  const ConfigKey* config_keys;
  std::uint32_t config_key_count;
  void (*create)(const CreateArgs* args, CreateResult* result) noexcept;
  void (*destroy)(Instance* instance) noexcept;
  // ---- SDK 1.2 ----
  // Refuses a configuration create would refuse, with no side effect: no
  // thread, socket or file written (scanhookd --check-config calls only this).
  void (*check)(const CheckArgs* args, CheckResult* result) noexcept;
  // Bounds of integer and duration keys, enforced by the core before check.
  const ConfigRange* config_ranges;
  std::uint32_t config_range_count;
};

}  // namespace scanhook
