// One request's way back to its client. The reply may come from the
// connection's own thread or later from another (a deferred route): send()
// writes what the socket takes at once and never blocks, so a client that
// does not read cannot hold up the thread answering it; finish(), on the
// connection's thread, waits for the reply and writes the rest.
#pragma once

#include <Poco/Net/StreamSocket.h>

#include <atomic>
#include <string>

#include "scanhook/core/completion_flag.hpp"
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
bool closes_connection(const HttpReply& reply, const ReplyFraming& framing);

class ReplyWriter {
 public:
  ReplyWriter(const Poco::Net::StreamSocket& socket, ReplyFraming framing);

  // Any thread, once (later calls are ignored).
  void send(const HttpReply& reply);
  // The connection's thread: waits for send(), writes what it left, and says
  // whether the connection may serve another request.
  bool finish();
  // send() is done (finish() would not wait for it).
  bool sent() const { return sent_.is_set(); }

 private:
  Poco::Net::StreamSocket socket_;  // a reference: the descriptor stays open while we hold it
  ReplyFraming framing_;
  std::atomic<bool> answered_{false};  // send() has been called
  CompletionFlag sent_;
  std::string unsent_;      // what the socket did not take at once
  bool keep_open_ = false;  // set before sent_
};

}  // namespace scanhook::core
