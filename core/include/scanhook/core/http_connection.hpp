// One keep-alive HTTP connection of the daemon's server, in place of Poco's
// HTTPServerConnection: the same request loop (Poco parses each request), but
// - the wait for the next request is one poll() call (Poco 1.11's
//   Socket::poll creates, fills and closes an epoll set on every call: 4
//   system calls and a file per request);
// - replies go through a ReplyWriter, so a deferred route's reply can come
//   from another thread while this one waits for the next request. A reply
//   is always written before the next request's.
#pragma once

#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/TCPServerConnectionFactory.h>

#include <functional>
#include <memory>
#include <mutex>
#include <set>

#include "scanhook/core/reply_writer.hpp"

namespace scanhook::core {

class HttpConnection;

// Answers one parsed request through its writer (its body is still unread).
using AnswerRequest =
    std::function<void(Poco::Net::HTTPServerRequest&, const std::shared_ptr<ReplyWriter>&)>;

// Makes the connections and stops them: stop_all() lets each finish the
// request it is answering, then closes it.
class HttpConnectionFactory final : public Poco::Net::TCPServerConnectionFactory {
 public:
  // Keep-alive connections serve any number of requests (params' maximum is ignored).
  HttpConnectionFactory(Poco::Net::HTTPServerParams::Ptr params, AnswerRequest answer);

  Poco::Net::TCPServerConnection* createConnection(const Poco::Net::StreamSocket& socket) override;
  void stop_all();

 private:
  friend class HttpConnection;
  // False once stopped: the connection must not serve.
  bool add(HttpConnection* connection);
  void remove(HttpConnection* connection);

  Poco::Net::HTTPServerParams::Ptr params_;
  AnswerRequest answer_;
  std::mutex mutex_;
  bool stopped_ = false;
  std::set<HttpConnection*> live_;
};

}  // namespace scanhook::core
