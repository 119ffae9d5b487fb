// One plugin source, compiled once per FIXTURE_CASE_* into a differently broken .so
// (and two sound ones: `good`, and `sdk_1_1`, whose descriptor says SDK 1.1).
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

}  // namespace

#if defined(FIXTURE_CASE_no_descriptor)
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
#elif defined(FIXTURE_CASE_sdk_1_1)
    1,  // a target as built against SDK 1.1: it cannot describe its server
#else
    scanhook::kAbiMinor,
#endif
#if defined(FIXTURE_CASE_wrong_toolchain)
    "libc++9000",
#else
    SCANHOOK_TOOLCHAIN_TAG,
#endif
#if defined(FIXTURE_CASE_sdk_1_1)
    "fixture_1_1",
#else
    "fixture",
#endif
    "0.0.1",
    "a test plugin",
    scanhook::kTarget,
    kKeys,
    3,
    &scanhook::detail::create_instance<make>,
    &scanhook::detail::destroy_instance};
#endif
