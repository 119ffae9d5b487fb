// The word that a commit queued something, from the ingest (and from other
// instances' commits, heard through the store) to the dispatcher. The
// dispatcher's targets are plugin instances whose hosts submit through the
// ingest, so the ingest is built before the dispatcher and holds this
// instead; the pipeline builder connects the dispatcher once it exists, and
// the pipeline disconnects it before the dispatcher goes. A wake-up while
// nothing is connected reaches no one, and loses nothing: a dispatcher reads
// the queue when it starts, and every idle_interval after.
#pragma once

#include <functional>
#include <mutex>

namespace scanhook::core {

class CommitWakeup {
 public:
  // Connects `wake` (quick, never throws). Throws std::logic_error when
  // something is connected already: there is one dispatcher.
  void connect(std::function<void()> wake);
  // Once this returns, `wake` is not running and will not run again.
  void disconnect();
  // Calls what is connected, if anything; from any thread.
  void wake() const;

 private:
  mutable std::mutex mutex_;  // held while `wake_` runs, so disconnect waits for it
  std::function<void()> wake_;
};

}  // namespace scanhook::core
