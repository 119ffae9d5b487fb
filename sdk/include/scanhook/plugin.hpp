// Defines a plugin's exported descriptor. In one .cpp of the plugin:
//
//   std::unique_ptr<scanhook::Instance> make(const scanhook::CreateArgs& args);
//   SCANHOOK_PLUGIN("name", "1.0.0", "what it does", scanhook::kTarget, kConfigKeys, make)
//
// or, with the SDK 1.2 additions (ranges of integer and duration keys the core
// enforces, and a side-effect-free check that `scanhookd --check-config` runs):
//
//   void check(const scanhook::CheckArgs& args);  // throws ConfigRefusal
//   SCANHOOK_PLUGIN_CHECKED("name", "1.0.0", "what it does", scanhook::kTarget, kConfigKeys,
//                           kConfigRanges, check, make)
//
// `make` may throw to refuse a configuration; the message reaches the user.
// With a check, create runs it first, so `make` need not repeat it.
#pragma once

#include <array>
#include <cstdio>
#include <exception>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <string>

#include "scanhook/abi.hpp"
#include "scanhook/config_key.hpp"
#include "scanhook/instance.hpp"

namespace scanhook {

using Factory = std::unique_ptr<Instance> (*)(const CreateArgs& args);
// Returns when the section is fine; throws ConfigRefusal (or any std::exception) when not.
using Checker = void (*)(const CheckArgs& args);

inline constexpr std::array<ConfigKey, 0> kNoConfigKeys{};
inline constexpr std::array<ConfigRange, 0> kNoConfigRanges{};

// A configuration a plugin refuses, naming the key to fix.
class ConfigRefusal : public std::runtime_error {
 public:
  ConfigRefusal(std::string key, const std::string& message)
      : std::runtime_error(message), key_(std::move(key)) {}
  const std::string& key() const noexcept { return key_; }

 private:
  std::string key_;
};

inline void no_check(const CheckArgs&) {}

namespace detail {

template <Checker check>
void check_config(const CheckArgs* args, CheckResult* result) noexcept {
  result->key[0] = '\0';
  result->error[0] = '\0';
  try {
    check(*args);
  } catch (const ConfigRefusal& refusal) {
    std::snprintf(result->key, sizeof result->key, "%s", refusal.key().c_str());
    std::snprintf(result->error, sizeof result->error, "%s", refusal.what());
  } catch (const std::exception& error) {
    std::snprintf(result->error, sizeof result->error, "%s", error.what());
  } catch (...) {
    std::snprintf(result->error, sizeof result->error, "unknown error");
  }
}

template <Factory make, Checker check = no_check>
void create_instance(const CreateArgs* args, CreateResult* result) noexcept {
  result->instance = nullptr;
  result->error[0] = '\0';
  try {
    try {
      check({args->kind, args->instance, args->config});
    } catch (const ConfigRefusal& refusal) {
      if (refusal.key().empty()) throw;
      throw std::runtime_error(refusal.key() + ": " + refusal.what());
    }
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

#define SCANHOOK_PLUGIN_CHECKED(NAME, VERSION, SUMMARY, KINDS, CONFIG_KEYS, CONFIG_RANGES, CHECK, \
                                FACTORY)                                                          \
  extern "C" __attribute__((visibility("default")))                                               \
  const ::scanhook::Descriptor scanhook_plugin_v1 = {                                             \
      ::scanhook::kDescriptorMagic,                                                               \
      sizeof(::scanhook::Descriptor),                                                             \
      ::scanhook::kAbiMajor,                                                                      \
      ::scanhook::kAbiMinor,                                                                      \
      SCANHOOK_TOOLCHAIN_TAG,                                                                     \
      NAME,                                                                                       \
      VERSION,                                                                                    \
      SUMMARY,                                                                                    \
      KINDS,                                                                                      \
      std::data(CONFIG_KEYS),                                                                     \
      static_cast<std::uint32_t>(std::size(CONFIG_KEYS)),                                         \
      &::scanhook::detail::create_instance<FACTORY, CHECK>,                                       \
      &::scanhook::detail::destroy_instance,                                                      \
      &::scanhook::detail::check_config<CHECK>,                                                   \
      std::data(CONFIG_RANGES),                                                                   \
      static_cast<std::uint32_t>(std::size(CONFIG_RANGES))};

#define SCANHOOK_PLUGIN(NAME, VERSION, SUMMARY, KINDS, CONFIG_KEYS, FACTORY)                       \
  SCANHOOK_PLUGIN_CHECKED(NAME, VERSION, SUMMARY, KINDS, CONFIG_KEYS, ::scanhook::kNoConfigRanges, \
                          ::scanhook::no_check, FACTORY)
