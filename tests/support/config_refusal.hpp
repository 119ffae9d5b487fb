// What the validator says about a configuration a test expects it to refuse.
#pragma once

#include <catch2/catch.hpp>

#include <string>

#include "scanhook/core/config/ini_file.hpp"

namespace scanhook::testing {

// The ConfigError's text that `validate()` throws; the test fails (showing
// `text`, the configuration) when it throws nothing.
template <class Validate>
std::string config_refusal(Validate validate, const std::string& text) {
  try {
    validate();
  } catch (const core::ConfigError& error) {
    return error.what();
  }
  FAIL("the configuration was accepted:\n" << text);
  return {};
}

}  // namespace scanhook::testing
