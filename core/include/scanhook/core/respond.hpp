// How a route hands back its reply: at once, or later from another thread
// (an ingest route answers from the ingest's syncer, once its events are
// durable, so that no thread waits for the commit).
#pragma once

#include <atomic>
#include <functional>
#include <memory>

#include "scanhook/http.hpp"

namespace scanhook::core {

class Respond {
 public:
  using Sink = std::function<void(HttpReply)>;

  // `sink` gets the first reply given to any copy of this Respond. If no copy
  // is ever given one, the sink gets a 500 when the last copy goes.
  explicit Respond(Sink sink);

  // Thread-safe; calls after the first are ignored.
  void operator()(HttpReply reply) const;

 private:
  struct State {
    explicit State(Sink s) : sink(std::move(s)) {}
    ~State();
    Sink sink;
    std::atomic<bool> answered{false};
  };
  std::shared_ptr<State> state_;
};

}  // namespace scanhook::core
