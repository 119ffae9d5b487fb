// The `rclone` plugin: a prepare-stage target that refreshes an rclone
// mount's VFS before the media servers scan, and a polling source that
// reports the changes of any rclone remote. Both talk to rclone's --rc.
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>

#include "change_poller.hpp"
#include "rc_client.hpp"
#include "scanhook/scanhook.hpp"
#include "scanhook/support/ca_file_rule.hpp"
#include "vfs_refresh_target.hpp"

namespace {

using scanhook::ConfigKey;
using scanhook::ConfigType;
using scanhook::kPollingSource;
using scanhook::kTarget;

constexpr std::uint32_t kBoth = kPollingSource | kTarget;

constexpr ConfigKey kConfigKeys[] = {
    {"url", ConfigType::url, "http://127.0.0.1:5572", kBoth, false,
     "rclone's remote control address (--rc-addr)"},
    {"username", ConfigType::string, "", kBoth, false, "rclone's --rc-user (HTTP Basic)"},
    {"password", ConfigType::secret, "", kBoth, false, "rclone's --rc-pass (HTTP Basic)"},
    {"ca_file", ConfigType::string, "", kBoth, false,
     "PEM CA to trust when url is https (rclone's --rc-cert)"},
    {"timeout", ConfigType::duration, "30s", kTarget, false, "time allowed for one vfs/refresh"},
    {"fs", ConfigType::string, "", kTarget, false,
     "the VFS to refresh, as vfs/list names it; needed when rclone serves several"},
    {"recursive", ConfigType::boolean, "false", kTarget, false,
     "refresh the whole tree under each folder, not only the folder"},
    {"missing_retries", ConfigType::integer, "5", kTarget, false,
     "retries of a folder rclone does not have yet before it is rejected"},
    {"missing_retry_after", ConfigType::duration, "1m", kTarget, false,
     "wait between those retries (0: the queue's backoff)"},
    {"max_batch", ConfigType::integer, "50", kTarget, false, "folders per vfs/refresh call"},
    {"remote", ConfigType::string, nullptr, kPollingSource, true,
     "the rclone remote to watch, e.g. gdrive:Media (a configured remote or a local path)"},
    {"interval", ConfigType::duration, "5m", kPollingSource, false, "time between two listings"},
    {"path_prefix", ConfigType::string, "", kPollingSource, false,
     "reported paths are <path_prefix>/<path in the remote>, e.g. /mnt/remote"},
    {"list_timeout", ConfigType::duration, "10m", kPollingSource, false,
     "time allowed for one full listing of the remote"},
    {"max_deleted_percent", ConfigType::integer, "50", kPollingSource, false,
     "percent: a poll finding more of the remote's files gone than this (and at least 10) is "
     "held, not queued (100: off)"},
};

constexpr std::int64_t kNoMax = std::numeric_limits<std::int64_t>::max();

constexpr scanhook::ConfigRange kConfigRanges[] = {
    {"missing_retries", 0, 1000},
    {"max_batch", 1, 1000},
    {"interval", 1000, kNoMax},  // ms: a listing of the whole remote at most once a second
    {"max_deleted_percent", 1, 100},
};

std::chrono::seconds whole_seconds(std::chrono::milliseconds duration) {
  return std::chrono::duration_cast<std::chrono::seconds>(duration);
}

scanhook::rclone::RcClient make_rc(const scanhook::CreateArgs& args,
                                   std::chrono::milliseconds timeout) {
  const auto& config = *args.config;
  const std::string section =
      std::string(args.kind == scanhook::kTarget ? "target." : "source.") + args.instance;
  try {
    return scanhook::rclone::RcClient({config.string("url"), config.string("username"),
                                       config.string("password"), timeout, config.string("ca_file"),
                                       section});
  } catch (const std::invalid_argument& error) {
    throw std::runtime_error(std::string("url: ") + error.what());
  }
}

// What the ranges cannot say; nothing is made or started.
void check(const scanhook::CheckArgs& args) {
  const auto& config = *args.config;
  const std::string url = config.string("url");
  scanhook::support::HttpOptions tls;  // rclone's client always checks certificates
  tls.ca_file = config.string("ca_file");
  scanhook::support::check_ca_file(tls, url.rfind("https://", 0) == 0, url);
  if (args.kind != kPollingSource) return;
  if (config.string("remote").empty())
    throw scanhook::ConfigRefusal("remote",
                                  "empty: name the rclone remote to watch, e.g. gdrive:Media");
  const std::string prefix = config.string("path_prefix");
  if (!prefix.empty() && prefix[0] != '/')
    throw scanhook::ConfigRefusal(
        "path_prefix", "must be an absolute path such as /mnt/remote, not \"" + prefix + "\"");
}

std::unique_ptr<scanhook::Instance> make_target(const scanhook::CreateArgs& args) {
  const auto& config = *args.config;
  scanhook::rclone::RefreshSettings settings;
  settings.fs = config.string("fs");
  settings.recursive = config.boolean("recursive");
  settings.missing_retries = static_cast<int>(config.integer("missing_retries"));
  settings.missing_retry_after = whole_seconds(config.duration("missing_retry_after"));
  settings.max_batch = static_cast<std::size_t>(config.integer("max_batch"));
  return std::make_unique<scanhook::rclone::VfsRefreshTarget>(
      args.instance, make_rc(args, config.duration("timeout")), settings, *args.host);
}

std::unique_ptr<scanhook::Instance> make_poller(const scanhook::CreateArgs& args) {
  const auto& config = *args.config;
  scanhook::rclone::PollSettings settings;
  settings.remote = config.string("remote");
  settings.interval = config.duration("interval");
  settings.path_prefix = config.string("path_prefix");
  while (!settings.path_prefix.empty() && settings.path_prefix.back() == '/')
    settings.path_prefix.pop_back();
  settings.max_deleted_percent = static_cast<int>(config.integer("max_deleted_percent"));
  return std::make_unique<scanhook::rclone::ChangePoller>(
      make_rc(args, config.duration("list_timeout")), settings, *args.host);
}

std::unique_ptr<scanhook::Instance> make(const scanhook::CreateArgs& args) {
  if (args.kind == kTarget) return make_target(args);
  return make_poller(args);
}

}  // namespace

SCANHOOK_PLUGIN_CHECKED(
    "rclone", "1.0.0",
    "Refreshes an rclone mount's VFS before scans; polls any rclone remote for changes",
    kPollingSource | kTarget, kConfigKeys, kConfigRanges, check, make)
