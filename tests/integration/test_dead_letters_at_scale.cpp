// Dead letters with large bodies through a running scanhookd (found by a
// new-user trial: twelve 10 MB bodies made GET /api/deadletters a 63 MB
// answer and the daemon's RSS 177 MB). The listing carries each body's size
// and a preview; one letter is fetched whole on its own route.
#include <catch2/catch.hpp>

#include <Poco/Base64Decoder.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <csignal>
#include <fstream>
#include <iterator>
#include <sstream>

#include "support/daemon_client.hpp"
#include "support/daemon_process.hpp"
#include "support/started_daemon.hpp"
#include "support/temp_dir.hpp"

using scanhook::testing::DaemonProcess;
using scanhook::testing::TempDir;

namespace {

constexpr int kLetters = 12;
constexpr std::size_t kBodyBytes = 10 * 1024 * 1024;

// Sonarr's plugin cannot read it (an object never closed): a 400, kept.
// Letter `i` is filled with its own letter; the last holds bytes that are not UTF-8.
std::string refused_body(int i) {
  std::string body = R"({"eventType": "Download", "series": ")";
  body.resize(kBodyBytes, static_cast<char>('a' + i));
  if (i == kLetters - 1) body.replace(body.size() / 2, 2, "\xff\xfe");
  return body;
}

// A "Vm..." figure of /proc/PID/status, in KiB.
long status_kib(pid_t pid, const std::string& field) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind(field + ":", 0) == 0) return std::stol(line.substr(field.size() + 1));
  FAIL("no " << field << " in /proc/" << pid << "/status");
  return 0;
}

std::string base64_decoded(const std::string& text) {
  std::istringstream in(text);
  Poco::Base64Decoder decoder(in);
  return {std::istreambuf_iterator<char>(decoder), std::istreambuf_iterator<char>()};
}

const std::string kIni = scanhook::testing::quick_daemon_ini() +
                         "dead_letter_count = 100\ndead_letter_bytes = 536870912\n"
                         "[source.sonarr]\n[target.log]\n";

}  // namespace

TEST_CASE(
    "twelve dead letters of 10 MB list in kilobytes with bounded memory, and each is fetched whole",
    "[deadletters][daemon]") {
  TempDir dir;
  {
    DaemonProcess filler(dir.path(), kIni);
    REQUIRE(filler.wait_until_listening());
    const scanhook::testing::DaemonClient client(filler.url());
    for (int i = 0; i < kLetters; ++i)
      REQUIRE(client.post("/triggers/sonarr", refused_body(i), "application/json").status == 400);
    filler.send_signal(SIGTERM);
    REQUIRE(filler.wait_for_exit() == 0);
  }
  // A fresh daemon on those letters: its memory is what serving them costs.
  DaemonProcess daemon(dir.path(), kIni);
  REQUIRE(daemon.wait_until_listening());
  scanhook::support::HttpOptions slow;
  slow.timeout = std::chrono::seconds(60);  // a 10 MB answer under a loaded machine
  const scanhook::support::HttpClient http(daemon.url(), slow);
  // VmHWM from here on is the most this process is resident while serving.
  std::ofstream("/proc/" + std::to_string(daemon.pid()) + "/clear_refs") << "5";
  const long before = status_kib(daemon.pid(), "VmRSS");
  const auto listed = http.send("GET", "/api/deadletters");
  const long peak = status_kib(daemon.pid(), "VmHWM");
  REQUIRE(listed.status == 200);
  INFO("VmRSS " << before << " KiB before, VmHWM " << peak << " KiB after");
  // Twelve entries of metadata and a 256-byte preview each (the whole
  // bodies made 126 MB of JSON and a peak of ~300 MB here).
  CHECK(listed.body.size() < 64 * 1024);
  CHECK(peak - before < 32 * 1024);

  const auto letters = Poco::JSON::Parser()
                           .parse(listed.body)
                           .extract<Poco::JSON::Object::Ptr>()
                           ->getArray("dead_letters");
  REQUIRE(letters->size() == kLetters);
  for (std::size_t n = 0; n < letters->size(); ++n) {
    const auto letter = letters->getObject(n);
    CHECK(letter->getValue<std::size_t>("body_bytes") == kBodyBytes);
    CHECK(letter->getValue<bool>("body_preview_cut"));
    CHECK(letter->getValue<std::string>("body_preview").size() == 256);
    CHECK_FALSE(letter->has("body"));
  }

  {
    INFO("a letter is fetched whole: a UTF-8 body as a string, any other as base64");
    const auto newest = letters->getObject(0)->getValue<std::int64_t>("id");
    const auto oldest = letters->getObject(kLetters - 1)->getValue<std::int64_t>("id");
    const auto raw = http.send("GET", "/api/deadletters/" + std::to_string(newest));
    REQUIRE(raw.status == 200);
    const auto raw_letter = Poco::JSON::Parser().parse(raw.body).extract<Poco::JSON::Object::Ptr>();
    CHECK(raw_letter->getValue<std::size_t>("body_bytes") == kBodyBytes);
    CHECK(base64_decoded(raw_letter->getObject("body")->getValue<std::string>("base64")) ==
          refused_body(kLetters - 1));
    const auto text = http.send("GET", "/api/deadletters/" + std::to_string(oldest));
    REQUIRE(text.status == 200);
    CHECK(Poco::JSON::Parser()
              .parse(text.body)
              .extract<Poco::JSON::Object::Ptr>()
              ->getValue<std::string>("body") == refused_body(0));
    CHECK(http.send("GET", "/api/deadletters/999").body == R"({"error":"no dead letter 999"})");

    INFO("a replay sends the stored bytes: refused again for the same reason, kept unchanged");
    const auto replayed =
        http.send("POST", "/api/deadletters/" + std::to_string(newest) + "/replay");
    CHECK(replayed.status == 400);
    CHECK_THAT(replayed.body, Catch::Contains("body is not valid JSON"));
    const auto again =
        Poco::JSON::Parser()
            .parse(http.send("GET", "/api/deadletters/" + std::to_string(newest)).body)
            .extract<Poco::JSON::Object::Ptr>();
    CHECK(again->getValue<int>("attempts") == 2);
    CHECK(again->getObject("body")->getValue<std::string>("base64") ==
          raw_letter->getObject("body")->getValue<std::string>("base64"));
  }
}
