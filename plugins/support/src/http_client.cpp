#include "scanhook/support/http_client.hpp"

#include <Poco/Base64Encoder.h>
#include <Poco/DateTime.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeParser.h>
#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/IPAddress.h>
#include <Poco/Net/SSLException.h>
#include <Poco/StreamCopier.h>
#include <Poco/Timestamp.h>
#include <Poco/URI.h>

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <memory>
#include <sstream>
#include <stdexcept>

#include "scanhook/config_value.hpp"

namespace scanhook::support {

std::optional<std::string> HttpResponse::header(const std::string& name) const {
  for (const auto& [key, value] : headers)
    if (iequals(key, name)) return value;
  return std::nullopt;
}

std::chrono::seconds HttpResponse::retry_after() const {
  const auto value = header("Retry-After");
  if (!value) return std::chrono::seconds{0};
  if (const auto seconds = parse_integer(*value))
    return std::chrono::seconds{*seconds > 0 ? *seconds : 0};
  // RFC 9110 also allows an HTTP-date: the wait is until then.
  Poco::DateTime when;
  int zone = 0;
  if (!Poco::DateTimeParser::tryParse(Poco::DateTimeFormat::HTTP_FORMAT, *value, when, zone))
    return std::chrono::seconds{0};
  const auto wait = (when.timestamp() - Poco::Timestamp()) / Poco::Timestamp::resolution();
  return std::chrono::seconds{wait > 0 ? wait : 0};
}

HttpClient::HttpClient(const std::string& base_url, HttpOptions options)
    : base_url_(base_url), options_(std::move(options)) {
  Poco::URI uri;
  try {
    uri = Poco::URI(base_url);
  } catch (const Poco::Exception& error) {
    throw std::invalid_argument("not a URL: " + base_url + " (" + error.message() + ")");
  }
  scheme_ = uri.getScheme();
  if ((scheme_ != "http" && scheme_ != "https") || uri.getHost().empty())
    throw std::invalid_argument("not an http:// or https:// URL: " + base_url);
  host_ = uri.getHost();
  port_ = uri.getPort();
  path_prefix_ = uri.getPath();
  while (!path_prefix_.empty() && path_prefix_.back() == '/') path_prefix_.pop_back();
}

namespace {

// Verification covers the chain and, during the handshake (before anything is
// sent), that the certificate is made out to `host`: Poco's own post-handshake
// name check does not refuse a mismatch by itself.
Poco::Net::Context::Ptr make_tls_context(const HttpOptions& options, const std::string& host) {
  using Poco::Net::Context;
  const auto mode = options.verify_tls ? Context::VERIFY_RELAXED : Context::VERIFY_NONE;
  Context::Ptr context = new Context(Context::TLS_CLIENT_USE, "", "", options.ca_file, mode, 9,
                                     /*loadDefaultCAs=*/true);
  if (options.verify_tls) {
    X509_VERIFY_PARAM* param = SSL_CTX_get0_param(context->sslContext());
    Poco::Net::IPAddress address;
    const bool named = Poco::Net::IPAddress::tryParse(host, address)
                           ? X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str()) == 1
                           : X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size()) == 1;
    if (!named) throw Poco::Net::SSLException("cannot check certificates for host " + host);
  }
  return context;
}

// Reads the answer's body into `body` unless it passes `max_bytes` (0: no cap):
// false then, `body` empty, the rest left unread.
bool read_body(std::istream& in, const Poco::Net::HTTPResponse& answer, std::size_t max_bytes,
               std::string& body) {
  if (max_bytes == 0) {
    std::ostringstream content;
    Poco::StreamCopier::copyStream(in, content);
    body = content.str();
    return true;
  }
  if (answer.hasContentLength() &&
      answer.getContentLength64() > static_cast<Poco::Int64>(max_bytes))
    return false;
  char chunk[16384];
  while (in.read(chunk, sizeof chunk) || in.gcount() > 0) {
    body.append(chunk, static_cast<std::size_t>(in.gcount()));
    if (body.size() > max_bytes) {
      body.clear();
      body.shrink_to_fit();
      return false;
    }
  }
  return true;
}

}  // namespace

HttpResponse HttpClient::send(const std::string& method, const std::string& target,
                              const HeaderList& headers, const std::string& body,
                              const std::string& content_type) const {
  HttpResponse response;
  try {
    std::unique_ptr<Poco::Net::HTTPClientSession> session;
    if (scheme_ == "https") {
      auto tls = std::make_unique<Poco::Net::HTTPSClientSession>(host_, port_,
                                                                 make_tls_context(options_, host_));
      session = std::move(tls);
    } else {
      session = std::make_unique<Poco::Net::HTTPClientSession>(host_, port_);
    }
    const Poco::Timespan timeout(
        std::chrono::duration_cast<std::chrono::microseconds>(options_.timeout).count());
    session->setTimeout(timeout, timeout, timeout);

    Poco::Net::HTTPRequest request(method, path_prefix_ + target, Poco::Net::HTTPMessage::HTTP_1_1);
    for (const auto& [name, value] : headers) request.set(name, value);
    if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
      request.setContentLength(static_cast<std::streamsize>(body.size()));
      if (!content_type.empty()) request.setContentType(content_type);
    }
    session->sendRequest(request) << body;

    Poco::Net::HTTPResponse answer;
    std::istream& in = session->receiveResponse(answer);
    response.status = static_cast<int>(answer.getStatus());
    response.oversized = !read_body(in, answer, options_.max_answer_bytes, response.body);
    for (const auto& [name, value] : answer) response.headers.emplace_back(name, value);
  } catch (const Poco::TimeoutException&) {
    response.transport_error =
        "timed out after " + std::to_string(options_.timeout.count()) + " ms";
  } catch (const Poco::Net::SSLException& error) {
    response.transport_error = "TLS error: " + error.displayText();
  } catch (const Poco::Exception& error) {
    response.transport_error = error.displayText();
  } catch (const std::exception& error) {
    response.transport_error = error.what();
  }
  return response;
}

std::string url_encode(const std::string& text) {
  // Poco keeps sub-delimiters and ':' '/' '?' '#' '@' as they are unless told
  // to encode them: naming them all leaves only the unreserved characters.
  std::string out;
  Poco::URI::encode(text, ":/?#[]@!$&'()*+,;=", out);
  return out;
}

std::string basic_authorization(const std::string& username, const std::string& password) {
  std::ostringstream out;
  Poco::Base64Encoder encoder(out);
  encoder.rdbuf()->setLineLength(0);
  encoder << username << ':' << password;
  encoder.close();
  return "Basic " + out.str();
}

}  // namespace scanhook::support
