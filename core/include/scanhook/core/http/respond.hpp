// How a route hands back its reply: at once, or later from another thread
// (an ingest route answers from the ingest's syncer, once its events are
// durable, so that no thread waits for the commit).
#pragma once

#include <atomic>
#include <functional>
#include <memory>

#include "scanhook/core/http/event_stream.hpp"
#include "scanhook/http.hpp"

namespace scanhook::core {

class Respond {
 public:
  using Sink = std::function<void(HttpReply)>;
  // Sends a stream's head and hands back the open stream (null if the
  // client is gone).
  using StreamSink = std::function<std::shared_ptr<EventStream>(HttpReply head)>;

  // `sink` gets the first reply given to any copy of this Respond. If no copy
  // is ever given one, the sink gets a 500 when the last copy goes.
  // `stream_sink`, if given, lets the route answer with an event stream.
  explicit Respond(Sink sink, StreamSink stream_sink = nullptr);

  // Thread-safe; calls after the first are ignored.
  void operator()(HttpReply reply) const;
  // Answers with `head` (its body ignored) as a text/event-stream that stays
  // open: null when this Respond cannot stream or has answered already.
  std::shared_ptr<EventStream> open_stream(HttpReply head) const;

 private:
  struct State {
    State(Sink s, StreamSink ss) : sink(std::move(s)), stream_sink(std::move(ss)) {}
    ~State();
    Sink sink;
    StreamSink stream_sink;
    std::atomic<bool> answered{false};
  };
  std::shared_ptr<State> state_;
};

}  // namespace scanhook::core
