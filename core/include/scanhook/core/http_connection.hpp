// One keep-alive HTTP connection of the daemon's server, in place of Poco's
// HTTPServerConnection: the same request loop, but the wait for the next
// request is one poll() call. Poco 1.11's Socket::poll creates, fills and
// closes an epoll set on every call (4 system calls and a file per request).
#pragma once

#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/TCPServerConnectionFactory.h>

#include <mutex>
#include <set>

namespace scanhook::core {

class HttpConnection;

// Makes the connections and stops them: stop_all() lets each finish the
// request it is answering, then closes it.
class HttpConnectionFactory final : public Poco::Net::TCPServerConnectionFactory {
 public:
  // Keep-alive connections serve any number of requests (params' maximum is ignored).
  HttpConnectionFactory(Poco::Net::HTTPServerParams::Ptr params,
                        Poco::Net::HTTPRequestHandlerFactory::Ptr handlers);

  Poco::Net::TCPServerConnection* createConnection(const Poco::Net::StreamSocket& socket) override;
  void stop_all();

 private:
  friend class HttpConnection;
  // False once stopped: the connection must not serve.
  bool add(HttpConnection* connection);
  void remove(HttpConnection* connection);

  Poco::Net::HTTPServerParams::Ptr params_;
  Poco::Net::HTTPRequestHandlerFactory::Ptr handlers_;
  std::mutex mutex_;
  bool stopped_ = false;
  std::set<HttpConnection*> live_;
};

}  // namespace scanhook::core
