#include "scanhook/core/app/startup_banner.hpp"

#include <Poco/Net/DNS.h>

#include <map>

#include "scanhook/core/http/http_server.hpp"

namespace scanhook::core {

namespace {

// The minimum_age the banner suggests while trying scanhook out; at or below
// it there is nothing to lower.
constexpr std::chrono::seconds kTryingOutAge{30};

// Where each product's own webhook dialog is (the README's set-up sections).
struct WebhookDialog {
  const char* product;
  const char* where;
};
const std::map<std::string, WebhookDialog>& dialogs() {
  static const std::map<std::string, WebhookDialog> known = {
      {"sonarr", {"Sonarr", "Settings → Connect → + → Webhook"}},
      {"radarr", {"Radarr", "Settings → Connect → + → Webhook"}},
      {"lidarr", {"Lidarr", "Settings → Connect → + → Webhook"}},
      {"readarr", {"Readarr", "Settings → Connect → + → Webhook"}},
      {"plex", {"Plex", "Plex Web → Settings → Webhooks → Add Webhook"}},
      {"jellyfin", {"Jellyfin", "Dashboard → Plugins → Webhook → Add Generic Destination"}},
      {"emby", {"Emby", "Settings → Notifications → Add Notification → Webhooks"}},
  };
  return known;
}

}  // namespace

std::string duration_text(std::chrono::milliseconds duration) {
  std::int64_t ms = duration.count();
  if (ms == 0) return "0s";
  if (ms % 1000 != 0) return std::to_string(ms) + "ms";
  std::int64_t seconds = ms / 1000;
  std::string text;
  for (const auto& [unit, size] : std::initializer_list<std::pair<const char*, std::int64_t>>{
           {"d", 86400}, {"h", 3600}, {"m", 60}, {"s", 1}}) {
    if (seconds >= size) {
      text += std::to_string(seconds / size) + unit;
      seconds %= size;
    }
  }
  return text;
}

std::string webhook_base_url(const std::string& listen_host, unsigned short port) {
  std::string host = listen_host;
  if (host.empty() || host == "0.0.0.0" || host == "::" || host == "[::]")
    host = Poco::Net::DNS::hostName();
  else if (host.find(':') != std::string::npos && host.front() != '[')
    host = "[" + host + "]";
  return "http://" + host + ":" + std::to_string(port);
}

std::vector<std::string> startup_banner(const Config& config, const std::string& base_url) {
  std::vector<std::string> lines;
  const bool server_credentials = config.server.has_credentials();
  for (const auto& instance : config.instances) {
    if (instance.role != Role::source) continue;
    const std::string& plugin = instance.plugin->name();
    if (instance.kind != kWebhookSource) {
      // Some poll (rclone), some watch (inotify): say only what holds for both.
      lines.push_back("source " + instance.instance + " (" + plugin +
                      "): scanhookd finds the changes itself (no webhook), nothing to set up in "
                      "an app");
      continue;
    }
    const auto dialog = dialogs().find(plugin);
    std::string line = "source " + instance.instance + ": in " +
                       (dialog != dialogs().end()
                            ? std::string(dialog->second.product) + ", " + dialog->second.where
                            : "the " + plugin + " app's webhook settings") +
                       ": URL " + base_url + "/triggers/" + instance.instance;
    const bool token = !instance.source().token.empty();
    if (token) line += "?token=<token of [" + instance.section + "]>";
    line += ", Method POST";
    if (server_credentials && !token)
      line += ", Username and Password: [server] username and password";
    if (!instance.source().pass.empty())
      line += "; or URL " + base_url + "/<pass of [" + instance.section + "]> with nothing else";
    lines.push_back(line);
  }
  if (is_loopback_host(config.server.listen.host))
    lines.push_back(
        "listening on loopback only: the apps must run on this machine (for another "
        "machine or a container set [server] listen = 0.0.0.0:3030 with username "
        "and password)");

  const std::string age = duration_text(config.queue.minimum_age);
  std::string wait = "a change is scanned " + age +
                     " after the last event for its folder ([queue] minimum_age = " + age +
                     "): the app may still be moving or renaming files until then, and several "
                     "events for one folder become one scan";
  if (config.queue.minimum_age > kTryingOutAge)
    wait += "; lower it (e.g. " + duration_text(kTryingOutAge) +
            ") to see scans sooner while trying things out";
  lines.push_back(wait);

  std::vector<std::string> targets;
  bool only_log = true;
  for (const auto& instance : config.instances) {
    if (instance.role != Role::target) continue;
    targets.push_back(instance.instance);
    only_log = only_log && instance.plugin->name() == "log";
  }
  if (targets.empty())
    lines.push_back("no [target.NAME] is configured: changes are queued but scanned nowhere");
  else if (only_log)
    lines.push_back(
        "scans go to the log only: add a [target.plex], [target.emby] or "
        "[target.jellyfin] section to scan a media server");
  return lines;
}

}  // namespace scanhook::core
