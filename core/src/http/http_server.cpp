#include "scanhook/core/http/http_server.hpp"

#include <Poco/Exception.h>
#include <Poco/Logger.h>
#include <Poco/Net/IPAddress.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/String.h>
#include <Poco/URI.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <shared_mutex>
#include <stdexcept>
#include <unordered_map>

#include "scanhook/config_value.hpp"
#include "scanhook/core/app/log_excerpt.hpp"
#include "scanhook/core/http/http_connection.hpp"
#include "scanhook/core/http/security_headers.hpp"
#include "scanhook/core/http/worker_pool.hpp"
#include "scanhook/core/text/utf8_text.hpp"

namespace scanhook::core {

namespace {

// Connections beyond the listed ones: the database, plugins' HTTP clients, logs.
constexpr rlim_t kOtherDescriptors = 256;

// Lifts the soft open-files limit (often 1,024) towards the hard one, so
// that max_connections can be open; says so when the hard limit is lower.
void raise_open_files_limit(std::size_t max_connections) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  const rlim_t wanted = static_cast<rlim_t>(max_connections) + kOtherDescriptors;
  if (limit.rlim_cur >= wanted) return;
  limit.rlim_cur = limit.rlim_max == RLIM_INFINITY ? wanted : std::min(wanted, limit.rlim_max);
  ::setrlimit(RLIMIT_NOFILE, &limit);
  if (limit.rlim_cur < wanted)
    Poco::Logger::get("scanhook.http")
        .warning(
            "the open-files limit is %?u: fewer than max_connections (%z) can be open; "
            "raise LimitNOFILE",
            static_cast<std::uint64_t>(limit.rlim_cur), max_connections);
}

const std::vector<double> kLatencyBounds = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                            0.05,   0.1,   0.25,   0.5,   1,    2.5};

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

// A body sent compressed (RFC 9110 section 8.4): no product scanhook serves
// compresses its webhooks, and a body read as it came would be refused as
// unparseable, so the sender is told at once. 415 with Accept-Encoding, as
// RFC 9110 section 15.5.16 has it; the body is not read.
HttpReply unsupported_encoding(const std::string& coding) {
  const std::string shown = utf8_text(Poco::trim(coding).substr(0, 64));
  return with_header(json_error(415, "the request body is sent with Content-Encoding: " + shown +
                                         "; this server reads bodies uncompressed only: send it "
                                         "without Content-Encoding"),
                     "Accept-Encoding", "identity");
}

// An absolute-form target ("GET http://host:port/path") names the host the
// request is for, and RFC 9112 section 3.2.2 has the server use it and
// ignore the Host header: it becomes the Host the access checks read. Any
// other scheme is a 400.
std::optional<HttpReply> use_target_authority(const Poco::URI& uri, HeaderList& headers) {
  if (uri.getScheme().empty()) return std::nullopt;
  if (uri.getScheme() != "http" && uri.getScheme() != "https")
    return json_error(400, "the request target must be a path or an http(s) URL");
  std::string authority = uri.getAuthority();
  authority.erase(0, authority.rfind('@') + 1);  // user info, if any, is no part of the host
  headers.erase(std::remove_if(headers.begin(), headers.end(),
                               [](const auto& header) { return iequals(header.first, "Host"); }),
                headers.end());
  headers.emplace_back("Host", authority);
  return std::nullopt;
}

struct Routed {
  const Route* route = nullptr;  // the matched route, if any
  RouteParams params;
  std::optional<HttpReply> early_reply;  // refused before the route runs
  bool read_body = false;                // refused, but only once the body is read
  std::optional<std::string> keep;       // why the route's keep_refused keeps it
  std::string logged_path;               // the path as logs show it (a secret route's is redacted)
};

// Makes a PendingRequest of each head: routes it and checks access before
// its body is read; then hands the route a Respond whose reply goes to the
// request's ReplyWriter, with the security headers, the request metrics and
// the access log line.
class RoutedAnswerer : public std::enable_shared_from_this<RoutedAnswerer> {
 public:
  RoutedAnswerer(HttpServerOptions options, const Router& router, Metrics& metrics,
                 const AccessCheck& access_check)
      : options_(std::move(options)),
        router_(router),
        metrics_(metrics),
        access_check_(access_check) {}

  std::unique_ptr<PendingRequest> admit(const Poco::Net::HTTPRequest& head,
                                        const Poco::Net::SocketAddress& peer);

  Routed route(const Poco::Net::HTTPRequest& head, HttpRequest& request) const;

  // The Respond of one request: the reply goes out through `writer`, counted and logged.
  Respond respond_through(const std::shared_ptr<ReplyWriter>& writer, const HttpRequest& request,
                          const std::string& route_label, const std::string& logged_path,
                          std::chrono::steady_clock::time_point started) {
    // May run on another thread after the request's worker is done: it keeps what it uses.
    auto finish = [self = shared_from_this(), method = request.method,
                   remote = request.remote_address, route_label, started,
                   logged_path](HttpReply& reply) {
      add_security_headers(reply);
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      self->metrics_.record(route_label, reply.status, seconds);
      if (self->options_.access_log) {
        // The query is left out: it may carry a token. A stream logs when it opens.
        Poco::Logger::get("scanhook.http")
            .information("%s \"%s %s\" %d %z %.1fms", log_escaped(remote), log_escaped(method),
                         log_escaped(logged_path), reply.status, reply.body.size(), seconds * 1000);
      }
    };
    return Respond(
        [finish, writer](HttpReply reply) {
          finish(reply);
          writer->send(reply);
        },
        [finish, writer](HttpReply head) {
          finish(head);
          return writer->open_stream(head);
        });
  }

 private:
  const HttpServerOptions options_;
  const Router& router_;
  RequestMetrics metrics_;
  const AccessCheck& access_check_;
};

// One request between its head and its reply.
class RoutedRequest final : public PendingRequest {
 public:
  RoutedRequest(std::shared_ptr<RoutedAnswerer> answerer, HttpRequest request, Routed routed,
                std::chrono::steady_clock::time_point started)
      : answerer_(std::move(answerer)),
        request_(std::move(request)),
        routed_(std::move(routed)),
        logged_path_(std::move(routed_.logged_path)),
        started_(started) {}

  bool refused() const override { return routed_.early_reply && !routed_.read_body; }

  void answer(std::string body, const std::shared_ptr<ReplyWriter>& writer) override {
    const Respond respond = respond_through(writer);
    request_.body = std::move(body);
    if (routed_.early_reply) {
      // Answered first, so keeping takes no time the caller could see.
      respond(std::move(*routed_.early_reply));
      if (routed_.keep && routed_.route->keep_refused) keep_refused();
      return;
    }
    try {
      routed_.route->handler(request_, routed_.params, respond);
    } catch (const std::exception& error) {
      Poco::Logger::get("scanhook.http")
          .error("%s %s failed: %s", request_.method, logged_path_, std::string(error.what()));
      respond(json_error(500, "internal error; see the daemon's log"));
    }
  }

  void fail(HttpReply reply, const std::shared_ptr<ReplyWriter>& writer) override {
    respond_through(writer)(std::move(reply));
  }

 private:
  void keep_refused() {
    try {
      routed_.route->keep_refused(request_, routed_.params, *routed_.keep);
    } catch (const std::exception& error) {
      Poco::Logger::get("scanhook.http")
          .error("%s %s: could not keep a refused request: %s", request_.method, logged_path_,
                 std::string(error.what()));
    }
  }

  Respond respond_through(const std::shared_ptr<ReplyWriter>& writer) {
    return answerer_->respond_through(writer, request_,
                                      routed_.route ? routed_.route->pattern : "unmatched",
                                      logged_path_, started_);
  }

  std::shared_ptr<RoutedAnswerer> answerer_;
  HttpRequest request_;
  Routed routed_;
  std::string logged_path_;  // the path as logs show it (a secret route's is redacted)
  std::chrono::steady_clock::time_point started_;
};

std::unique_ptr<PendingRequest> RoutedAnswerer::admit(const Poco::Net::HTTPRequest& head,
                                                      const Poco::Net::SocketAddress& peer) {
  const auto started = std::chrono::steady_clock::now();
  HttpRequest request;
  request.method = head.getMethod();
  request.remote_address = peer.toString();
  Routed routed = route(head, request);
  return std::make_unique<RoutedRequest>(shared_from_this(), std::move(request), std::move(routed),
                                         started);
}

// Finds the request's route from its head; or the reply that refuses it
// (bad URI, body too large, no such route, access).
Routed RoutedAnswerer::route(const Poco::Net::HTTPRequest& head, HttpRequest& request) const {
  Routed routed;
  Poco::URI uri;
  try {
    uri = Poco::URI(head.getURI());
    request.path = uri.getPath();
    for (const auto& [key, value] : uri.getQueryParameters())
      request.query.emplace_back(key, value);
  } catch (const Poco::Exception& error) {
    // Not logged as sent: it may be a secret route's, unrecognised.
    routed.logged_path = "(an invalid URI)";
    routed.early_reply =
        json_error(400, "the request URI is not valid: " + utf8_text(error.message()));
    return routed;
  }
  // The reader refused a raw control byte; a percent-encoded one names no route either.
  if (const auto control =
          std::find_if(request.path.begin(), request.path.end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
      control != request.path.end()) {
    static const char kHex[] = "0123456789ABCDEF";
    const auto byte = static_cast<unsigned char>(*control);
    routed.logged_path = request.path;  // escaped by the access log
    routed.early_reply =
        json_error(400, std::string("the request path holds the control byte %") + kHex[byte >> 4] +
                            kHex[byte & 15] + " (percent-decoded), which no route has");
    return routed;
  }
  const RouteLookup lookup = router_.find(request.method, request.path);
  routed.logged_path = lookup.redacted_path.empty() ? request.path : lookup.redacted_path;
  for (const auto& [name, value] : head) request.headers.emplace_back(name, value);
  if (auto refusal = use_target_authority(uri, request.headers)) {
    routed.early_reply = std::move(refusal);
    return routed;
  }

  if (head.hasContentLength() &&
      head.getContentLength64() > static_cast<Poco::Int64>(options_.limits.max_body_size)) {
    routed.early_reply = body_too_large(options_.limits.max_body_size);
    return routed;
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
  routed.params = lookup.params;
  // Every route, whatever its level, before its body is read: no large body
  // is taken from a stranger.
  if (auto refusal = access_check_(request, *lookup.route, routed.params)) {
    routed.early_reply = std::move(refusal->reply);
    routed.read_body = refusal->read_body;
    routed.keep = std::move(refusal->keep);
    return routed;
  }
  const bool body_follows = (head.hasContentLength() && head.getContentLength64() > 0) ||
                            head.getChunkedTransferEncoding();
  // Every Content-Encoding field counts (RFC 9110 section 5.3: several are
  // one comma-separated list), not only the first.
  std::string codings;
  bool compressed = false;
  for (const auto& [name, value] : head) {
    if (!iequals(name, "Content-Encoding")) continue;
    codings += (codings.empty() ? "" : ", ") + Poco::trim(value);
    compressed = compressed || !iequals(Poco::trim(value), "identity");
  }
  if (body_follows && compressed) routed.early_reply = unsupported_encoding(codings);
  return routed;
}

}  // namespace

HttpServer::HttpServer(HttpServerOptions options, const Router& router, Metrics& metrics,
                       AccessCheck access_check)
    : options_(std::move(options)),
      router_(router),
      metrics_(metrics),
      access_check_(std::move(access_check)) {}

HttpServer::~HttpServer() {
  stop();
}

void HttpServer::start() {
  Poco::Net::ServerSocket socket;
  // SO_REUSEPORT stays off: a second daemon on the same port must fail, not share it.
  socket.bind(Poco::Net::SocketAddress(options_.host, options_.port), /*reuseAddress=*/true,
              /*reusePort=*/false);
  socket.listen(1024);
  port_ = socket.address().port();
  raise_open_files_limit(options_.limits.max_connections);
  auto answerer = std::make_shared<RoutedAnswerer>(options_, router_, metrics_, access_check_);
  workers_ = std::make_unique<WorkerPool>(options_.threads);
  reactor_ = std::make_unique<ConnectionReactor>(
      socket, options_.limits,
      [answerer](const Poco::Net::HTTPRequest& head, const Poco::Net::SocketAddress& peer) {
        return answerer->admit(head, peer);
      },
      *workers_, metrics_);
  reactor_->start();
}

void HttpServer::stop() {
  if (!reactor_) return;
  // Requests in flight may be committing a webhook: they get time to finish.
  reactor_->stop(std::chrono::seconds(5));
  reactor_.reset();
  workers_.reset();
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
