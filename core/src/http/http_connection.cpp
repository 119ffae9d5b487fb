#include "scanhook/core/http/http_connection.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/NetException.h>
#include <Poco/String.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <optional>
#include <sstream>
#include <utility>

#include "scanhook/core/http/reply_writer.hpp"

namespace scanhook::core {

namespace {

// Poco's own limits allow a 16 KiB URI and 100 fields of 8 KiB; a head that
// has not ended by here is refused rather than buffered further.
constexpr std::size_t kMaxHeadSize = 64 * 1024;
// Poco::Net::HTTPRequest reads at most this much of a request line's URI.
constexpr std::size_t kMaxUriSize = 16 * 1024;
// Poco 1.11's other head limits (private in HTTPRequest.h and MessageHeader.h):
// the lengths it refuses to reach, and the header lines it reads.
constexpr std::size_t kMethodRefused = 32;
constexpr std::size_t kNameRefused = 256;
constexpr std::size_t kValueRefused = 8192;
constexpr int kMaxFields = 100;

// What a name or version from a request shows of itself in a reply:
// printable ASCII, at most 64 bytes.
std::string shown(const std::string& text) {
  std::string printable;
  for (const char c : text.substr(0, 64))
    printable += std::isgraph(static_cast<unsigned char>(c)) ? c : '?';
  return text.size() > 64 ? printable + "..." : printable;
}

std::string quoted(const std::string& text) {
  return "\"" + shown(text) + "\"";
}

// Which of Poco's head limits `head` (request line first) is over, said
// with the limit (Poco's own texts, "Field value too long", name none);
// nullopt when none is. RFC 6585 section 5: 431 for header fields too large.
std::optional<std::pair<int, std::string>> head_over_limit(const std::string& head) {
  std::istringstream lines(head);
  std::string line;
  std::getline(lines, line);
  if (std::min(line.find_first_of(" \t\r"), line.size()) >= kMethodRefused)
    return std::make_pair(
        400, "the request method is longer than " + std::to_string(kMethodRefused - 1) + " bytes");
  int fields = 0;
  while (std::getline(lines, line) && line != "\r" && !line.empty()) {
    if (++fields > kMaxFields)
      return std::make_pair(431, "the request has more than " + std::to_string(kMaxFields) +
                                     " header lines, the most this server reads");
    const auto colon = std::min(line.find(':'), line.size());
    if (colon >= kNameRefused)
      return std::make_pair(431, "a header name (\"" + shown(line.substr(0, colon)) +
                                     "\") is longer than " + std::to_string(kNameRefused - 1) +
                                     " bytes");
    const auto value = line.find_first_not_of(" \t", colon + 1);
    const std::size_t length =
        value == std::string::npos ? 0 : line.size() - value - (line.back() == '\r' ? 1 : 0);
    if (length >= kValueRefused)
      return std::make_pair(431, "the value of the header " + shown(line.substr(0, colon)) +
                                     " is " + std::to_string(length) +
                                     " bytes, over the limit of " +
                                     std::to_string(kValueRefused - 1) + " bytes for one header");
  }
  return std::nullopt;
}

// A header line that starts with a space or tab continues the one before
// (obs-fold): RFC 9112 section 5.2 lets a server refuse it, and Poco would
// join the lines, which a proxy on the way may read otherwise. The head is
// the first `end` bytes of `bytes`, request line first.
bool has_folded_line(const std::string& bytes, std::size_t end) {
  for (auto at = bytes.find('\n'); at != std::string::npos && at + 1 < end;
       at = bytes.find('\n', at + 1))
    if (bytes[at + 1] == ' ' || bytes[at + 1] == '\t') return true;
  return false;
}

// HTTP-version = "HTTP/" DIGIT "." DIGIT (RFC 9112 section 2.3).
bool is_http_version(const std::string& version) {
  return version.size() == 8 && version.compare(0, 5, "HTTP/") == 0 &&
         std::isdigit(static_cast<unsigned char>(version[5])) && version[6] == '.' &&
         std::isdigit(static_cast<unsigned char>(version[7]));
}

// A control byte as a reply names it: "0x00".
std::string byte_name(char c) {
  static const char kHex[] = "0123456789abcdef";
  const auto byte = static_cast<unsigned char>(c);
  return std::string("0x") + kHex[byte >> 4] + kHex[byte & 15];
}

bool is_control(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return byte < 0x20 || byte == 0x7f;
}

// What is wrong with a request line (its CR removed), in our words; nullopt
// when it is METHOD SP TARGET SP HTTP/1.x. RFC 9112 section 3 allows no
// control byte in it (a NUL in a target would reach a path), and section 2.3
// spells a version as HTTP/<digit>.<digit>; Poco would read "HTTP/1.1 x" as
// HTTP/1.1 and answer "HTTP/1.10" with its own words.
std::optional<std::pair<int, std::string>> request_line_problem(const std::string& line) {
  const auto first_space = line.find(' ');
  const auto last_space = line.rfind(' ');
  const auto control = std::find_if(line.begin(), line.end(), is_control);
  if (control != line.end()) {
    const auto at = static_cast<std::size_t>(control - line.begin());
    const char* part = at < first_space                               ? "request method"
                       : last_space == first_space || at < last_space ? "request target"
                                                                      : "HTTP version";
    return std::make_pair(
        400, std::string("the ") + part + " holds the control byte " + byte_name(*control) +
                 ", which RFC 9112 allows nowhere in a request line" +
                 (std::string(part) == "request target"
                      ? " (percent-encode it, e.g. %" + byte_name(*control).substr(2) + ")"
                      : std::string()));
  }
  const std::string version =
      last_space == first_space ? std::string() : line.substr(last_space + 1);
  if (version == Poco::Net::HTTPMessage::HTTP_1_0 || version == Poco::Net::HTTPMessage::HTTP_1_1)
    return std::nullopt;
  if (is_http_version(version))  // RFC 9110 section 15.6.6
    return std::make_pair(505, "this server speaks HTTP/1.0 and HTTP/1.1, not " + version);
  if (version.empty())
    return std::make_pair(400,
                          "the request is not valid HTTP: the request line has no HTTP version "
                          "(it must read METHOD TARGET HTTP/1.1)");
  return std::make_pair(400, "the request is not valid HTTP: the request line ends in " +
                                 quoted(version) +
                                 ", not HTTP/<digit>.<digit> (RFC 9112 section 2.3); this "
                                 "server speaks HTTP/1.0 and HTTP/1.1");
}

// A header line (request line excluded, CR LF removed) holding a control
// byte other than HTAB: RFC 9110 section 5.5 has none in a field value (a
// lone CR, LF or NUL must be refused or replaced), section 5.1 none in a name.
std::optional<std::string> header_control_problem(const std::string& head_lines) {
  std::istringstream lines(head_lines);
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto control =
        std::find_if(line.begin(), line.end(), [](char c) { return c != '\t' && is_control(c); });
    if (control == line.end()) continue;
    const auto colon = line.find(':');
    const auto at = static_cast<std::size_t>(control - line.begin());
    if (colon == std::string::npos || at < colon)
      return "a header name " + quoted(line.substr(0, std::min(colon, line.size()))) +
             " holds the control byte " + byte_name(*control);
    return "the value of the header " + quoted(line.substr(0, colon)) + " holds the control byte " +
           byte_name(*control) + " (RFC 9110 section 5.5 allows none but tab)";
  }
  return std::nullopt;
}

// Host = uri-host [ ":" port ] (RFC 9110 section 7.2, RFC 3986 section 3.2.2):
// an IP literal in brackets, or a name of letters, digits and "-._~" (an
// IPv4 address included), then digits only after one ":". So a list ("a, b",
// what a proxy makes of two Host lines), white space, user information
// ("127.0.0.1:80@evil") or a port that is not a number ("127.0.0.1:abc") is
// not a valid value, which RFC 9112 section 3.2 has a server answer 400.
// An empty value is valid (a request whose target has no authority).
bool is_host_value(const std::string& value) {
  std::size_t port_at = 0;
  if (!value.empty() && value.front() == '[') {
    const auto close = value.find(']');
    if (close == std::string::npos || close == 1) return false;
    for (std::size_t i = 1; i < close; ++i)
      if (!std::isxdigit(static_cast<unsigned char>(value[i])) && value[i] != ':' &&
          value[i] != '.')
        return false;
    port_at = close + 1;
  } else {
    while (port_at < value.size() && (std::isalnum(static_cast<unsigned char>(value[port_at])) ||
                                      std::strchr("-._~", value[port_at]) != nullptr))
      ++port_at;
  }
  if (port_at == value.size()) return true;
  const std::string port = value.substr(port_at);
  return port.size() >= 2 && port.size() <= 6 && port[0] == ':' &&
         std::all_of(port.begin() + 1, port.end(),
                     [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; });
}

// Heads that two HTTP parsers could read two ways, which RFC 9112 has a
// server refuse: the way requests are smuggled past a proxy.
std::optional<std::string> ambiguous_head(const Poco::Net::HTTPRequest& head) {
  int lengths = 0, hosts = 0;
  for (const auto& [name, value] : head) {
    if (name.find_first_of(" \t") != std::string::npos)
      return "white space in the header name \"" + name + "\"";
    if (Poco::icompare(name, Poco::Net::HTTPMessage::CONTENT_LENGTH) == 0) ++lengths;
    if (Poco::icompare(name, "Host") == 0) {
      ++hosts;
      if (!is_host_value(value)) return std::string("a Host header that is not one host name");
    }
  }
  if (lengths > 1) return std::string("more than one Content-Length");
  if (hosts > 1) return std::string("more than one Host");
  // RFC 9112 section 3.2: a server must refuse an HTTP/1.1 request without Host.
  if (hosts == 0 && head.getVersion() == Poco::Net::HTTPMessage::HTTP_1_1)
    return std::string("an HTTP/1.1 request without Host");
  return std::nullopt;
}

// RFC 9110 section 8.6: Content-Length = 1*DIGIT. Poco would also read "+2"
// or " 2", which another parser on the way may read otherwise.
bool is_content_length(const std::string& value) {
  return !value.empty() && value.find_first_not_of("0123456789") == std::string::npos;
}

constexpr std::size_t kMaxChunkLine = 1024;

constexpr const char* kTlsRefusal =
    "this port speaks plain HTTP, and a TLS handshake came (an https:// URL): use http:// in the "
    "sender's URL, or put TLS in front (a reverse proxy: see the README, \"TLS\")";
// After the last reply, what still comes is read and dropped (so that the
// peer reads the reply, not a reset) up to this much: a refused body is not
// taken whole.
constexpr std::size_t kMaxDiscarded = 1024 * 1024;

// Where the head in `bytes` ends (after its blank line), if it has.
std::optional<std::size_t> head_end(const std::string& bytes) {
  const auto crlf = bytes.find("\r\n\r\n");
  const auto lf = bytes.find("\n\n");  // Poco reads bare LF line ends too
  if (crlf == std::string::npos && lf == std::string::npos) return std::nullopt;
  if (lf < crlf) return lf + 2;
  return crlf + 4;
}

}  // namespace

// Decodes a chunked body (RFC 9112 section 7.1) as its bytes arrive:
// size line, data, CRLF, ..., the zero-size chunk, trailer lines, blank line.
class HttpConnection::ChunkedBody {
 public:
  enum class Result { more, done, invalid };

  // Takes what it can from the front of `in` into `body`.
  Result feed(std::string& in, std::string& body) {
    for (;;) {
      if (part_ == Part::data) {
        const std::size_t take = std::min<std::size_t>(remaining_, in.size());
        body.append(in, 0, take);
        in.erase(0, take);
        remaining_ -= take;
        if (remaining_ > 0) return Result::more;
        part_ = Part::data_end;
        continue;
      }
      const auto line_end = in.find('\n');
      if (line_end == std::string::npos)
        return in.size() > kMaxChunkLine ? Result::invalid : Result::more;
      // Every line of a chunked body ends with CRLF (RFC 9112 section 7.1): a
      // bare LF here is read otherwise by some proxies, a smuggling vector.
      if (line_end == 0 || in[line_end - 1] != '\r') return Result::invalid;
      std::string line = in.substr(0, line_end - 1);
      in.erase(0, line_end + 1);
      switch (part_) {
        case Part::size: {
          const std::string digits = line.substr(0, line.find(';'));  // extensions ignored
          if (digits.empty() || digits.size() > 15 ||
              digits.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos)
            return Result::invalid;
          remaining_ = std::stoull(digits, nullptr, 16);
          part_ = remaining_ == 0 ? Part::trailer : Part::data;
          break;
        }
        case Part::data_end:
          if (!line.empty()) return Result::invalid;
          part_ = Part::size;
          break;
        case Part::trailer:
          if (line.empty()) return Result::done;
          break;
        case Part::data: break;
      }
    }
  }

 private:
  enum class Part { size, data, data_end, trailer };
  Part part_ = Part::size;
  std::uint64_t remaining_ = 0;
};

HttpConnection::HttpConnection(Poco::Net::StreamSocket socket, std::string client, SteadyTime now,
                               SteadyTime deadline)
    : socket_(std::move(socket)),
      client_(std::move(client)),
      idle_since_(now),
      deadline_(deadline) {}

HttpConnection::~HttpConnection() = default;

bool HttpConnection::receive(std::size_t budget) {
  char buffer[16384];
  const int fd = socket_.impl()->sockfd();
  while (budget > 0) {
    const ssize_t got = ::recv(fd, buffer, std::min(sizeof buffer, budget), MSG_DONTWAIT);
    if (got > 0) {
      in_.append(buffer, static_cast<std::size_t>(got));
      budget -= static_cast<std::size_t>(got);
    } else if (got < 0 && errno == EINTR) {
      continue;
    } else {
      return got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
    }
  }
  return true;
}

bool HttpConnection::unread() const {
  int pending = 0;
  return !in_.empty() ||
         (::ioctl(socket_.impl()->sockfd(), FIONREAD, &pending) == 0 && pending > 0);
}

bool HttpConnection::discard() {
  const std::size_t before = in_.size();
  const bool open = receive(kMaxDiscarded);
  discarded_ += in_.size() - before;
  in_.clear();
  return open && discarded_ < kMaxDiscarded;
}

HttpConnection::Step HttpConnection::advance(std::size_t max_body_size) {
  switch (state_) {
    case State::waiting:
    case State::head: return advance_head();
    case State::body: return advance_body(max_body_size);
    default: return Step::more;
  }
}

HttpConnection::Step HttpConnection::advance_head() {
  if (head_) return Step::more;  // admitted or refused, not yet told which
  // Blank lines before a request line are ignored (RFC 9112 section 2.2).
  in_.erase(0, std::min(in_.find_first_not_of("\r\n"), in_.size()));
  if (in_.empty()) return Step::more;
  state_ = State::head;
  // A TLS record starts with its type, 22 for a handshake: a client that
  // took this port for https. It waits for a reply that never comes in
  // HTTP, so it gets its answer at once.
  if (static_cast<unsigned char>(in_[0]) == 0x16) {
    tls_hello_ = true;
    return invalid(400, kTlsRefusal);
  }
  const auto end = head_end(in_);
  if (!end) {
    if (in_.size() > kMaxHeadSize)
      return invalid(431,
                     "the request head is larger than " + std::to_string(kMaxHeadSize) + " bytes");
    return Step::more;
  }
  const bool folded = has_folded_line(in_, *end);
  std::istringstream text(in_.substr(0, *end));
  in_.erase(0, *end);
  if (folded)
    return invalid(400,
                   "the request is not valid HTTP: a header line folded onto the one before "
                   "(obs-fold, RFC 9112 section 5.2)");
  const std::string& bytes = text.str();
  const auto line_end = bytes.find('\n');
  std::string request_line = bytes.substr(0, line_end);
  if (!request_line.empty() && request_line.back() == '\r') request_line.pop_back();
  if (request_line.size() <= kMaxUriSize)  // longer: Poco's limit is said below
    if (const auto problem = request_line_problem(request_line))
      return invalid(problem->first, problem->second);
  if (const auto problem = header_control_problem(bytes.substr(line_end + 1)))
    return invalid(400, "the request is not valid HTTP: " + *problem);
  auto head = std::make_unique<Poco::Net::HTTPRequest>();
  try {
    head->read(text);
  } catch (const Poco::Exception& error) {
    // Poco stops reading a request line at 16 KiB of URI.
    const auto line_end = text.str().find('\n');
    if (line_end != std::string::npos && line_end > kMaxUriSize)
      return invalid(414, "the request URI is longer than " + std::to_string(kMaxUriSize) +
                              " bytes (the path limit is 4096 bytes)");
    if (const auto over = head_over_limit(text.str())) return invalid(over->first, over->second);
    return invalid(400, "the request is not valid HTTP: " + error.message());
  }
  // Poco reads the version as the third part: a fourth (a space in the target) leaves it otherwise.
  if (head->getVersion() != Poco::Net::HTTPMessage::HTTP_1_0 &&
      head->getVersion() != Poco::Net::HTTPMessage::HTTP_1_1)
    return invalid(400,
                   "the request is not valid HTTP: the request line has more than three parts "
                   "(a space in the target? send it as %20)");
  if (const auto why = ambiguous_head(*head))
    return invalid(400, "the request is not valid HTTP: " + *why);
  body_length_.reset();
  if (head->has(Poco::Net::HTTPMessage::TRANSFER_ENCODING)) {
    if (!head->getChunkedTransferEncoding())
      return invalid(400, "the request is not valid HTTP: Transfer-Encoding other than chunked");
    // A length beside chunking is how requests are smuggled past proxies.
    if (head->hasContentLength())
      return invalid(400, "the request is not valid HTTP: both Content-Length and chunked");
    chunked_ = std::make_unique<ChunkedBody>();
  } else if (head->hasContentLength()) {
    Poco::Int64 length = -1;
    if (!is_content_length(head->get(Poco::Net::HTTPMessage::CONTENT_LENGTH)))
      return invalid(400,
                     "the request is not valid HTTP: a Content-Length that is not a number (digits "
                     "only, RFC 9110)");
    try {
      length = head->getContentLength64();
    } catch (const Poco::SyntaxException&) {  // more digits than 64 bits hold
    }
    if (length < 0)
      return invalid(400,
                     "the request is not valid HTTP: a Content-Length too large for any body (over "
                     "2^63 bytes)");
    body_length_ = static_cast<std::uint64_t>(length);
  }
  head_ = std::move(head);
  return Step::head_ready;
}

void HttpConnection::read_body(SteadyTime deadline) {
  body_.clear();
  state_ = State::body;
  deadline_ = deadline;
}

HttpConnection::Step HttpConnection::advance_body(std::size_t max_body_size) {
  if (chunked_) {
    const auto result = chunked_->feed(in_, body_);
    if (body_.size() > max_body_size) {
      error_ = body_too_large(max_body_size);
      return Step::invalid;
    }
    if (result == ChunkedBody::Result::invalid)
      return invalid(400, "the request body is not valid chunked encoding");
    return result == ChunkedBody::Result::done ? Step::body_ready : Step::more;
  }
  const std::uint64_t length = body_length_.value_or(0);
  const std::size_t take =
      static_cast<std::size_t>(std::min<std::uint64_t>(length - body_.size(), in_.size()));
  if (body_.empty()) body_.reserve(static_cast<std::size_t>(length));
  body_.append(in_, 0, take);
  in_.erase(0, take);
  return body_.size() == length ? Step::body_ready : Step::more;
}

HttpConnection::Step HttpConnection::invalid(int status, const std::string& message) {
  error_ = json_error(status, message);
  return Step::invalid;
}

std::string HttpConnection::take_body() {
  return std::move(body_);
}

void HttpConnection::answer() {
  state_ = State::answering;
}

HttpConnection::Write HttpConnection::write_pending(std::string rest) {
  out_ = std::move(rest);
  out_offset_ = 0;
  state_ = State::writing;
  return write_more();
}

HttpConnection::Write HttpConnection::write_more() {
  if (!write_available(socket_.impl()->sockfd(), out_, out_offset_)) return Write::failed;
  if (out_offset_ < out_.size()) return Write::more;
  out_.clear();
  out_offset_ = 0;
  if (state_ == State::streaming) deadline_ = SteadyTime::max();
  return Write::done;
}

HttpConnection::Write HttpConnection::start_stream(std::string rest, SteadyTime write_deadline) {
  state_ = State::streaming;
  out_.clear();
  out_offset_ = 0;
  in_.clear();
  discarded_ = 0;
  return push(rest, write_deadline);
}

HttpConnection::Write HttpConnection::push(const std::string& bytes, SteadyTime write_deadline) {
  // The deadline runs from the first byte that had to wait, not the last one queued.
  if (backlog() == 0) deadline_ = write_deadline;
  if (out_offset_ > 0) {
    out_.erase(0, out_offset_);
    out_offset_ = 0;
  }
  out_ += bytes;
  return write_more();
}

void HttpConnection::next_request(SteadyTime now, SteadyTime deadline) {
  state_ = State::waiting;
  head_.reset();
  chunked_.reset();
  body_length_.reset();
  body_.clear();
  idle_since_ = now;
  deadline_ = deadline;
}

void HttpConnection::close(SteadyTime deadline) {
  state_ = State::closing;
  deadline_ = deadline;
  in_.clear();
  discarded_ = 0;
  try {
    socket_.shutdownSend();
  } catch (const Poco::Exception&) {  // the peer is gone already
  }
}

HttpReply body_too_large(std::size_t max_body_size) {
  return json_error(413, "the request body is larger than max_body_size (" +
                             std::to_string(max_body_size) + " bytes)");
}

}  // namespace scanhook::core
