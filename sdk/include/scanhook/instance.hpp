// The common base of every plugin object the core holds.
#pragma once

namespace scanhook {

class Instance {
 public:
  virtual ~Instance() = default;
};

}  // namespace scanhook
