#include <catch2/catch.hpp>

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/SecureServerSocket.h>

#include <cstdlib>
#include <memory>

#include "scanhook/support/http_client.hpp"
#include "support/temp_dir.hpp"

using scanhook::support::HttpClient;
using scanhook::support::HttpOptions;

namespace {

class Hello final : public Poco::Net::HTTPRequestHandler {
 public:
  void handleRequest(Poco::Net::HTTPServerRequest&,
                     Poco::Net::HTTPServerResponse& response) override {
    response.setContentType("text/plain");
    response.send() << "hello over TLS";
  }
};

class HelloFactory final : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new Hello;
  }
};

// An HTTPS server on 127.0.0.1 with a self-signed certificate made for it.
struct TlsServer {
  scanhook::testing::TempDir dir;
  std::string cert;
  std::unique_ptr<Poco::Net::HTTPServer> server;
  unsigned short port = 0;

  // `subject_alt_name` names whom the certificate is for, e.g. "IP:127.0.0.1".
  explicit TlsServer(const std::string& subject_alt_name = "IP:127.0.0.1") {
    cert = (dir.path() / "cert.pem").string();
    const std::string key = (dir.path() / "key.pem").string();
    const std::string command =
        "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=scanhook-test "
        "-addext subjectAltName=" +
        subject_alt_name + " -keyout '" + key + "' -out '" + cert + "' 2>/dev/null";
    REQUIRE(std::system(command.c_str()) == 0);
    Poco::Net::Context::Ptr context = new Poco::Net::Context(
        Poco::Net::Context::TLS_SERVER_USE, key, cert, "", Poco::Net::Context::VERIFY_NONE);
    Poco::Net::SecureServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0), 64, context);
    port = socket.address().port();
    server = std::make_unique<Poco::Net::HTTPServer>(new HelloFactory, socket,
                                                     new Poco::Net::HTTPServerParams);
    server->start();
  }
  ~TlsServer() { server->stopAll(true); }
  std::string url() const { return "https://127.0.0.1:" + std::to_string(port); }
};

}  // namespace

TEST_CASE("HTTPS verifies certificates by default and refuses one it cannot trust",
          "[http_client]") {
  TlsServer server;
  HttpOptions options;
  options.timeout = std::chrono::seconds(5);
  const auto response = HttpClient(server.url(), options).send("GET", "/");
  CHECK_FALSE(response.answered());
  CHECK_THAT(response.transport_error,
             Catch::Matchers::Contains("TLS error") || Catch::Matchers::Contains("certificate"));
}

TEST_CASE("HTTPS trusts a server whose certificate is in ca_file", "[http_client]") {
  TlsServer server;
  HttpOptions options;
  options.timeout = std::chrono::seconds(5);
  options.ca_file = server.cert;
  const auto response = HttpClient(server.url(), options).send("GET", "/");
  CHECK(response.status == 200);
  CHECK(response.body == "hello over TLS");
}

TEST_CASE("HTTPS without verification accepts any certificate, when asked to", "[http_client]") {
  TlsServer server;
  HttpOptions options;
  options.timeout = std::chrono::seconds(5);
  options.verify_tls = false;
  const auto response = HttpClient(server.url(), options).send("GET", "/");
  CHECK(response.status == 200);
  CHECK(response.body == "hello over TLS");
}

TEST_CASE("HTTPS refuses a trusted certificate made out to another host", "[http_client]") {
  TlsServer server("DNS:media.example.org");
  HttpOptions options;
  options.timeout = std::chrono::seconds(5);
  options.ca_file = server.cert;
  const auto response = HttpClient(server.url(), options).send("GET", "/");
  CHECK_FALSE(response.answered());
  CHECK_THAT(response.transport_error, Catch::Matchers::Contains("TLS error"));
}
