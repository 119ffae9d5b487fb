#include "scanhook/core/respond.hpp"

namespace scanhook::core {

Respond::Respond(Sink sink) : state_(std::make_shared<State>(std::move(sink))) {}

void Respond::operator()(HttpReply reply) const {
  if (!state_->answered.exchange(true)) state_->sink(std::move(reply));
}

Respond::State::~State() {
  if (answered) return;
  try {
    sink(json_error(500, "internal error: the route gave no reply; see the daemon's log"));
  } catch (...) {  // the client is gone; nothing else to tell
  }
}

}  // namespace scanhook::core
