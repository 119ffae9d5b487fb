// One open text/event-stream reply (Server-Sent Events): a response that
// never ends on its own. Its connection holds no thread: the reactor writes
// what send() queues when the socket takes it, and closes the stream when
// the client goes, falls too far behind, or the server stops.
#pragma once

#include <cstddef>
#include <string>

namespace scanhook::core {

class EventStream {
 public:
  virtual ~EventStream() = default;
  // Any thread, never blocks: queues `bytes` (whole SSE events) for the
  // client. False once the stream is closed: then drop it.
  virtual bool send(std::string bytes) = 0;
  // False once the stream has ended (the client left, or was too slow).
  virtual bool open() const = 0;
};

// A client that has not taken this many bytes of its stream is too slow:
// the stream is closed (EventSource reconnects and reloads what it shows).
inline constexpr std::size_t kMaxStreamBacklog = 256 * 1024;

}  // namespace scanhook::core
