// What a target answers for one folder, and the dispatcher acts on.
#pragma once

#include <chrono>
#include <string>

namespace scanhook {

enum class Status {
  ok,
  retry,        // try this folder again later (after retry_after if set)
  unavailable,  // the target is down: pause it and probe until it answers
  rejected,     // this folder can never succeed here; `reason` says why
};

inline const char* status_name(Status status) {
  switch (status) {
    case Status::ok: return "ok";
    case Status::retry: return "retry";
    case Status::unavailable: return "unavailable";
    case Status::rejected: return "rejected";
  }
  return "unknown";
}

struct Result {
  Status status = Status::ok;
  std::chrono::seconds retry_after{0};  // 0: let the dispatcher's backoff decide
  std::string reason;

  static Result ok() { return {}; }
  // SDK 1.2: an ok answer of probe() may say what the probe checked ("runs
  // /usr/local/bin/after-scan (...; not run to check)"): `scanhookd doctor`
  // and the targets view show it instead of "reachable", which only a target
  // that describes its server can claim. The dispatcher ignores it.
  static Result ok(std::string checked) {
    return {Status::ok, std::chrono::seconds{0}, std::move(checked)};
  }
  static Result retry(std::string why, std::chrono::seconds after = std::chrono::seconds{0}) {
    return {Status::retry, after, std::move(why)};
  }
  static Result unavailable(std::string why) {
    return {Status::unavailable, std::chrono::seconds{0}, std::move(why)};
  }
  static Result rejected(std::string why) {
    return {Status::rejected, std::chrono::seconds{0}, std::move(why)};
  }
};

}  // namespace scanhook
