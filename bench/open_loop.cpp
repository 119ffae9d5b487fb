// An open-loop HTTP load generator for loopback benchmarks: requests are
// scheduled at a constant rate whatever the server does, spread over N
// keep-alive connections (one request in flight on each); a request that
// finds every connection busy waits, and its latency still counts from its
// scheduled time (no coordinated omission). The body's "{n}" becomes the
// request's number (every "{n}"), so every request can name a new folder.
//
// Usage: open_loop PORT PATH [rate=2000] [seconds=10] [connections=64] [body]
//   POSTs BODY (application/json) when given, else GETs. The first second is
//   a warm-up and not counted. Prints the latency percentiles in ms; exits 1
//   when a request failed or was not answered 2xx.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <string>
#include <vector>

#include "loopback.hpp"

namespace {

using Clock = std::chrono::steady_clock;

struct Connection {
  int fd = -1;
  bool busy = false;
  Clock::time_point scheduled;  // of the request in flight
  bool counted = false;         // after the warm-up
  std::string in;
};

std::string request_text(const std::string& path, const std::string& body, std::size_t number) {
  if (body.empty()) return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  std::string filled = body;
  const std::string tag = std::to_string(number);
  for (auto at = filled.find("{n}"); at != std::string::npos; at = filled.find("{n}", at))
    filled.replace(at, 3, tag);
  return "POST " + path +
         " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(filled.size()) + "\r\n\r\n" + filled;
}

bool send_all(int fd, const std::string& text) {
  std::size_t sent = 0;
  while (sent < text.size()) {
    const ssize_t n = ::send(fd, text.data() + sent, text.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

// The length of the complete response at the start of `in` (0 while
// incomplete), and its status.
std::size_t complete_response(const std::string& in, int& status) {
  const auto end = in.find("\r\n\r\n");
  if (end == std::string::npos) return 0;
  status = std::atoi(in.c_str() + 9);  // "HTTP/1.1 200"
  std::size_t length = 0;
  for (std::size_t line = in.find("\r\n") + 2; line < end; line = in.find("\r\n", line) + 2)
    if (strncasecmp(in.c_str() + line, "Content-Length:", 15) == 0)
      length = std::strtoul(in.c_str() + line + 15, nullptr, 10);
  return in.size() >= end + 4 + length ? end + 4 + length : 0;
}

double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  return sorted[std::min(sorted.size() - 1, static_cast<std::size_t>(p * sorted.size()))];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: open_loop PORT PATH [rate] [seconds] [connections] [body]\n");
    return 2;
  }
  const auto port = static_cast<unsigned short>(std::atoi(argv[1]));
  const std::string path = argv[2];
  const double rate = argc > 3 ? std::atof(argv[3]) : 2000;
  const double seconds = argc > 4 ? std::atof(argv[4]) : 10;
  const int connection_count = argc > 5 ? std::atoi(argv[5]) : 64;
  const std::string body = argc > 6 ? argv[6] : "";
  if (rate <= 0 || seconds <= 0 || seconds > 600 || connection_count < 1) {
    std::fprintf(stderr, "open_loop: rate, seconds (up to 600) and connections must be > 0\n");
    return 2;
  }

  const int poller = ::epoll_create1(EPOLL_CLOEXEC);
  std::vector<Connection> connections(static_cast<std::size_t>(connection_count));
  // Least recently used first: a connection left idle for longer than the
  // server's keep-alive timeout (10 s) would be closed under the generator.
  std::deque<Connection*> idle;
  for (auto& connection : connections) {
    connection.fd = connect_to(port);
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.ptr = &connection;
    ::epoll_ctl(poller, EPOLL_CTL_ADD, connection.fd, &event);
    idle.push_back(&connection);
  }

  const auto interval =
      std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / rate));
  const auto start = Clock::now() + std::chrono::milliseconds(10);
  const auto counted_from = start + std::chrono::seconds(1);
  const auto last = start + std::chrono::duration_cast<Clock::duration>(
                                std::chrono::duration<double>(1.0 + seconds));
  std::deque<Clock::time_point> backlog;  // scheduled, waiting for a connection
  std::vector<double> latencies_ms;
  std::size_t scheduled = 0, failed = 0, outstanding = 0, waited = 0;  // waited: sent late
  auto next = start;
  char buffer[65536];
  for (;;) {
    const auto now = Clock::now();
    for (; next <= now && next < last; next += interval) backlog.push_back(next);
    while (!backlog.empty() && !idle.empty()) {
      Connection* connection = idle.front();
      idle.pop_front();
      connection->busy = true;
      connection->scheduled = backlog.front();
      connection->counted = backlog.front() >= counted_from;
      if (Clock::now() - backlog.front() > interval) ++waited;
      backlog.pop_front();
      ++outstanding;
      if (!send_all(connection->fd, request_text(path, body, scheduled++))) {
        std::perror("send");
        return 1;
      }
    }
    if (next >= last && backlog.empty() && outstanding == 0) break;
    const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next - Clock::now());
    const int timeout = next >= last ? 1000
                                     : static_cast<int>(std::max<std::int64_t>(
                                           0, std::min<std::int64_t>(wait.count(), 1000)));
    epoll_event events[64];
    const int ready = ::epoll_wait(poller, events, 64, timeout);
    if (ready == 0 && next >= last) {
      std::fprintf(stderr, "open_loop: %zu requests unanswered after 1 s\n", outstanding);
      return 1;
    }
    for (int i = 0; i < ready; ++i) {
      auto* connection = static_cast<Connection*>(events[i].data.ptr);
      const ssize_t n = ::recv(connection->fd, buffer, sizeof buffer, 0);
      if (n <= 0) {
        std::fprintf(stderr, "open_loop: the server closed a connection\n");
        return 1;
      }
      connection->in.append(buffer, static_cast<std::size_t>(n));
      int status = 0;
      const std::size_t length = complete_response(connection->in, status);
      if (length == 0) continue;
      connection->in.erase(0, length);
      const double ms =
          std::chrono::duration<double, std::milli>(Clock::now() - connection->scheduled).count();
      if (connection->counted) latencies_ms.push_back(ms);
      if (status < 200 || status > 299) ++failed;
      connection->busy = false;
      --outstanding;
      idle.push_back(connection);
    }
  }
  std::sort(latencies_ms.begin(), latencies_ms.end());
  std::printf(
      "%s %s: %.0f req/s scheduled for %.0f s (+1 s warm-up), %zu counted, %zu failed, %zu "
      "sent late (no free connection, or the generator fell behind)\n",
      body.empty() ? "GET" : "POST", path.c_str(), rate, seconds, latencies_ms.size(), failed,
      waited);
  std::printf("latency ms: p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f\n",
              percentile(latencies_ms, 0.50), percentile(latencies_ms, 0.90),
              percentile(latencies_ms, 0.99), percentile(latencies_ms, 0.999),
              latencies_ms.empty() ? 0 : latencies_ms.back());
  for (auto& connection : connections) ::close(connection.fd);
  ::close(poller);
  return failed == 0 ? 0 : 1;
}
