#include "scanhook/core/http_connection.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponseImpl.h>
#include <Poco/Net/HTTPServerSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/TCPServerConnection.h>
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
      if (stopped_ || !finish_previous()) break;
      try {
        Poco::Net::HTTPServerResponseImpl response(session);
        Poco::Net::HTTPServerRequestImpl request(response, session, params);
        const bool keep_alive = params->getKeepAlive() && request.getKeepAlive();
        session.setKeepAlive(keep_alive);
        previous_ = std::make_shared<ReplyWriter>(
            socket(), ReplyFraming{request.getVersion() == Poco::Net::HTTPMessage::HTTP_1_0,
                                   keep_alive, request.getMethod() == "HEAD"});
        if (request.getExpectContinue()) response.sendContinue();
        factory_.answer_(request, previous_);
        // A reply given already (every route's but the ingest's) is finished
        // now: what the socket did not take at once would otherwise wait for a
        // next request, which the client sends only once it has this reply.
        if (previous_->sent() && !finish_previous()) break;
      } catch (const Poco::Net::NoMessageException&) {
        break;  // the client closed the connection
      } catch (const Poco::Net::MessageException&) {
        answer_and_close(json_error(400, "the request is not valid HTTP"));
        break;
      } catch (const Poco::SyntaxException&) {  // Poco's reading of Content-Length
        answer_and_close(json_error(400,
                                    "the request is not valid HTTP: a Content-Length that is "
                                    "not a number"));
        break;
      } catch (const Poco::Exception&) {
        // Reading the request failed part-way (timeout, reset): as with Poco's
        // own connection, answer 500 if nothing was answered, and end.
        answer_and_close(json_error(500, "the request could not be read"));
        break;
      }
    }
    std::lock_guard lock(serving_);
    finish_previous();
  }

  // Lets the request being answered finish (its reply, even a deferred one,
  // is written), then closes the connection.
  void stop() {
    stopped_ = true;
    std::lock_guard lock(serving_);
    finish_previous();
    try {
      socket().shutdown();
    } catch (...) {  // already closed by the peer: nothing to stop
    }
  }

 private:
  // Waits for the last request's reply and writes it; false when the
  // connection must close. Called with serving_ held.
  bool finish_previous() {
    if (!previous_) return true;
    const bool keep_open = previous_->finish();
    previous_.reset();
    return keep_open;
  }

  // The connection ends after this reply (ignored if the request was answered).
  void answer_and_close(const HttpReply& reply) {
    if (!previous_)
      previous_ = std::make_shared<ReplyWriter>(socket(), ReplyFraming{false, false, false});
    previous_->send(reply);
  }

  HttpConnectionFactory& factory_;
  std::atomic<bool> stopped_;
  std::mutex serving_;                     // held while a request is read and answered
  std::shared_ptr<ReplyWriter> previous_;  // the last request's reply, perhaps not yet given
};

HttpConnectionFactory::HttpConnectionFactory(Poco::Net::HTTPServerParams::Ptr params,
                                             AnswerRequest answer)
    : params_(std::move(params)), answer_(std::move(answer)) {}

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
