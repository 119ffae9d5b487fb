#include "scanhook/core/http/respond.hpp"

namespace scanhook::core {

Respond::Respond(Sink sink, StreamSink stream_sink)
    : state_(std::make_shared<State>(std::move(sink), std::move(stream_sink))) {}

void Respond::operator()(HttpReply reply) const {
  if (!state_->answered.exchange(true)) state_->sink(std::move(reply));
}

std::shared_ptr<EventStream> Respond::open_stream(HttpReply head) const {
  if (!state_->stream_sink || state_->answered.exchange(true)) return nullptr;
  return state_->stream_sink(std::move(head));
}

Respond::State::~State() {
  if (answered) return;
  try {
    sink(json_error(500, "internal error: the route gave no reply; see the daemon's log"));
  } catch (...) {  // the client is gone; nothing else to tell
  }
}

}  // namespace scanhook::core
