// Defines a plugin's exported descriptor. In one .cpp of the plugin:
//
//   std::unique_ptr<scanhook::Instance> make(const scanhook::CreateArgs& args);
//   SCANHOOK_PLUGIN("name", "1.0.0", "what it does", scanhook::kTarget, kConfigKeys, make)
//
// `make` may throw to refuse a configuration; the message reaches the user.
#pragma once

#include <array>
#include <cstdio>
#include <exception>
#include <iterator>
#include <memory>

#include "scanhook/abi.hpp"
#include "scanhook/config_key.hpp"
#include "scanhook/instance.hpp"

namespace scanhook {

using Factory = std::unique_ptr<Instance> (*)(const CreateArgs& args);

inline constexpr std::array<ConfigKey, 0> kNoConfigKeys{};

namespace detail {

template <Factory make>
void create_instance(const CreateArgs* args, CreateResult* result) noexcept {
  result->instance = nullptr;
  result->error[0] = '\0';
  try {
    result->instance = make(*args).release();
    if (result->instance == nullptr)
      std::snprintf(result->error, sizeof result->error, "the plugin made no %s",
                    kind_name(args->kind));
  } catch (const std::exception& error) {
    std::snprintf(result->error, sizeof result->error, "%s", error.what());
  } catch (...) {
    std::snprintf(result->error, sizeof result->error, "unknown error");
  }
}

inline void destroy_instance(Instance* instance) noexcept {
  delete instance;
}

}  // namespace detail
}  // namespace scanhook

#define SCANHOOK_PLUGIN(NAME, VERSION, SUMMARY, KINDS, CONFIG_KEYS, FACTORY) \
  extern "C" __attribute__((visibility("default")))                          \
  const ::scanhook::Descriptor scanhook_plugin_v1 = {                        \
      ::scanhook::kDescriptorMagic,                                          \
      sizeof(::scanhook::Descriptor),                                        \
      ::scanhook::kAbiMajor,                                                 \
      ::scanhook::kAbiMinor,                                                 \
      SCANHOOK_TOOLCHAIN_TAG,                                                \
      NAME,                                                                  \
      VERSION,                                                               \
      SUMMARY,                                                               \
      KINDS,                                                                 \
      std::data(CONFIG_KEYS),                                                \
      static_cast<std::uint32_t>(std::size(CONFIG_KEYS)),                    \
      &::scanhook::detail::create_instance<FACTORY>,                         \
      &::scanhook::detail::destroy_instance};
