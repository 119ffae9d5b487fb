// Since SDK 1.2, optional: a polling source that holds changes back between
// polls (a debounce) and would lose them at a stop. A polling source instance
// that also derives from FlushOnStop is found by the core with dynamic_cast;
// a 1.0/1.1 plugin never derives from it and stops as before.
#pragma once

namespace scanhook {

class FlushOnStop {
 public:
  // Called once at a stop (SIGTERM), after the last poll() and on the same
  // thread, only on the instance that polled last (with several instances on
  // one store, the one holding the poller's lock). Host::submit still queues
  // durably here: submit what is held back now. Must not throw; the stop
  // waits for it, so it should not wait for anything but Host::submit.
  virtual void flush() noexcept = 0;

 protected:
  ~FlushOnStop() = default;
};

}  // namespace scanhook
