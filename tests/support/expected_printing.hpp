// Catch2 prints an Expected as "ok: <value>" or "error: <message> (<hint>)",
// so a failed CHECK(result) or CHECK_FALSE(result) says why.
#pragma once

#include <catch2/catch.hpp>

#include <string>
#include <type_traits>

#include "scanhook/core/expected.hpp"

namespace Catch {

template <>
struct StringMaker<scanhook::core::Error> {
  static std::string convert(const scanhook::core::Error& error) {
    return "error: " + error.text();
  }
};

template <class T>
struct StringMaker<scanhook::core::Expected<T>> {
  static std::string convert(const scanhook::core::Expected<T>& expected) {
    if (!expected) return StringMaker<scanhook::core::Error>::convert(expected.error());
    if constexpr (std::is_void_v<T>)
      return "ok";
    else
      return "ok: " + StringMaker<T>::convert(expected.value());
  }
};

}  // namespace Catch
