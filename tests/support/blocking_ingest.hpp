// A test's (or a one-thread caller's) way to wait for a commit: the core
// offers only Ingest::submit_async, answered from the syncer thread.
#pragma once

#include <utility>
#include <vector>

#include "scanhook/core/pipeline/completion_flag.hpp"
#include "scanhook/core/pipeline/ingest.hpp"

namespace scanhook::testing {

// Submits `events` (and the `dropped` history rows) and returns the receipt
// once they are durable, or could not be.
inline core::IngestReceipt submit_and_wait(core::Ingest& ingest,
                                           std::vector<core::QueuedEvent> events,
                                           std::vector<core::DroppedEvent> dropped = {}) {
  return core::wait_for_callback<core::IngestReceipt>([&](core::Ingest::Done done) {
    ingest.submit_async(std::move(events), std::move(done), std::move(dropped));
  });
}

}  // namespace scanhook::testing
