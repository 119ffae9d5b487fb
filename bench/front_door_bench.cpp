// The front door under idle and slow clients, against a running scanhookd:
//   1. /health and a Sonarr webhook, one request per new connection, with no
//      other client (the baseline of this run);
//   2. IDLE connections opened and left silent: the daemon's RSS before and
//      after (VmRSS of PID), and how many it holds (its
//      scanhook_http_connections gauge);
//   3. SLOW more connections, each sending one header line every second;
//   4. /health and the webhook again, with all of them connected.
// Every webhook names a new series folder (no coalescing). It raises its own
// open-files limit to the hard limit. All of it must end within the daemon's
// header_timeout (10 s by default), or the idle connections are closed.
//
// Usage: front_door_bench PORT PID [idle=1000] [slow=100] [samples=41]
//   Run from the repository root (it reads tests/data/sonarr/v4/download.json);
//   the daemon needs [source.sonarr] with no token and no [server] credentials.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "loopback.hpp"

namespace {

using Clock = std::chrono::steady_clock;

void send_all(int fd, const std::string& bytes) {
  for (std::size_t at = 0; at < bytes.size();) {
    const ssize_t sent = ::send(fd, bytes.data() + at, bytes.size() - at, MSG_NOSIGNAL);
    if (sent <= 0) {
      std::perror("send");
      std::exit(2);
    }
    at += static_cast<std::size_t>(sent);
  }
}

struct Reply {
  int status = 0;
  std::string body;
  double ms = 0;
};

// One request on a new connection (Connection: close), timed from connect to
// the last byte; status 0 when no reply came within 10 s.
Reply call(unsigned short port, const std::string& request) {
  const auto started = Clock::now();
  const int fd = connect_to(port);
  const timeval patience{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &patience, sizeof patience);
  send_all(fd, request);
  std::string text;
  char buffer[16384];
  for (ssize_t got; (got = ::recv(fd, buffer, sizeof buffer, 0)) > 0;)
    text.append(buffer, static_cast<std::size_t>(got));
  ::close(fd);
  Reply reply;
  reply.ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
  if (text.size() > 12) reply.status = std::atoi(text.c_str() + 9);
  const auto body = text.find("\r\n\r\n");
  if (body != std::string::npos) reply.body = text.substr(body + 4);
  return reply;
}

std::string get(const std::string& path) {
  return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
}

std::string sonarr_request(const std::string& fixture, int number) {
  std::string body = fixture;
  const std::string folder = "\"/tv/Severance";
  const std::string renamed = folder + " " + std::to_string(number) + "-" +
                              std::to_string(Clock::now().time_since_epoch().count());
  for (auto at = body.find(folder); at != std::string::npos;
       at = body.find(folder, at + renamed.size()))
    body.replace(at, folder.size(), renamed);
  return "POST /triggers/sonarr HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
         "User-Agent: Sonarr/4.0.14.2939 (ubuntu 22.04)\r\nContent-Type: application/json\r\n"
         "Content-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

double rss_kib(int pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::atof(line.c_str() + 6);
  return -1;
}

double held_connections(unsigned short port) {
  const Reply metrics = call(port, get("/metrics"));
  const std::string name = "\nscanhook_http_connections ";
  const auto at = metrics.body.find(name);
  return at == std::string::npos ? -1 : std::atof(metrics.body.c_str() + at + name.size()) - 1;
}

struct Figures {
  double median = 0;
  double p90 = 0;
  int failed = 0;
};

Figures figures(std::vector<Reply> replies) {
  std::sort(replies.begin(), replies.end(),
            [](const Reply& a, const Reply& b) { return a.ms < b.ms; });
  Figures out;
  out.median = replies[replies.size() / 2].ms;
  out.p90 = replies[replies.size() * 9 / 10].ms;
  for (const auto& reply : replies) out.failed += reply.status / 100 != 2;
  return out;
}

struct Round {
  Figures health;
  Figures sonarr;
};

int next_number = 0;

// `samples` of each, alternating; `between` runs after each pair (the slow clients' lines).
template <class Between>
Round measure(unsigned short port, const std::string& fixture, int samples, Between between) {
  std::vector<Reply> health;
  std::vector<Reply> sonarr;
  for (int i = 0; i < samples; ++i) {
    health.push_back(call(port, get("/health")));
    sonarr.push_back(call(port, sonarr_request(fixture, ++next_number)));
    between();
  }
  return {figures(health), figures(sonarr)};
}

void print(const char* name, const Round& round) {
  std::printf(
      "%-34s /health median %6.2f ms p90 %6.2f ms | sonarr median %6.2f ms p90 %6.2f ms"
      " | failed %d\n",
      name, round.health.median, round.health.p90, round.sonarr.median, round.sonarr.p90,
      round.health.failed + round.sonarr.failed);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s PORT PID [idle=1000] [slow=100] [samples=41]\n", argv[0]);
    return 2;
  }
  const auto port = static_cast<unsigned short>(std::atoi(argv[1]));
  const int pid = std::atoi(argv[2]);
  const int idle_count = argc > 3 ? std::atoi(argv[3]) : 1000;
  const int slow_count = argc > 4 ? std::atoi(argv[4]) : 100;
  const int samples = argc > 5 ? std::atoi(argv[5]) : 41;
  rlimit limit{};
  ::getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &limit);
  std::ifstream file("tests/data/sonarr/v4/download.json", std::ios::binary);
  std::stringstream text;
  text << file.rdbuf();
  const std::string fixture = text.str();
  if (fixture.empty()) {
    std::fprintf(stderr, "run from the repository root\n");
    return 2;
  }

  const Round quiet = measure(port, fixture, samples, [] {});
  const double rss_before = rss_kib(pid);
  std::vector<int> idle;
  for (int i = 0; i < idle_count; ++i) idle.push_back(connect_to(port));
  ::usleep(500 * 1000);
  const double rss_after = rss_kib(pid);
  const double held = held_connections(port);

  std::vector<int> slow;
  for (int i = 0; i < slow_count; ++i) {
    slow.push_back(connect_to(port));
    send_all(slow.back(), "POST /triggers/sonarr HTTP/1.1\r\n");
  }
  auto last_line = Clock::now();
  int line = 0;
  const Round loaded = measure(port, fixture, samples, [&] {
    if (Clock::now() - last_line < std::chrono::seconds(1)) return;
    last_line = Clock::now();
    ++line;
    for (const int fd : slow) send_all(fd, "X-Slow-" + std::to_string(line) + ": 1\r\n");
  });
  const double held_at_end = held_connections(port);

  std::printf(
      "idle connections opened %d, held by the daemon %.0f (%.0f at the end, with %d slow)\n",
      idle_count, held, held_at_end, slow_count);
  std::printf("daemon RSS %.0f KiB -> %.0f KiB: %.2f KiB per idle connection held\n", rss_before,
              rss_after, (rss_after - rss_before) / held);
  print("no other clients", quiet);
  print("idle + slow clients connected", loaded);
  std::printf("loaded / quiet medians: /health %.2f, sonarr %.2f\n",
              loaded.health.median / quiet.health.median,
              loaded.sonarr.median / quiet.sonarr.median);
  for (const int fd : idle) ::close(fd);
  for (const int fd : slow) ::close(fd);
  return loaded.health.failed + loaded.sonarr.failed + quiet.health.failed + quiet.sonarr.failed >
         0;
}
