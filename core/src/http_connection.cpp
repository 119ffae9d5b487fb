#include "scanhook/core/http_connection.hpp"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponseImpl.h>
#include <Poco/Net/HTTPServerSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/TCPServerConnection.h>
#include <Poco/Timestamp.h>
#include <poll.h>

#include <atomic>
#include <cerrno>
#include <memory>

namespace scanhook::core {

namespace {

// True when the socket has something to read (a request, or the peer's close)
// within `timeout`.
bool readable_within(const Poco::Net::StreamSocket& socket, const Poco::Timespan& timeout) {
  pollfd watched{socket.impl()->sockfd(), POLLIN, 0};
  const int milliseconds = static_cast<int>(timeout.totalMilliseconds());
  for (;;) {
    const int ready = ::poll(&watched, 1, milliseconds);
    if (ready >= 0) return ready > 0;
    if (errno != EINTR) return false;
  }
}

// A server session that says whether another request is coming, as
// HTTPServerSession::hasMoreRequests does, with readable_within's one poll().
class KeepAliveSession final : public Poco::Net::HTTPServerSession {
 public:
  KeepAliveSession(const Poco::Net::StreamSocket& socket, Poco::Net::HTTPServerParams::Ptr params)
      : HTTPServerSession(socket, params), keep_alive_timeout_(params->getKeepAliveTimeout()) {}

  bool next_request() {
    if (first_) {
      first_ = false;
      return readable_within(socket(), getTimeout());
    }
    if (!getKeepAlive()) return false;
    return buffered() > 0 || readable_within(socket(), keep_alive_timeout_);
  }

 private:
  Poco::Timespan keep_alive_timeout_;
  bool first_ = true;
};

}  // namespace

class HttpConnection final : public Poco::Net::TCPServerConnection {
 public:
  HttpConnection(const Poco::Net::StreamSocket& socket, HttpConnectionFactory& factory)
      : TCPServerConnection(socket), factory_(factory), stopped_(!factory.add(this)) {}
  ~HttpConnection() override { factory_.remove(this); }

  void run() override {
    Poco::Net::HTTPServerParams::Ptr params = factory_.params_;
    KeepAliveSession session(socket(), params);
    while (!stopped_ && session.next_request()) {
      std::lock_guard lock(serving_);
      if (stopped_) break;
      try {
        Poco::Net::HTTPServerResponseImpl response(session);
        Poco::Net::HTTPServerRequestImpl request(response, session, params);
        response.setDate(Poco::Timestamp());
        response.setVersion(request.getVersion());
        response.setKeepAlive(params->getKeepAlive() && request.getKeepAlive());
        const std::unique_ptr<Poco::Net::HTTPRequestHandler> handler(
            factory_.handlers_->createRequestHandler(request));
        try {
          if (request.getExpectContinue() &&
              response.getStatus() == Poco::Net::HTTPResponse::HTTP_OK)
            response.sendContinue();
          handler->handleRequest(request, response);
          session.setKeepAlive(params->getKeepAlive() && response.getKeepAlive());
        } catch (const Poco::Exception&) {
          if (!response.sent())
            send_error(session, Poco::Net::HTTPResponse::HTTP_INTERNAL_SERVER_ERROR);
          throw;  // the connection ends, as with Poco's own
        }
      } catch (const Poco::Net::NoMessageException&) {
        break;  // the client closed the connection
      } catch (const Poco::Net::MessageException&) {
        send_error(session, Poco::Net::HTTPResponse::HTTP_BAD_REQUEST);
      }
    }
  }

  // Waits for the request being answered, then closes the connection.
  void stop() {
    stopped_ = true;
    std::lock_guard lock(serving_);
    try {
      socket().shutdown();
    } catch (...) {  // already closed by the peer: nothing to stop
    }
  }

 private:
  static void send_error(Poco::Net::HTTPServerSession& session,
                         Poco::Net::HTTPResponse::HTTPStatus status) {
    try {
      Poco::Net::HTTPServerResponseImpl response(session);
      response.setVersion(Poco::Net::HTTPMessage::HTTP_1_1);
      response.setStatusAndReason(status);
      response.setKeepAlive(false);
      response.send();
      session.setKeepAlive(false);
    } catch (const Poco::Exception&) {  // the peer is gone
    }
  }

  HttpConnectionFactory& factory_;
  std::atomic<bool> stopped_;
  std::mutex serving_;  // held while a request is answered
};

HttpConnectionFactory::HttpConnectionFactory(Poco::Net::HTTPServerParams::Ptr params,
                                             Poco::Net::HTTPRequestHandlerFactory::Ptr handlers)
    : params_(std::move(params)), handlers_(std::move(handlers)) {}

Poco::Net::TCPServerConnection* HttpConnectionFactory::createConnection(
    const Poco::Net::StreamSocket& socket) {
  return new HttpConnection(socket, *this);
}

void HttpConnectionFactory::stop_all() {
  std::lock_guard lock(mutex_);
  stopped_ = true;
  for (HttpConnection* connection : live_) connection->stop();
}

bool HttpConnectionFactory::add(HttpConnection* connection) {
  std::lock_guard lock(mutex_);
  if (stopped_) return false;
  live_.insert(connection);
  return true;
}

void HttpConnectionFactory::remove(HttpConnection* connection) {
  std::lock_guard lock(mutex_);
  live_.erase(connection);
}

}  // namespace scanhook::core
