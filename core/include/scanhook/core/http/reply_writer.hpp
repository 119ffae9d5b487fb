// One request's way back to its client. The reply may come from any thread
// (a worker, or later a deferred route's): send() writes what the socket
// takes at once and never blocks, so a client that does not read cannot hold
// up the thread answering it, and hands what is left to the connection's
// reactor, which writes it when the socket is ready.
#pragma once

#include <Poco/Net/StreamSocket.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "scanhook/core/http/event_stream.hpp"
#include "scanhook/http.hpp"

namespace scanhook::core {

// How a reply is framed for its request.
struct ReplyFraming {
  bool http_1_0 = false;   // answer in the request's version
  bool keep_alive = true;  // the request allows another one after it
  bool head = false;       // HEAD: headers only
};

// The reply as bytes: status line, Date, Connection, the reply's headers,
// Content-Type and Content-Length, then the body. 400 and 413 close the
// connection; 204, 304 and HEAD replies have no body.
std::string render_reply(const HttpReply& reply, const ReplyFraming& framing);
// The head of an event stream: `reply`'s status and headers, Content-Type
// text/event-stream, no caching, and no length: the body runs until the
// connection closes (so "Connection: close").
std::string render_stream_head(const HttpReply& reply, const ReplyFraming& framing);
bool closes_connection(const HttpReply& reply, const ReplyFraming& framing);

// Writes as much of `bytes` from `offset` as socket `fd` takes without
// waiting, advancing `offset`; false when the peer is gone.
bool write_available(int fd, const std::string& bytes, std::size_t& offset);

// What send() left: the bytes the socket did not take, and whether the
// connection may serve another request once they are out.
using ReplySent = std::function<void(std::string rest, bool keep_open)>;
// What open_stream() left of the head: the stream for the route, made by the connection's owner.
using StreamOpened = std::function<std::shared_ptr<EventStream>(std::string rest)>;

class ReplyWriter {
 public:
  ReplyWriter(const Poco::Net::StreamSocket& socket, ReplyFraming framing, ReplySent sent,
              StreamOpened stream_opened = nullptr);

  // Any thread, once (later calls are ignored): writes what the socket takes
  // now and calls `sent` with the rest, on this thread.
  void send(const HttpReply& reply);
  // Instead of send(): writes an event stream's head (render_stream_head)
  // and returns the open stream; null when answered already, the peer is
  // gone, or this writer cannot stream.
  std::shared_ptr<EventStream> open_stream(const HttpReply& head);

 private:
  Poco::Net::StreamSocket socket_;  // a reference: the descriptor stays open while we hold it
  ReplyFraming framing_;
  ReplySent sent_;
  StreamOpened stream_opened_;
  std::atomic<bool> answered_{false};  // send() has been called
};

}  // namespace scanhook::core
