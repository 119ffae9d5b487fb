// The daemon's request reader (core/src/http/http_connection.cpp): request heads
// (Poco's HTTPRequest behind the smuggling checks), Content-Length and
// chunked bodies, pipelined requests, as the reactor drives it. The input is
// the bytes a client sends, through a real socket pair, read in slices whose
// size varies with the input so that every split point is tried.
#include <Poco/Exception.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Net/StreamSocketImpl.h>
#include <Poco/URI.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>

#include "scanhook/core/http/http_connection.hpp"

namespace {

constexpr std::size_t kMaxBody = 64 * 1024;  // the reactor refuses longer Content-Lengths up front

// Sends `data` from `fd` while `connection` reads it; false when the socket failed.
bool send_all(int fd, const std::uint8_t* data, std::size_t size) {
  std::size_t sent = 0;
  while (sent < size) {
    const ssize_t n = ::send(fd, data + sent, size - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 256 * 1024) return -1;  // beyond the socket pair's buffer
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0) std::abort();
  const int buffer = 512 * 1024;
  ::setsockopt(fds[1], SOL_SOCKET, SO_SNDBUF, &buffer, sizeof buffer);
  ::setsockopt(fds[0], SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer);
  if (!send_all(fds[1], data, size)) std::abort();
  ::shutdown(fds[1], SHUT_WR);

  using scanhook::core::HttpConnection;
  const auto now = std::chrono::steady_clock::now();
  HttpConnection connection(Poco::Net::StreamSocket(new Poco::Net::StreamSocketImpl(fds[0])),
                            "127.0.0.1", now, now);
  const std::size_t slice = 1 + size % 97;
  bool open = true;
  for (int steps = 0; steps < 1000000; ++steps) {
    if (open) open = connection.receive(slice);
    const auto step = connection.advance(kMaxBody);
    if (step == HttpConnection::Step::invalid) break;
    if (step == HttpConnection::Step::head_ready) {
      const auto& head = connection.head();
      // What admission and routing read from every head.
      (void)head.getMethod(), (void)head.getURI(), (void)head.getKeepAlive(),
          (void)head.has("Host");
      // What routing reads of the target (HttpServer): only a Poco::Exception is handled there.
      try {
        const Poco::URI uri(head.getURI());
        (void)uri.getPath(), (void)uri.getQueryParameters(), (void)uri.getAuthority();
      } catch (const Poco::Exception&) {
      }
      if (connection.body_length() && *connection.body_length() > kMaxBody) break;
      connection.read_body(now);
      continue;
    }
    if (step == HttpConnection::Step::body_ready) {
      const std::string body = connection.take_body();
      if (body.size() > kMaxBody) std::abort();
      connection.answer();
      connection.next_request(now, now);
      continue;
    }
    if (!open) break;  // step more, and nothing more will come
  }
  ::close(fds[1]);
  return 0;  // the connection closes fds[0]
}
