// How the fake-server programs wait for SIGTERM or SIGINT: the signals are
// blocked before any server thread starts (threads inherit the mask), so
// only sigwait sees them.
#pragma once

#include <signal.h>

namespace scanhook::fakes {

class StopSignals {
 public:
  StopSignals() {
    sigemptyset(&signals_);
    sigaddset(&signals_, SIGTERM);
    sigaddset(&signals_, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals_, nullptr);
  }
  void wait() {
    int signal = 0;
    sigwait(&signals_, &signal);
  }

 private:
  sigset_t signals_;
};

}  // namespace scanhook::fakes
