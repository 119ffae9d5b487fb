#include "scanhook/core/http_server.hpp"

#include <Poco/Exception.h>
#include <Poco/Logger.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/IPAddress.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/TCPServer.h>
#include <Poco/URI.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <shared_mutex>
#include <stdexcept>
#include <thread>
#include <unordered_map>

#include "scanhook/config_value.hpp"
#include "scanhook/core/http_connection.hpp"
#include "scanhook/core/security_headers.hpp"
#include "scanhook/core/utf8_text.hpp"

namespace scanhook::core {

namespace {

const std::vector<double> kLatencyBounds = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                            0.05,   0.1,   0.25,   0.5,   1,    2.5};

enum class BodyRead { complete, too_large, cut_short };

// Reads at most `limit` bytes of the body. `expected` (the Content-Length, if
// any) sizes the string, up to 1 MiB before any of it has arrived; a body
// that ends before it, or a read that fails (timeout, reset), is cut short.
BodyRead read_body(std::istream& in, std::size_t limit, std::optional<std::size_t> expected,
                   std::string& body) {
  body.clear();
  body.reserve(std::min({expected.value_or(0), limit, std::size_t{1} << 20}) + 1);
  char buffer[8192];
  while (in) {
    in.read(buffer, sizeof buffer);
    body.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (body.size() > limit) return BodyRead::too_large;
  }
  if (in.bad() || (expected && body.size() != *expected)) return BodyRead::cut_short;
  return BodyRead::complete;
}

// The request counter of each (route, status) and the latency histogram of
// each route, looked up in the registry once: Metrics::counter() builds a
// label map and takes the registry's lock, too much for every request.
class RequestMetrics {
 public:
  explicit RequestMetrics(Metrics& metrics) : metrics_(metrics) {}

  void record(const std::string& route, int status, double seconds) {
    Slot* slot = find(route, status);
    if (slot == nullptr) slot = add(route, status);
    slot->requests->add();
    slot->latency->observe(seconds);
  }

 private:
  struct Slot {
    Counter* requests;
    Histogram* latency;
  };

  // Into a thread's own buffer: no allocation once it has grown.
  static const std::string& key_of(const std::string& route, int status) {
    thread_local std::string key;
    key.assign(std::to_string(status)).append(1, ' ').append(route);
    return key;
  }

  Slot* find(const std::string& route, int status) {
    const std::string& key = key_of(route, status);
    std::shared_lock lock(mutex_);
    const auto found = slots_.find(key);
    return found == slots_.end() ? nullptr : &found->second;
  }

  Slot* add(const std::string& route, int status) {
    Slot slot{
        &metrics_.counter("scanhook_http_requests_total", "HTTP requests answered",
                          {{"route", route}, {"status", std::to_string(status)}}),
        &metrics_.histogram("scanhook_http_request_duration_seconds",
                            "Time to answer an HTTP request", kLatencyBounds, {{"route", route}})};
    std::unique_lock lock(mutex_);
    return &slots_.emplace(key_of(route, status), slot).first->second;
  }

  Metrics& metrics_;
  std::shared_mutex mutex_;
  std::unordered_map<std::string, Slot> slots_;  // nodes: a Slot* stays valid
};

// The security headers a reply does not set itself (its own value wins).
void add_security_headers(HttpReply& reply) {
  for (const auto& [name, value] : security_headers()) {
    const bool own =
        std::any_of(reply.headers.begin(), reply.headers.end(),
                    [&name = name](const auto& header) { return iequals(header.first, name); });
    if (!own) reply.headers.emplace_back(name, value);
  }
}

HttpReply with_header(HttpReply reply, const std::string& name, const std::string& value) {
  reply.headers.emplace_back(name, value);
  return reply;
}

// Reads each request into an HttpRequest, routes it, checks access, and
// hands the route a Respond whose reply goes to the request's ReplyWriter,
// with the security headers, the request metrics and the access log line.
class RoutedAnswerer : public std::enable_shared_from_this<RoutedAnswerer> {
 public:
  RoutedAnswerer(HttpServerOptions options, const Router& router, Metrics& metrics,
                 const UserCheck& user_check)
      : options_(std::move(options)), router_(router), metrics_(metrics), user_check_(user_check) {}

  void answer(Poco::Net::HTTPServerRequest& in, const std::shared_ptr<ReplyWriter>& writer) {
    const auto started = std::chrono::steady_clock::now();
    HttpRequest request;
    request.method = in.getMethod();
    request.remote_address = in.clientAddress().toString();
    std::string logged_path;  // the path as logs show it (a secret route's is redacted)
    Routed routed = read_and_route(in, request, logged_path);
    const std::string route_label = routed.route ? routed.route->pattern : "unmatched";

    // May run on another thread after this connection is gone: it keeps what it uses.
    const Respond respond([self = shared_from_this(), writer, method = request.method,
                           remote = request.remote_address, route_label, started,
                           logged_path](HttpReply reply) {
      add_security_headers(reply);
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      self->metrics_.record(route_label, reply.status, seconds);
      if (self->options_.access_log) {
        // The query is left out: it may carry a token.
        Poco::Logger::get("scanhook.http")
            .information("%s \"%s %s\" %d %z %.1fms", remote, method, logged_path, reply.status,
                         reply.body.size(), seconds * 1000);
      }
      writer->send(reply);
    });
    if (routed.early_reply) {
      respond(std::move(*routed.early_reply));
      return;
    }
    try {
      routed.route->handler(request, routed.params, respond);
    } catch (const std::exception& error) {
      Poco::Logger::get("scanhook.http")
          .error("%s %s failed: %s", request.method, logged_path, std::string(error.what()));
      respond(json_error(500, "internal error; see the daemon's log"));
    }
  }

 private:
  struct Routed {
    const Route* route = nullptr;  // the matched route, if any
    RouteParams params;
    std::optional<HttpReply> early_reply;  // refused before the route runs
  };

  // Reads the request (URI, headers, body) and finds its route; or the reply
  // that refuses it (bad URI, body too large, no such route, access).
  Routed read_and_route(Poco::Net::HTTPServerRequest& in, HttpRequest& request,
                        std::string& logged_path) {
    Routed routed;
    try {
      const Poco::URI uri(in.getURI());
      request.path = uri.getPath();
      for (const auto& [key, value] : uri.getQueryParameters())
        request.query.emplace_back(key, value);
    } catch (const Poco::Exception& error) {
      // Not logged as sent: it may be a secret route's, unrecognised.
      logged_path = "(an invalid URI)";
      routed.early_reply =
          json_error(400, "the request URI is not valid: " + utf8_text(error.message()));
      return routed;
    }
    const RouteLookup lookup = router_.find(request.method, request.path);
    logged_path = lookup.redacted_path.empty() ? request.path : lookup.redacted_path;
    for (const auto& [name, value] : in) request.headers.emplace_back(name, value);

    if (in.hasContentLength() &&
        in.getContentLength64() > static_cast<Poco::Int64>(options_.max_body_size)) {
      routed.early_reply = body_too_large();
      return routed;
    }
    // Without a length or chunking there is no body (reading would wait for close).
    if (in.hasContentLength() || in.getChunkedTransferEncoding()) {
      const auto expected = in.hasContentLength()
                                ? std::optional<std::size_t>(in.getContentLength64())
                                : std::nullopt;
      switch (read_body(in.stream(), options_.max_body_size, expected, request.body)) {
        case BodyRead::complete: break;
        case BodyRead::too_large: routed.early_reply = body_too_large(); return routed;
        case BodyRead::cut_short:
          routed.early_reply = json_error(
              400, "the request body ended early (" + std::to_string(request.body.size()) +
                       (expected ? " of " + std::to_string(*expected) : std::string()) +
                       " bytes arrived)");
          return routed;
      }
    }

    if (lookup.route == nullptr) {
      if (!lookup.allowed_methods.empty()) {
        std::string allow;
        for (const auto& method : lookup.allowed_methods)
          allow += (allow.empty() ? "" : ", ") + method;
        routed.early_reply = with_header(
            json_error(405, request.method + " is not allowed here; use " + allow), "Allow", allow);
      } else {
        routed.early_reply = json_error(404, "no such route: " + utf8_text(request.path));
      }
      return routed;
    }
    routed.route = lookup.route;  // labels the metrics, also when access is refused
    if (lookup.route->access == Access::user) {
      const UserVerdict verdict = user_check_(request);
      if (verdict.outcome == UserVerdict::refused) {
        routed.early_reply = json_error(403, verdict.message);
        return routed;
      }
      if (verdict.outcome == UserVerdict::too_many_attempts) {
        routed.early_reply = with_header(json_error(429, verdict.message), "Retry-After",
                                         std::to_string(verdict.retry_after.count()));
        return routed;
      }
      if (verdict.outcome == UserVerdict::needs_login) {
        HttpReply reply = json_error(401, verdict.message);
        if (verdict.basic_challenge)
          reply.headers.emplace_back("WWW-Authenticate",
                                     "Basic realm=\"scanhook\", charset=\"UTF-8\"");
        routed.early_reply = std::move(reply);
        return routed;
      }
    }
    routed.params = lookup.params;
    return routed;
  }

  HttpReply body_too_large() const {
    return json_error(413, "the request body is larger than max_body_size (" +
                               std::to_string(options_.max_body_size) + " bytes)");
  }

  const HttpServerOptions options_;
  const Router& router_;
  RequestMetrics metrics_;
  const UserCheck& user_check_;
};

}  // namespace

HttpServer::HttpServer(HttpServerOptions options, const Router& router, Metrics& metrics,
                       UserCheck user_check)
    : options_(std::move(options)),
      router_(router),
      metrics_(metrics),
      user_check_(std::move(user_check)) {}

HttpServer::~HttpServer() {
  stop();
}

void HttpServer::start() {
  Poco::Net::ServerSocket socket;
  // SO_REUSEPORT stays off: a second daemon on the same port must fail, not share it.
  socket.bind(Poco::Net::SocketAddress(options_.host, options_.port), /*reuseAddress=*/true,
              /*reusePort=*/false);
  socket.listen(256);
  port_ = socket.address().port();
  // An AutoPtr: the server and the connection factory each keep a reference.
  Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(options_.threads);
  params->setMaxQueued(1024);
  params->setKeepAlive(true);
  params->setMaxKeepAliveRequests(0);
  const Poco::Timespan timeout(
      std::chrono::duration_cast<std::chrono::microseconds>(options_.timeout).count());
  params->setTimeout(timeout);
  params->setKeepAliveTimeout(Poco::Timespan(10, 0));
  auto answerer = std::make_shared<RoutedAnswerer>(options_, router_, metrics_, user_check_);
  connections_ =
      new HttpConnectionFactory(params, [answerer](Poco::Net::HTTPServerRequest& request,
                                                   const std::shared_ptr<ReplyWriter>& writer) {
        answerer->answer(request, writer);
      });
  server_ = std::make_unique<Poco::Net::TCPServer>(connections_, socket, params);
  server_->start();
}

void HttpServer::stop() {
  if (!server_) return;
  server_->stop();
  connections_->stop_all();
  // Let requests in flight finish (they may be committing a webhook).
  for (int i = 0; i < 100 && server_->currentConnections() > 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  server_.reset();
  connections_ = nullptr;
}

std::pair<std::string, unsigned short> parse_listen_address(const std::string& listen) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0)
    throw std::invalid_argument("listen must be address:port, e.g. 127.0.0.1:3030; found \"" +
                                listen + "\"");
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  const auto port = parse_integer(listen.substr(colon + 1));
  if (!port || *port < 0 || *port > 65535)
    throw std::invalid_argument("listen has no valid port (0-65535): \"" + listen + "\"");
  try {
    Poco::Net::IPAddress parsed(host);
  } catch (const Poco::Exception&) {
    if (host != "localhost")
      throw std::invalid_argument("listen needs an IP address (or localhost), found \"" + host +
                                  "\"");
  }
  return {host, static_cast<unsigned short>(*port)};
}

bool is_loopback_host(const std::string& host) {
  if (host == "localhost") return true;
  try {
    return Poco::Net::IPAddress(host).isLoopback();
  } catch (const Poco::Exception&) {
    return false;
  }
}

}  // namespace scanhook::core
