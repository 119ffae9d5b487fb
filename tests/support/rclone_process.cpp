#include "support/rclone_process.hpp"

#include <Poco/Base64Encoder.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "scanhook/support/http_client.hpp"

extern char** environ;

namespace scanhook::testing {

namespace {

using namespace std::chrono_literals;

// Exits of rclone that mean "try another port": it could not listen.
bool lost_port_race(const std::string& log) {
  return log.find("address already in use") != std::string::npos;
}

// The Authorization header for the --rc-user/--rc-pass among `args`, if any.
HeaderList basic_auth_from(const std::vector<std::string>& args) {
  std::string user, pass;
  for (std::size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == "--rc-user") user = args[i + 1];
    if (args[i] == "--rc-pass") pass = args[i + 1];
  }
  if (user.empty() && pass.empty()) return {};
  std::ostringstream encoded;
  Poco::Base64Encoder encoder(encoded);
  encoder << user << ":" << pass;
  encoder.close();
  return {{"Authorization", "Basic " + encoded.str()}};
}

}  // namespace

unsigned short free_port() {
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
  const unsigned short port = socket.address().port();
  socket.close();
  return port;
}

std::unique_ptr<RcloneProcess> RcloneProcess::rcd(const std::vector<std::string>& flags) {
  std::unique_ptr<RcloneProcess> process(new RcloneProcess());
  std::vector<std::string> args{"rcd"};
  args.insert(args.end(), flags.begin(), flags.end());
  process->start(args);
  return process;
}

std::unique_ptr<RcloneProcess> RcloneProcess::serve_http(const std::string& dir,
                                                         const std::vector<std::string>& flags) {
  std::unique_ptr<RcloneProcess> process(new RcloneProcess());
  std::vector<std::string> args{
      "serve", "http", dir, "--addr", "127.0.0.1:" + std::to_string(free_port()), "--rc"};
  args.insert(args.end(), flags.begin(), flags.end());
  process->start(args);
  return process;
}

RcloneProcess::~RcloneProcess() {
  stop();
}

std::string RcloneProcess::url() const {
  return "http://127.0.0.1:" + std::to_string(port_);
}

std::string RcloneProcess::log_text() const {
  std::ifstream in(home_.path() / "rclone.log");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void RcloneProcess::start(std::vector<std::string> args) {
  home_.write("rclone.conf", "");
  const std::string log = (home_.path() / "rclone.log").string();
  for (int attempt = 0; attempt < 3; ++attempt) {
    port_ = free_port();
    std::vector<std::string> full{"rclone"};
    full.insert(full.end(), args.begin(), args.end());
    for (const std::string& extra :
         {std::string("--rc-addr"), "127.0.0.1:" + std::to_string(port_), std::string("--config"),
          (home_.path() / "rclone.conf").string(), std::string("--cache-dir"),
          (home_.path() / "cache").string()})
      full.push_back(extra);
    std::vector<char*> argv;
    for (auto& arg : full) argv.push_back(arg.data());
    argv.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    const int failed = posix_spawnp(&pid_, "rclone", &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (failed != 0) {
      pid_ = -1;
      throw std::runtime_error(
          "cannot run rclone (is it installed? apt-get install rclone): error " +
          std::to_string(failed));
    }

    const support::HttpClient client(url(), {200ms, true, ""});
    const HeaderList credentials = basic_auth_from(args);
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        break;
      }
      // Another test's rclone may hold the port: only our own pid counts as started.
      const auto answer = client.send("POST", "/core/pid", credentials);
      if (answer.success() &&
          answer.body.find("\"pid\": " + std::to_string(pid_)) != std::string::npos)
        return;
      std::this_thread::sleep_for(20ms);
    }
    const std::string output = log_text();
    stop();
    if (!lost_port_race(output))
      throw std::runtime_error("rclone did not start its remote control: " + output);
  }
  throw std::runtime_error("rclone found no free port in 3 attempts");
}

void RcloneProcess::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + 3s;
  int status = 0;
  while (::waitpid(pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(10ms);
  }
  pid_ = -1;
}

}  // namespace scanhook::testing
