// What the dispatcher tells of its targets, for /api/queue and /api/targets
// (Dispatcher implements it; route tests fake it).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace scanhook::core {

struct TargetState;  // dispatcher.hpp

class DeliveryStatus {
 public:
  virtual ~DeliveryStatus() = default;
  // Each configured target, in configuration order.
  virtual std::vector<TargetState> states() = 0;
  // Why nothing is dispatched (a missing anchor), or nullopt while
  // dispatching goes on.
  virtual std::optional<std::string> blocked_reason() const = 0;
};

}  // namespace scanhook::core
