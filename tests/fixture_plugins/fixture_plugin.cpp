// One plugin source, compiled once per FIXTURE_CASE_* into a differently broken .so.
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <stdexcept>

#include "scanhook/scanhook.hpp"

namespace {

class NullTarget final : public scanhook::TargetBase {
 public:
  scanhook::Stage stage() const noexcept override { return scanhook::Stage::scan; }
  std::size_t max_batch() const noexcept override { return 1; }

 protected:
  std::vector<scanhook::Result> on_scan(const std::vector<scanhook::ScanFolder>& folders) override {
    return std::vector<scanhook::Result>(folders.size(), scanhook::Result::ok());
  }
  scanhook::Result on_probe() override { return scanhook::Result::ok(); }
  scanhook::Explanation on_explain(const scanhook::ScanFolder&) override { return {}; }
};

#if defined(FIXTURE_CASE_unresolved_symbol)
}  // namespace
extern "C" int scanhook_fixture_symbol_nobody_defines();
namespace {
#endif

std::unique_ptr<scanhook::Instance> make(const scanhook::CreateArgs&) {
#if defined(FIXTURE_CASE_create_fails)
  throw std::runtime_error("fixture refuses: api_key is wrong");
#elif defined(FIXTURE_CASE_unresolved_symbol)
  if (scanhook_fixture_symbol_nobody_defines() != 0) return nullptr;
#endif
  return std::make_unique<NullTarget>();
}

constexpr scanhook::ConfigKey kKeys[] = {
    {"colour", scanhook::ConfigType::string, "blue", scanhook::kTarget, false, "a colour"},
    {"count", scanhook::ConfigType::integer, "3", scanhook::kTarget, false, "a number"},
    {"api_key", scanhook::ConfigType::secret, nullptr, scanhook::kTarget, true, "a secret"},
};

#if defined(FIXTURE_CASE_checked)
constexpr scanhook::ConfigRange kRanges[] = {{"count", 0, 10}};

void check(const scanhook::CheckArgs& args) {
  if (args.config->string("colour") == "red")
    throw scanhook::ConfigRefusal("colour", "red is taken: choose another colour");
}
#endif

}  // namespace

#if defined(FIXTURE_CASE_aborts_at_load)
// Code that runs when the library is loaded: the core must never load it unless asked.
namespace {
[[maybe_unused]] const int kLoaded = (std::abort(), 0);
}
#endif

#if defined(FIXTURE_CASE_hangs_at_load)
// Code that never returns while the library loads: the load probe's timeout ends it.
namespace {
[[maybe_unused]] const int kLoaded = (::pause(), 0);
}
#endif

#if defined(FIXTURE_CASE_checked)
SCANHOOK_PLUGIN_CHECKED("fixture_checked", "0.0.1", "a test plugin with a check", scanhook::kTarget,
                        kKeys, kRanges, check, make)
#elif defined(FIXTURE_CASE_sdk_1_1)
// The descriptor as SDK 1.1 laid it out: it ends at destroy.
struct DescriptorOf1_1 {
  std::uint64_t magic;
  std::uint32_t struct_size;
  std::uint16_t abi_major;
  std::uint16_t abi_minor;
  const char* toolchain;
  const char* name;
  const char* version;
  const char* summary;
  std::uint32_t kinds;
  const scanhook::ConfigKey* config_keys;
  std::uint32_t config_key_count;
  void (*create)(const scanhook::CreateArgs* args, scanhook::CreateResult* result) noexcept;
  void (*destroy)(scanhook::Instance* instance) noexcept;
};
extern "C" __attribute__((visibility("default")))
const DescriptorOf1_1 scanhook_plugin_v1 = {scanhook::kDescriptorMagic,
                                            sizeof(DescriptorOf1_1),
                                            1,
                                            1,
                                            SCANHOOK_TOOLCHAIN_TAG,
                                            "fixture_old",
                                            "0.0.1",
                                            "a plugin built against SDK 1.1",
                                            scanhook::kTarget,
                                            kKeys,
                                            3,
                                            &scanhook::detail::create_instance<make>,
                                            &scanhook::detail::destroy_instance};
#elif defined(FIXTURE_CASE_larger_descriptor)
// A descriptor from a later 1.x SDK: fields this core does not know follow its own.
struct LaterDescriptor {
  scanhook::Descriptor known;
  std::uint64_t later_fields[4];
};
extern "C" __attribute__((visibility("default"))) const LaterDescriptor scanhook_plugin_v1 = {
    {scanhook::kDescriptorMagic, sizeof(LaterDescriptor), scanhook::kAbiMajor, scanhook::kAbiMinor,
     SCANHOOK_TOOLCHAIN_TAG, "fixture_later", "0.0.1", "a plugin from a later 1.x SDK",
     scanhook::kTarget, kKeys, 3, &scanhook::detail::create_instance<make>,
     &scanhook::detail::destroy_instance, nullptr, nullptr, 0},
    {0xdeadbeef, 0xdeadbeef, 0xdeadbeef, 0xdeadbeef}};
#elif defined(FIXTURE_CASE_no_descriptor)
extern "C" {
__attribute__((visibility("default"))) int fixture_something_else = 1;
}
#else
extern "C" __attribute__((visibility("default"))) const scanhook::Descriptor scanhook_plugin_v1 = {
#if defined(FIXTURE_CASE_bad_magic)
    0x0123456789abcdefULL,
#else
    scanhook::kDescriptorMagic,
#endif
#if defined(FIXTURE_CASE_wrong_size)
    sizeof(scanhook::Descriptor) - 8,
#else
    sizeof(scanhook::Descriptor),
#endif
#if defined(FIXTURE_CASE_abi_major_next)
    scanhook::kAbiMajor + 1,
#else
    scanhook::kAbiMajor,
#endif
#if defined(FIXTURE_CASE_abi_minor_next)
    scanhook::kAbiMinor + 1,
#else
    scanhook::kAbiMinor,
#endif
#if defined(FIXTURE_CASE_wrong_toolchain)
    "libc++9000",
#else
    SCANHOOK_TOOLCHAIN_TAG,
#endif
    "fixture",
    "0.0.1",
    "a test plugin",
    scanhook::kTarget,
    kKeys,
    3,
    &scanhook::detail::create_instance<make>,
    &scanhook::detail::destroy_instance,
    nullptr,
    nullptr,
    0};
#endif
