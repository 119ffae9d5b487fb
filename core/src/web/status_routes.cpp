#include "scanhook/core/web/status_routes.hpp"

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "scanhook/core/app/version.hpp"

namespace scanhook::core {

namespace {

std::string kinds_json(std::uint32_t kinds) {
  std::string out = "[";
  for (const Kind kind : kAllKinds)
    if (kinds & kind) out += (out.size() > 1 ? "," : "") + json_quote(kind_name(kind));
  return out + "]";
}

double read_proc_number(const char* file, int field) {
  std::ifstream in(file);
  std::string word;
  for (int i = 0; i <= field && in >> word; ++i) {
  }
  try {
    return std::stod(word);
  } catch (const std::exception&) {
    return 0;
  }
}

// A database that answers reads but refuses writes (a full disk) is not
// "unreachable": last_write_error then says why.
std::string database_state(const DatabaseStatus& status) {
  if (status.ok) return "\"reachable\"";
  return status.last_write_failure ? "\"unwritable\"" : "\"unreachable\"";
}

}  // namespace

void add_status_routes(Router& router, const PluginCatalog& catalog, Metrics& metrics,
                       std::function<DatabaseStatus()> database_status) {
  router.add("GET", "/health", Access::open,
             [&catalog, database_status](const HttpRequest&, const RouteParams&) {
               const DatabaseStatus status = database_status();
               const bool database = status.ok;
               std::string plugins = "[";
               for (const auto& [name, library] : catalog.loaded()) {
                 const Descriptor& d = library->descriptor();
                 plugins += (plugins.size() > 1 ? "," : "") + std::string("{\"name\":") +
                            json_quote(name) + ",\"version\":" + json_quote(d.version) +
                            ",\"kinds\":" + kinds_json(d.kinds) + "}";
               }
               plugins += "]";
               const std::string body =
                   std::string("{\"status\":") + (database ? "\"ok\"" : "\"degraded\"") +
                   ",\"version\":" + json_quote(kVersion) +
                   ",\"database\":" + database_state(status) +
                   (status.last_write_failure
                        ? ",\"last_write_error\":" + json_quote(*status.last_write_failure)
                        : std::string()) +
                   ",\"plugins\":" + plugins + "}";
               return HttpReply{database ? 200 : 503, "application/json", body, {}};
             });
  router.add("GET", "/metrics", Access::open, [&metrics](const HttpRequest&, const RouteParams&) {
    return HttpReply{200, "text/plain; version=0.0.4; charset=utf-8", metrics.render(), {}};
  });
}

void add_process_metrics(Metrics& metrics) {
  const double start_time =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  const long page_size = ::sysconf(_SC_PAGESIZE);
  const long ticks = ::sysconf(_SC_CLK_TCK);
  metrics.gauge("process_start_time_seconds", "Start time of the process since the Unix epoch",
                [start_time] { return start_time; });
  metrics.gauge("process_resident_memory_bytes", "Resident memory size in bytes",
                [page_size] { return read_proc_number("/proc/self/statm", 1) * page_size; });
  metrics.gauge("process_cpu_seconds_total", "User and system CPU time in seconds", [ticks] {
    // Fields 14 and 15 of /proc/self/stat (utime, stime), counted from 0.
    std::ifstream in("/proc/self/stat");
    std::string line;
    std::getline(in, line);
    std::istringstream fields(line.substr(line.rfind(')') + 2));
    std::string word;
    double total = 0;
    for (int i = 3; i <= 15 && fields >> word; ++i)
      if (i >= 14) total += std::stod(word);
    return total / static_cast<double>(ticks);
  });
  metrics.gauge("process_open_fds", "Open file descriptors", [] {
    std::error_code error;
    double count = 0;
    for (auto it = std::filesystem::directory_iterator("/proc/self/fd", error);
         !error && it != std::filesystem::directory_iterator(); it.increment(error))
      ++count;
    return count;
  });
}

}  // namespace scanhook::core
