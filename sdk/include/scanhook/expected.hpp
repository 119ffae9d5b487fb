// Since SDK 1.2: the project's one way to say that an expected failure
// happened, a value or an Error with a message (what is wrong, for the user)
// and an optional hint (what to do). The core uses the same type
// (scanhook/core/expected.hpp names it), so plugin code and core code read the
// same results. Header-only and never passed across the plugin boundary: a
// plugin built against SDK 1.0/1.1, without it, loads as before.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace scanhook {

struct Error {
  std::string message;
  std::string hint;  // "" when there is nothing more to say

  // "message (hint)", or the message alone.
  std::string text() const { return hint.empty() ? message : message + " (" + hint + ")"; }
};

inline Error failure(std::string message, std::string hint = {}) {
  return {std::move(message), std::move(hint)};
}

template <class T>
class [[nodiscard]] Expected {
 public:
  Expected(T value) : state_(std::in_place_index<0>, std::move(value)) {}      // NOLINT: implicit
  Expected(Error error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  // Only when ok().
  const T& value() const& { return std::get<0>(state_); }
  T& value() & { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  const T& operator*() const& { return value(); }
  const T* operator->() const { return &value(); }

  // Only when !ok().
  const Error& error() const { return std::get<1>(state_); }

 private:
  std::variant<T, Error> state_;
};

// A check or an action with nothing to return: ok, or an Error.
template <>
class [[nodiscard]] Expected<void> {
 public:
  Expected() = default;
  Expected(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT: implicit

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

}  // namespace scanhook
