#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <signal.h>
#include <catch2/catch.hpp>

#include <cstdio>
#include <regex>

#include "fakes/fake_plex_tv.hpp"
#include "scanhook/core/store/postgres_connection.hpp"
#include "support/daemon_process.hpp"
#include "support/postgres_server.hpp"
#include "support/temp_dir.hpp"

using Catch::Matchers::Contains;
using scanhook::fakes::FakePlexTv;
using scanhook::testing::DaemonProcess;
using scanhook::testing::PostgresServer;
using scanhook::testing::run_scanhookd;
using scanhook::testing::TempDir;

namespace {

std::string ini_for(const FakePlexTv& plex_tv, const std::string& database = "{dir}/scanhook.db") {
  return "[server]\nlisten = 127.0.0.1:0\ndatabase = " + database +
         "\n[service.plex_optout]\nplextv_url = " + plex_tv.url() + "\n";
}

// Signs in through `plex-sources login`, approving the PIN at the fake.
void sign_in(const TempDir& dir, FakePlexTv& plex_tv, const std::string& token,
             const std::string& database = "{dir}/scanhook.db") {
  DaemonProcess login(dir.path(), ini_for(plex_tv, database), {"plex-sources", "login"});
  REQUIRE(login.wait_for_output("Waiting for approval"));
  CHECK_THAT(login.output(), Contains("https://app.plex.tv/auth#?clientID="));
  REQUIRE(plex_tv.last_pin_id());
  plex_tv.approve(*plex_tv.last_pin_id(), token);
  REQUIRE(login.wait_for_exit(std::chrono::seconds(10)) == std::optional<int>(0));
  CHECK_THAT(login.output(), Contains("Signed in to plex.tv as alice."));
}

scanhook::testing::CommandResult plex_sources(const TempDir& dir, std::vector<std::string> words) {
  std::vector<std::string> args = {"--config", (dir.path() / "scanhook.ini").string(),
                                   "plex-sources"};
  args.insert(args.end(), words.begin(), words.end());
  return run_scanhookd(args);
}

}  // namespace

TEST_CASE("plex-sources signs in with a PIN, lists, sets and disables sources", "[plex-sources]") {
  FakePlexTv plex_tv;
  const auto account = plex_tv.add_account("token-alice", "alice");
  plex_tv.set_empty_until_changed(false);
  TempDir dir;
  sign_in(dir, plex_tv, "token-alice");

  auto result = plex_sources(dir, {"status"});
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.output, Contains("Signed in to plex.tv as alice."));

  result = plex_sources(dir, {"list"});
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.output, Contains("Online Media Sources of alice:") &&
                                Contains("opt_in           tv.plex.provider.music      Music"));

  result = plex_sources(dir, {"set", "tv.plex.provider.music", "opt_out"});
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.output, Contains("Music (tv.plex.provider.music) is now opt_out."));
  CHECK(plex_tv.opt_outs(account.uuid).at("tv.plex.provider.music") == "opt_out");

  result = plex_sources(dir, {"set", "tv.plex.provider.music", "opt_out_managed"});
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.output, Contains("Music cannot be opt_out_managed"));

  result = plex_sources(dir, {"disable-all"});
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.output, Contains("already_off") && Contains("Disabled 5 sources"));
  for (const auto& [key, value] : plex_tv.opt_outs(account.uuid)) {
    INFO(key);
    CHECK(value == "opt_out");
  }

  result = plex_sources(dir, {"logout"});
  CHECK(result.exit_code == 0);
  result = plex_sources(dir, {"list"});
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.output,
             Contains("not signed in") && Contains("Sign in with: scanhookd plex-sources login"));
}

TEST_CASE("plex-sources reports a failing source and a revoked token", "[plex-sources]") {
  FakePlexTv plex_tv;
  const auto account = plex_tv.add_account("token-alice", "alice");
  TempDir dir;
  sign_in(dir, plex_tv, "token-alice");

  plex_tv.fail_key("tv.plex.provider.news", 500);
  auto result = plex_sources(dir, {"disable-all"});
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.output, Contains("failed      tv.plex.provider.news") && Contains("1 failed"));
  CHECK(plex_tv.opt_outs(account.uuid).at("tv.plex.provider.news") == "opt_in");

  plex_tv.revoke("token-alice");
  result = plex_sources(dir, {"list"});
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.output, Contains("the Plex token was revoked"));
}

TEST_CASE("plex-sources explains its usage and a missing service", "[plex-sources]") {
  FakePlexTv plex_tv;
  TempDir dir;
  dir.write("scanhook.ini", "[server]\ndatabase = " + (dir.path() / "db").string() + "\n");
  auto result = plex_sources(dir, {"list"});
  CHECK(result.exit_code == 78);
  CHECK_THAT(result.output, Contains("no [service.NAME] with plugin = plex_optout"));

  dir.write("scanhook.ini", "[server]\ndatabase = " + (dir.path() / "db").string() +
                                "\n[service.plex_optout]\nplextv_url = " + plex_tv.url() + "\n");
  result = plex_sources(dir, {"set", "tv.plex.provider.music"});
  CHECK(result.exit_code == 64);
  CHECK_THAT(result.output, Contains("usage: scanhookd plex-sources"));
  result = plex_sources(dir, {"explode"});
  CHECK(result.exit_code == 64);
}

TEST_CASE("plex-sources is the plex_optout plugin's command: --help and plugins show it",
          "[plex-sources][commands]") {
  auto result = run_scanhookd({"--help"});
  CHECK(result.exit_code == 0);
  CHECK_THAT(
      result.output,
      Contains("  plex-sources login | logout | status | list | set KEY VALUE | disable-all\n") &&
          Contains("plex_optout plugin: Plex Online Media Sources"));
  result = run_scanhookd({"plugins"});
  CHECK_THAT(result.output, Contains("  plex_optout 1.0.0  [service, commands]  "));
  result = run_scanhookd({"no-such-command"});
  CHECK(result.exit_code == 64);
  CHECK_THAT(result.output, Contains("unknown command \"no-such-command\""));
}

TEST_CASE("plex-sources takes --service NAME and its other options after the command",
          "[plex-sources][commands]") {
  FakePlexTv plex_tv;
  TempDir dir;
  dir.write("scanhook.ini",
            "[server]\ndatabase = " + (dir.path() / "db").string() +
                "\n[service.home]\nplugin = plex_optout\nplextv_url = " + plex_tv.url() +
                "\n[service.office]\nplugin = plex_optout\n"
                "plextv_url = " +
                plex_tv.url() + "\n");
  auto result = plex_sources(dir, {"status"});
  CHECK(result.exit_code == 78);
  CHECK_THAT(result.output, Contains("several plex_optout services (home, office...): choose one "
                                     "with --service NAME"));
  result = plex_sources(dir, {"status", "--service", "attic"});
  CHECK(result.exit_code == 78);
  CHECK_THAT(result.output,
             Contains("no plex_optout service named \"attic\" (there is: home, office)"));
  result = plex_sources(dir, {"--service", "office", "status"});
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.output, Contains("Not signed in: scanhookd plex-sources login"));
  result = plex_sources(dir, {"--service=home", "list"});
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.output, Contains("Sign in with: scanhookd plex-sources login"));
  result = plex_sources(dir, {"status", "--verbose"});
  CHECK(result.exit_code == 64);
  CHECK_THAT(result.output, Contains("usage: scanhookd plex-sources"));
}

TEST_CASE("plex-sources on a PostgreSQL configuration keeps its sign-in in that database",
          "[plex-sources][postgres]") {
  FakePlexTv plex_tv;
  plex_tv.add_account("token-alice", "alice");
  const std::string url = PostgresServer::shared().fresh_database();
  TempDir dir;
  sign_in(dir, plex_tv, "token-alice", url);

  scanhook::core::PostgresConnection sql(url, "");
  CHECK(sql.run("SELECT COUNT(*) FROM plugin_store WHERE instance = 'plex_optout'").integer(0, 0) >
        0);
  dir.write("scanhook.ini", ini_for(plex_tv, url));
  auto result = plex_sources(dir, {"status"});
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.output, Contains("Signed in to plex.tv as alice."));
  // A SQLite file knows nothing of it.
  dir.write("scanhook.ini", ini_for(plex_tv, (dir.path() / "other.db").string()));
  result = plex_sources(dir, {"status"});
  CHECK_THAT(result.output, Contains("Not signed in"));
}

namespace {

// tests/fakes' fake plex.tv as its own program (what the browser tests and a
// user trying the CLI start): its plex.tv URL and control URL; SIGTERM at the end.
class FakePlexTvProgram {
 public:
  FakePlexTvProgram() {
    output_ = ::popen("'" FAKE_PLEX_TV_SERVER_PATH "' & echo \"pid $!\"", "r");
    REQUIRE(output_ != nullptr);
    char line[256];
    const std::regex urls(R"(fake plex.tv on (\S+) control http://127.0.0.1:(\d+))");
    while ((pid_ == 0 || control_port_ == 0) && std::fgets(line, sizeof line, output_)) {
      std::cmatch match;
      if (std::sscanf(line, "pid %d", &pid_) == 1) continue;
      if (std::regex_search(line, match, urls)) {
        url_ = match[1];
        control_port_ = static_cast<unsigned short>(std::stoi(match[2]));
      }
    }
    REQUIRE(pid_ > 0);
    REQUIRE(control_port_ != 0);
  }
  ~FakePlexTvProgram() {
    if (pid_ > 0) ::kill(pid_, SIGTERM);
    ::pclose(output_);
  }

  const std::string& url() const { return url_; }

  // A control request as `curl -X POST URL` sends it: no Content-Length, no
  // body. The answer's first line, or "" when none came within 10 s.
  std::string post_without_length(const std::string& path) const {
    Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", control_port_));
    socket.setReceiveTimeout(Poco::Timespan(10, 0));
    const std::string request = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    socket.sendBytes(request.data(), static_cast<int>(request.size()));
    char buffer[512] = {};
    try {
      const int got = socket.receiveBytes(buffer, sizeof buffer - 1);
      const std::string answer(buffer, got > 0 ? static_cast<std::size_t>(got) : 0);
      return answer.substr(0, answer.find("\r\n"));
    } catch (const Poco::TimeoutException&) {
      return "";
    }
  }

 private:
  FILE* output_ = nullptr;
  int pid_ = 0;
  unsigned short control_port_ = 0;
  std::string url_;
};

}  // namespace

TEST_CASE("plex-sources login completes against the fake plex.tv program approved as curl does",
          "[plex-sources]") {
  FakePlexTvProgram plex_tv;
  TempDir dir;
  DaemonProcess login(dir.path(),
                      "[server]\nlisten = 127.0.0.1:0\ndatabase = {dir}/scanhook.db\n"
                      "[service.plex_optout]\nplextv_url = " +
                          plex_tv.url() + "\n",
                      {"plex-sources", "login"});
  REQUIRE(login.wait_for_output("Waiting for approval"));
  // The fake used to wait for a body such a request cannot have (RFC 9112
  // 6.3), so the approval landed only after its 60 s timeout.
  CHECK(plex_tv.post_without_length("/__fake/approve") == "HTTP/1.1 200 OK");
  REQUIRE(login.wait_for_exit(std::chrono::seconds(10)) == std::optional<int>(0));
  CHECK_THAT(login.output(), Contains("Signed in to plex.tv as alice."));
}
