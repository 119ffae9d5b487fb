#include "scanhook/core/pipeline/pipeline.hpp"

namespace scanhook::core {

Pipeline::~Pipeline() {
  commit_wakeup.disconnect();
  if (store) queue().on_remote_events(nullptr);
}

}  // namespace scanhook::core
