// The reverse-proxy examples of etc/examples/ (the README shows them), run
// with the real nginx and Caddy as nobody on loopback, in front of two real
// scanhookd on one real PostgreSQL: a webhook through the proxy is queued
// once; when the instance that took them is killed, webhooks land through
// the other (the examples' failover settings); the client address the proxy
// puts in X-Forwarded-For is the one scanhookd counts, with trusted_proxies.
// Skipped ("scanhook-test-skip:", ctest's SKIP_REGULAR_EXPRESSION) only when
// the proxy is not installed; cmake/install-deps.sh installs both.
#include <catch2/catch.hpp>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/StreamSocket.h>
#include <signal.h>

#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <thread>

#include "support/daemon_client.hpp"
#include "support/daemon_process.hpp"
#include "support/eventually.hpp"
#include "support/postgres_server.hpp"
#include "support/proxy_process.hpp"
#include "support/record_file.hpp"
#include "support/temp_dir.hpp"

using scanhook::testing::DaemonClient;
using scanhook::testing::DaemonProcess;
using scanhook::testing::eventually;
using scanhook::testing::PostgresServer;
using scanhook::testing::ProxyProcess;
using scanhook::testing::record_lines;
using scanhook::testing::TempDir;
using std::chrono::milliseconds;

namespace {

const std::string kToken = "arr-token-7c1d";

// Ports of this test's range; nginx and Caddy each its own, so they may run at once.
constexpr unsigned short kNginxPort = 31950;
constexpr unsigned short kCaddyPort = 31951;

std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// `text` with every `from` replaced by `to`; `from` must occur.
std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  REQUIRE(text.find(from) != std::string::npos);
  for (std::size_t at = text.find(from); at != std::string::npos;
       at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

// The example as a test runs it: the two instances' addresses on loopback, the
// site on 127.0.0.1:`port` over plain HTTP; every failover setting as shipped.
std::string local_example(ProxyProcess::Kind kind, unsigned short a, unsigned short b,
                          unsigned short port) {
  const std::filesystem::path examples =
      std::filesystem::path(SCANHOOK_SOURCE_DIR) / "etc/examples";
  std::string text = read_text(
      examples / (kind == ProxyProcess::Kind::nginx ? "nginx-scanhook.conf" : "Caddyfile"));
  text = replace_all(text, "10.0.0.11:3030", "127.0.0.1:" + std::to_string(a));
  text = replace_all(text, "10.0.0.12:3030", "127.0.0.1:" + std::to_string(b));
  const std::string listen = "127.0.0.1:" + std::to_string(port);
  if (kind == ProxyProcess::Kind::caddy)
    return replace_all(text, "scanhook.example.org {", "http://" + listen + " {");
  text = replace_all(text, "listen 443 ssl;", "listen " + listen + ";");
  std::istringstream lines(text);
  std::string kept;
  for (std::string line; std::getline(lines, line);)
    if (line.find("ssl_certificate") == std::string::npos) kept += line + "\n";
  return kept;
}

// One instance: its INI (recorder source with a token, recorder target), its record file.
struct Instance {
  Instance(const std::string& url, const std::string& name) {
    std::filesystem::create_directories(dir.path() / "plugins");
    std::filesystem::copy_file(std::filesystem::path(SCANHOOK_TEST_PLUGIN_DIR) / "recorder.so",
                               dir.path() / "plugins" / "recorder.so");
    daemon = std::make_unique<DaemonProcess>(
        dir.path(), "[server]\nlisten = 127.0.0.1:0\ndatabase = " + url +
                        "\ninstance_name = " + name +
                        "\nplugin_dir = {dir}/plugins\ntrusted_proxies = 127.0.0.1\n"
                        "[queue]\nminimum_age = 4s\nidle_interval = 50ms\nlease = 10s\n"
                        "[source.arr]\nplugin = recorder\ntoken = " +
                        kToken + "\n[target.rec]\nplugin = recorder\nrecord = {dir}/record\n");
  }
  std::filesystem::path record() const { return dir.path() / "record"; }
  // Webhooks that reached this instance (its access log: the proxy's address).
  std::size_t webhooks() const {
    std::size_t count = 0;
    const std::string output = daemon->output();
    for (std::size_t at = output.find("\"POST /triggers/arr\" 200"); at != std::string::npos;
         at = output.find("\"POST /triggers/arr\" 200", at + 1))
      ++count;
    return count;
  }
  TempDir dir;
  std::unique_ptr<DaemonProcess> daemon;
};

// POSTs a webhook for `folder` through the proxy from the loopback address
// `from` (a client of its own: 127.0.0.2, 127.0.0.3, ...); the status, 0 when
// nothing answered.
int post_from(const std::string& from, unsigned short port, const std::string& folder,
              const std::string& token) {
  try {
    Poco::Net::StreamSocket socket(Poco::Net::SocketAddress::IPv4);
    socket.impl()->bind(Poco::Net::SocketAddress(from, 0), false);
    socket.connect(Poco::Net::SocketAddress("127.0.0.1", port));
    Poco::Net::HTTPClientSession session(socket);
    session.setTimeout(Poco::Timespan(20, 0));
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, "/triggers/arr",
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    request.setHost("127.0.0.1", port);
    request.setContentType("application/json");
    request.set("X-Scanhook-Token", token);
    const std::string body = "{\"paths\": [\"" + folder + "\"]}";
    request.setContentLength(static_cast<std::streamsize>(body.size()));
    session.sendRequest(request) << body;
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    std::string ignored((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return response.getStatus();
  } catch (const std::exception&) {
    return 0;
  }
}

void run_through(ProxyProcess::Kind kind, unsigned short port) {
  const std::string url = PostgresServer::shared().fresh_database();
  std::map<std::string, std::unique_ptr<Instance>> instances;
  instances["a"] = std::make_unique<Instance>(url, "a");
  REQUIRE(instances["a"]->daemon->wait_until_listening());
  instances["b"] = std::make_unique<Instance>(url, "b");
  REQUIRE(instances["b"]->daemon->wait_until_listening());
  ProxyProcess proxy(
      kind,
      local_example(kind, instances["a"]->daemon->port(), instances["b"]->daemon->port(), port),
      port);

  // Webhooks through the proxy: each folder queued once, with one event.
  std::set<std::string> acknowledged;
  for (int n = 0; n < 10; ++n) {
    const std::string folder = "/tv/Before/e" + std::to_string(n);
    REQUIRE(post_from("127.0.0.2", port, folder, kToken) == 200);
    acknowledged.insert(folder);
  }
  const auto queued = DaemonClient(instances["b"]->daemon->url()).get_json("/api/queue");
  CHECK(queued->getValue<int>("total") == 10);
  for (std::size_t i = 0; i < queued->getArray("folders")->size(); ++i)
    CHECK(
        queued->getArray("folders")->getObject(static_cast<unsigned>(i))->getValue<int>("events") ==
        1);

  // The instance that took them dies; the same client's webhooks land on the other.
  // (Each access log line reaches us through a pipe: wait for all ten.)
  REQUIRE(
      eventually([&] { return instances["a"]->webhooks() + instances["b"]->webhooks() == 10; }));
  const std::string took = instances["a"]->webhooks() > 0 ? "a" : "b";
  const std::string other = took == "a" ? "b" : "a";
  CHECK(instances[took]->webhooks() == 10);
  instances[took]->daemon->send_signal(SIGKILL);
  REQUIRE(instances[took]->daemon->wait_for_exit() == 128 + SIGKILL);
  for (int n = 0; n < 10; ++n) {
    const std::string folder = "/tv/After/e" + std::to_string(n);
    const int status = post_from("127.0.0.2", port, folder, kToken);
    if (status != 200) FAIL_CHECK(folder << ": " << status << "; the proxy's log: " << proxy.log());
    acknowledged.insert(folder);
  }
  CHECK(eventually([&] { return instances[other]->webhooks() == 10; }));

  // X-Forwarded-For reaches scanhookd: five wrong tokens from 127.0.0.3 block
  // that client, not the proxy's address that every client shares.
  for (int n = 0; n < 5; ++n) CHECK(post_from("127.0.0.3", port, "/tv/X", "wrong") == 401);
  CHECK(post_from("127.0.0.3", port, "/tv/Blocked", kToken) == 429);
  CHECK(post_from("127.0.0.4", port, "/tv/Other/e0", kToken) == 200);
  acknowledged.insert("/tv/Other/e0");

  // Every acknowledged folder scanned, once; the dead instance's by the survivor.
  const DaemonClient survivor(instances[other]->daemon->url());
  REQUIRE(eventually([&] { return survivor.queue_empty(); }, milliseconds(60000)));
  std::map<std::string, int> scans;
  for (const auto& [name, instance] : instances)
    for (const auto& folder : record_lines(instance->record())) ++scans[folder];
  std::map<std::string, int> expected;
  for (const auto& folder : acknowledged) expected[folder] = 1;
  CHECK(scans == expected);
}

bool installed(ProxyProcess::Kind kind, const char* package) {
  if (!ProxyProcess::find(kind).empty()) return true;
  WARN("scanhook-test-skip: " << package
                              << " is not installed (sh cmake/install-deps.sh installs it)");
  return false;
}

}  // namespace

TEST_CASE(
    "through nginx with the example's settings, two instances on PostgreSQL take webhooks once, "
    "fail over when one dies, and see the client's address",
    "[postgres][cluster][proxy]") {
  if (!installed(ProxyProcess::Kind::nginx, "nginx-light")) return;
  run_through(ProxyProcess::Kind::nginx, kNginxPort);
}

TEST_CASE(
    "through Caddy with the example's settings, two instances on PostgreSQL take webhooks once, "
    "fail over when one dies, and see the client's address",
    "[postgres][cluster][proxy]") {
  if (!installed(ProxyProcess::Kind::caddy, "caddy")) return;
  run_through(ProxyProcess::Kind::caddy, kCaddyPort);
}
