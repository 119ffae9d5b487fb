#include "fakes/fake_http_server.hpp"

#include <Poco/Net/HTMLForm.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <sstream>

namespace scanhook::fakes {

std::optional<std::string> RecordedRequest::header(const std::string& name) const {
  for (const auto& [key, value] : headers)
    if (iequals(key, name)) return value;
  return std::nullopt;
}

std::optional<std::string> RecordedRequest::query_param(const std::string& name) const {
  for (const auto& [key, value] : query)
    if (key == name) return value;
  return std::nullopt;
}

class FakeRequestHandler final : public Poco::Net::HTTPRequestHandler {
 public:
  explicit FakeRequestHandler(FakeHttpServer& server) : server_(server) {}

  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override {
    RecordedRequest recorded;
    recorded.method = request.getMethod();
    const Poco::URI uri(request.getURI());
    recorded.path = uri.getPath();
    recorded.raw_query = uri.getRawQuery();
    for (const auto& [key, value] : uri.getQueryParameters())
      recorded.query.emplace_back(key, value);
    for (const auto& [key, value] : request) recorded.headers.emplace_back(key, value);
    // RFC 9112 6.3: a request with neither Content-Length nor chunked coding has
    // no body (`curl -X POST` sends such); Poco's stream would instead wait for
    // the connection to close, holding the answer until its 60 s timeout.
    if (request.hasContentLength() || request.getChunkedTransferEncoding()) {
      std::ostringstream body;
      Poco::StreamCopier::copyStream(request.stream(), body);
      recorded.body = body.str();
    }
    recorded.received = std::chrono::steady_clock::now();

    const HttpReply reply = server_.answer(recorded);
    response.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(reply.status));
    for (const auto& [key, value] : reply.headers) response.set(key, value);
    if (reply.status == 204 || reply.body.empty()) {
      response.setContentLength(0);
      response.send();
      return;
    }
    response.setContentType(reply.content_type);
    response.setContentLength(static_cast<std::streamsize>(reply.body.size()));
    response.send() << reply.body;
  }

 private:
  FakeHttpServer& server_;
};

namespace {

class FakeHandlerFactory final : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit FakeHandlerFactory(FakeHttpServer& server) : server_(server) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new FakeRequestHandler(server_);
  }

 private:
  FakeHttpServer& server_;
};

}  // namespace

FakeHttpServer::FakeHttpServer(Handler handler) : handler_(std::move(handler)) {
  start();
}

FakeHttpServer::~FakeHttpServer() {
  stop();
}

std::string FakeHttpServer::url() const {
  return "http://127.0.0.1:" + std::to_string(port_);
}

void FakeHttpServer::start() {
  Poco::Net::ServerSocket socket;
  socket.bind(Poco::Net::SocketAddress("127.0.0.1", port_), /*reuseAddress=*/true,
              /*reusePort=*/false);
  socket.listen(64);
  port_ = socket.address().port();
  auto params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(8);
  params->setKeepAlive(false);
  server_ = std::make_unique<Poco::Net::HTTPServer>(new FakeHandlerFactory(*this), socket, params);
  server_->start();
}

void FakeHttpServer::stop() {
  if (!server_) return;
  std::unique_lock lock(mutex_);
  stopping_ = true;
  changed_.notify_all();
  lock.unlock();
  server_->stopAll(true);
  // Poco does not wait for running handlers; they use this object.
  lock.lock();
  changed_.wait(lock, [this] { return in_flight_ == 0; });
  stopping_ = false;
  lock.unlock();
  server_.reset();
}

void FakeHttpServer::set_down(bool down) {
  if (down)
    stop();
  else if (!server_)
    start();
}

HttpReply FakeHttpServer::answer(const RecordedRequest& request) {
  std::unique_lock lock(mutex_);
  ++in_flight_;
  requests_.push_back(request);
  auto failure = failure_;
  if (const auto route = route_failures_.find({request.method, request.path});
      !failure && route != route_failures_.end())
    failure = route->second;
  if (delay_.count() > 0) changed_.wait_for(lock, delay_, [this] { return stopping_; });
  lock.unlock();
  HttpReply reply;
  if (failure) {
    reply = *failure;
  } else {
    reply = handler_(request);
  }
  lock.lock();
  --in_flight_;
  changed_.notify_all();
  return reply;
}

std::vector<RecordedRequest> FakeHttpServer::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

std::vector<RecordedRequest> FakeHttpServer::requests_to(const std::string& method,
                                                         const std::string& path) const {
  std::lock_guard lock(mutex_);
  std::vector<RecordedRequest> matching;
  for (const auto& request : requests_)
    if (request.method == method && request.path == path) matching.push_back(request);
  return matching;
}

void FakeHttpServer::clear_requests() {
  std::lock_guard lock(mutex_);
  requests_.clear();
}

void FakeHttpServer::set_delay(std::chrono::milliseconds delay) {
  std::lock_guard lock(mutex_);
  delay_ = delay;
}

void FakeHttpServer::fail_with(int status, std::optional<int> retry_after_seconds) {
  std::lock_guard lock(mutex_);
  HttpReply reply = json_error(status, "injected failure");
  if (retry_after_seconds)
    reply.headers.emplace_back("Retry-After", std::to_string(*retry_after_seconds));
  failure_ = std::move(reply);
}

void FakeHttpServer::fail_with(HttpReply reply) {
  std::lock_guard lock(mutex_);
  failure_ = std::move(reply);
}

void FakeHttpServer::fail_route_with(std::string method, std::string path, HttpReply reply) {
  std::lock_guard lock(mutex_);
  route_failures_[{std::move(method), std::move(path)}] = std::move(reply);
}

void FakeHttpServer::clear_failure() {
  std::lock_guard lock(mutex_);
  failure_.reset();
  route_failures_.clear();
}

}  // namespace scanhook::fakes
