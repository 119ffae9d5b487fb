// The base of every fake server: real HTTP on 127.0.0.1 (port 0 → a free
// port), a handler that answers, every request recorded, and switches to be
// down, slow, or to answer one status for a while.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "scanhook/http.hpp"

namespace Poco::Net {
class HTTPServer;
}

namespace scanhook::fakes {

struct RecordedRequest {
  std::string method;
  std::string path;       // decoded, without the query
  std::string raw_query;  // as sent
  HeaderList query;       // decoded
  HeaderList headers;
  std::string body;
  std::chrono::steady_clock::time_point received;

  std::optional<std::string> header(const std::string& name) const;
  std::optional<std::string> query_param(const std::string& name) const;
};

class FakeHttpServer {
 public:
  using Handler = std::function<HttpReply(const RecordedRequest&)>;

  explicit FakeHttpServer(Handler handler);
  virtual ~FakeHttpServer();
  FakeHttpServer(const FakeHttpServer&) = delete;
  FakeHttpServer& operator=(const FakeHttpServer&) = delete;

  unsigned short port() const { return port_; }
  std::string url() const;  // http://127.0.0.1:<port>

  std::vector<RecordedRequest> requests() const;
  // Requests whose method and path match exactly.
  std::vector<RecordedRequest> requests_to(const std::string& method,
                                           const std::string& path) const;
  void clear_requests();

  // Down: the port is closed (connection refused). Up again on the same port.
  void set_down(bool down);
  void set_delay(std::chrono::milliseconds delay);
  // Answer every request with this status (and Retry-After if given) until cleared.
  void fail_with(int status, std::optional<int> retry_after_seconds = std::nullopt);
  // Answer every request with `reply` until cleared: what a proxy in front of
  // the server says (its 404 page, a redirect, an HTML 502).
  void fail_with(HttpReply reply);
  // Answer only `method` `path` with `reply` until cleared: a proxy in front
  // of the server that lets some requests through (nginx's limit_except GET
  // answers every POST 403 with its page).
  void fail_route_with(std::string method, std::string path, HttpReply reply);
  void clear_failure();  // both kinds

 private:
  void start();
  void stop();
  HttpReply answer(const RecordedRequest& request);
  friend class FakeRequestHandler;

  Handler handler_;
  unsigned short port_ = 0;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  int in_flight_ = 0;
  bool stopping_ = false;
  std::vector<RecordedRequest> requests_;
  std::chrono::milliseconds delay_{0};
  std::optional<HttpReply> failure_;
  std::map<std::pair<std::string, std::string>, HttpReply> route_failures_;  // by method, path
};

}  // namespace scanhook::fakes
