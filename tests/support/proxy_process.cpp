#include "support/proxy_process.hpp"

#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

extern char** environ;

namespace scanhook::testing {

namespace {

using namespace std::chrono_literals;

// What nginx needs around the site to run unprivileged in `dir`: every path
// it would otherwise take from its build (/var/lib/nginx, /var/log/nginx).
std::string nginx_main(const std::string& dir) {
  std::string conf = "worker_processes 1;\npid " + dir + "/nginx.pid;\nerror_log stderr notice;\n" +
                     "events { worker_connections 128; }\nhttp {\n  access_log off;\n";
  for (const char* kind : {"client_body", "proxy", "fastcgi", "uwsgi", "scgi"})
    conf += std::string("  ") + kind + "_temp_path " + dir + "/" + kind + ";\n";
  return conf + "  include " + dir + "/site.conf;\n}\n";
}

// Caddy's global options for a test: no admin endpoint (its default port is
// shared by every Caddy on the host), no certificates.
const char* kCaddyGlobal = "{\n\tadmin off\n\tauto_https off\n}\n";

bool accepts(unsigned short port) {
  try {
    Poco::Net::StreamSocket socket;
    socket.connect(Poco::Net::SocketAddress("127.0.0.1", port), Poco::Timespan(0, 200'000));
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace

std::string ProxyProcess::find(Kind kind) {
  const std::string name = kind == Kind::nginx ? "nginx" : "caddy";
  std::string path = std::getenv("PATH") ? std::getenv("PATH") : "";
  path += ":/usr/sbin:/sbin";
  std::stringstream folders(path);
  for (std::string folder; std::getline(folders, folder, ':');) {
    if (folder.empty()) continue;
    const auto candidate = std::filesystem::path(folder) / name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
  }
  return "";
}

ProxyProcess::ProxyProcess(Kind kind, const std::string& site, unsigned short port)
    : dir_("scanhook-proxy") {
  const std::string program = find(kind);
  if (program.empty()) throw std::runtime_error("the proxy is not installed");
  const std::string dir = dir_.path().string();
  std::vector<std::string> args;
  std::vector<std::string> environment;
  if (kind == Kind::nginx) {
    dir_.write("site.conf", site);
    dir_.write("nginx.conf", nginx_main(dir));
    args = {program, "-p", dir, "-c", dir + "/nginx.conf", "-e", "stderr", "-g", "daemon off;"};
  } else {
    dir_.write("Caddyfile", kCaddyGlobal + site);
    args = {program, "run", "--config", dir + "/Caddyfile", "--adapter", "caddyfile"};
    // Caddy keeps its data under $HOME or $XDG_*_HOME: here, not nobody's /nonexistent.
    environment = {"HOME=" + dir, "XDG_DATA_HOME=" + dir + "/data",
                   "XDG_CONFIG_HOME=" + dir + "/config"};
  }
  // Root runs it as nobody, who must be able to write its folder.
  const passwd* nobody = ::geteuid() == 0 ? ::getpwnam("nobody") : nullptr;
  if (nobody) {
    std::filesystem::permissions(dir_.path(), std::filesystem::perms::all);
    if (::chown(dir.c_str(), nobody->pw_uid, nobody->pw_gid) != 0)
      throw std::runtime_error("cannot give " + dir + " to nobody");
  }

  // Built before fork: the child of a threaded process may not allocate.
  std::vector<char*> argv, envp;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  for (char** variable = environ; *variable; ++variable) envp.push_back(*variable);
  for (auto& variable : environment) envp.push_back(variable.data());
  envp.push_back(nullptr);
  const std::string log_path = dir + "/proxy.log";
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    const int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (log < 0) ::_exit(126);
    ::dup2(log, STDOUT_FILENO);
    ::dup2(log, STDERR_FILENO);
    ::close(log);
    ::setpgid(0, 0);  // nginx's workers are stopped with it
    if (nobody && (::setgroups(0, nullptr) != 0 || ::setgid(nobody->pw_gid) != 0 ||
                   ::setuid(nobody->pw_uid) != 0))
      ::_exit(126);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }

  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error(args[0] + " exited at start: " + log());
    }
    if (accepts(port)) return;
    std::this_thread::sleep_for(50ms);
  }
  stop();
  throw std::runtime_error(args[0] + " does not listen on port " + std::to_string(port) + ": " +
                           log());
}

ProxyProcess::~ProxyProcess() {
  stop();
}

void ProxyProcess::stop() {
  if (pid_ <= 0) return;
  ::kill(-pid_, SIGTERM);
  bool reaped = false;
  for (int i = 0; i < 100 && !(reaped = ::waitpid(pid_, nullptr, WNOHANG) == pid_); ++i)
    std::this_thread::sleep_for(50ms);
  ::kill(-pid_, SIGKILL);  // what is left of its group
  if (!reaped) ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

std::string ProxyProcess::log() const {
  std::ifstream in(dir_.path() / "proxy.log");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace scanhook::testing
