// The HTTP server's front door: one thread that accepts connections and
// reads their requests as bytes arrive (Poco's PollSet), so that no thread
// waits for a slow or idle client. Only a request whose head and body are
// both in reaches a worker. It enforces the deadlines (whole head, body by
// size, keep-alive idle, reply write) and the connection limits, closing the
// longest-idle connections first when a limit is reached.
#pragma once

#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <thread>

#include "scanhook/core/http/reply_writer.hpp"
#include "scanhook/core/http/worker_pool.hpp"
#include "scanhook/core/pipeline/metrics.hpp"

namespace scanhook::core {

// The [server] keys of the front door; the defaults are the INI's.
struct ConnectionLimits {
  std::chrono::milliseconds header_timeout{std::chrono::seconds(10)};  // the whole head
  std::chrono::milliseconds keep_alive_timeout{std::chrono::seconds(10)};
  // The body's deadline is request_timeout plus its size at min_body_rate;
  // a reply's rest must be taken by the client within request_timeout.
  std::chrono::milliseconds request_timeout{std::chrono::seconds(30)};
  std::size_t min_body_rate = 64 * 1024;  // bytes per second
  std::size_t max_body_size = 16 * 1024 * 1024;
  std::size_t max_connections = 4096;
  std::size_t max_connections_per_client = 2048;  // by IP address (a proxy is one client)
};

// The server's side of one request, made from its head before any of its body is read.
class PendingRequest {
 public:
  virtual ~PendingRequest() = default;
  // Refused from the head alone (route, size, credentials): its body is never read.
  virtual bool refused() const = 0;
  // Answers through `writer`: the refusal, or the route given the body.
  virtual void answer(std::string body, const std::shared_ptr<ReplyWriter>& writer) = 0;
  // The body could not be read whole: answers `reply` in place of the route.
  virtual void fail(HttpReply reply, const std::shared_ptr<ReplyWriter>& writer) = 0;
};

// Called on the reactor's thread once a head is in: keep it cheap (no I/O).
using AdmitRequest = std::function<std::unique_ptr<PendingRequest>(
    const Poco::Net::HTTPRequest& head, const Poco::Net::SocketAddress& peer)>;

class ConnectionReactor {
 public:
  ConnectionReactor(Poco::Net::ServerSocket listener, ConnectionLimits limits, AdmitRequest admit,
                    WorkerPool& workers, Metrics& metrics);
  ~ConnectionReactor();
  ConnectionReactor(const ConnectionReactor&) = delete;
  ConnectionReactor& operator=(const ConnectionReactor&) = delete;

  void start();
  // Stops accepting (handshakes already under way are still accepted, for
  // 100 ms), closes idle keep-alive connections and event streams at once,
  // gives a request being read (or a new connection's) 1 s to arrive whole,
  // else answers 503 with Retry-After; requests taken are answered. After
  // `grace` every connection left is closed.
  void stop(std::chrono::milliseconds grace);

 private:
  class Loop;
  std::shared_ptr<Loop> loop_;
  std::thread thread_;
};

}  // namespace scanhook::core
