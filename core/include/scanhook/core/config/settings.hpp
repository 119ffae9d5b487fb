// The core's settings, typed: one struct per kind of section, filled once by
// the validator (validate_config) from the key tables of core_keys.hpp, with
// defaults applied and values checked against their bounds. Nothing in the
// core reads a configuration key by name after validation; it reads these
// fields. The README's "[server] keys", "[queue] keys", source and target key
// tables describe the same keys.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "scanhook/notifier.hpp"

namespace scanhook::core {

// rewrite, include and exclude, as sources, targets and [manual] declare them.
struct PathRuleSettings {
  std::vector<std::string> rewrite;  // "FROM => TO" or "~REGEX => TO", first match applies
  std::vector<std::string> include;  // RE2 patterns: only paths matching one
  std::vector<std::string> exclude;  // RE2 patterns: never paths matching one
};

// [server] listen, split: "127.0.0.1:3030", "[::1]:3030", "localhost:0".
struct ListenAddress {
  std::string text;         // as written, for messages
  std::string host;         // an IP address (brackets removed) or "localhost"
  unsigned short port = 0;  // 0: the kernel picks one
};

// [server] log_level: Poco 1.11's Message::Priority numbers (Logger::parseLevel
// reads the names, any case, and the numbers 0-8).
enum class LogPriority : int {
  none = 0,
  fatal,
  critical,
  error,
  warning,
  notice,
  information,
  debug,
  trace,
};

// [server] (README: "[server] keys").
struct ServerSettings {
  ListenAddress listen;
  std::string database;  // a SQLite file, or a postgresql:// URL
  std::string database_password;
  std::string instance_name;  // "" : the host name
  std::string username;       // HTTP Basic for the API and UI; "" with password "": none
  std::string password;
  std::chrono::milliseconds session_idle_timeout{};  // at least 1s
  bool allow_unauthenticated = false;
  std::size_t max_body_size = 0;                // bytes, at least 1
  std::size_t max_paths_per_request = 0;        // at least 1
  std::vector<std::string> server_names;        // each server_name: a Host (name[:port], [v6]:port)
  std::vector<std::string> trusted_proxies;     // CIDRs (TrustedProxies::check)
  std::chrono::milliseconds request_timeout{};  // at least 100ms
  int threads = 0;                              // HTTP workers, 1 to 1024
  std::chrono::milliseconds header_timeout{};   // at least 100ms
  std::chrono::milliseconds keep_alive_timeout{};  // at least 100ms
  std::size_t min_body_rate = 0;                   // bytes per second, at least 1
  std::size_t max_connections = 0;                 // at least 1
  std::size_t max_connections_per_client = 0;      // at least 1
  bool access_log = true;
  LogPriority log_level = LogPriority::information;

  bool has_credentials() const { return !username.empty() || !password.empty(); }
};

// [queue] (README: "[queue] keys").
struct QueueSettings {
  std::chrono::milliseconds minimum_age{};
  std::vector<std::string> anchors;  // absolute paths
  std::chrono::milliseconds retry_initial{};
  std::chrono::milliseconds retry_max{};  // not below retry_initial
  std::chrono::milliseconds probe_interval{};
  std::chrono::milliseconds idle_interval{};
  std::chrono::milliseconds history_retention{};
  std::chrono::milliseconds lease{};  // PostgreSQL: how long an instance's pick stays its own
  std::size_t dead_letter_count = 0;
  std::size_t dead_letter_bytes = 0;
};

// [manual]: the built-in /triggers/manual's source rules.
struct ManualSettings {
  PathRuleSettings rules;
  int priority = 0;  // added to each folder's priority
};

// A [source.NAME] section's core keys (the plugin's own are its ConfigView).
struct SourceSettings {
  PathRuleSettings rules;
  int priority = 0;           // added to each event's priority
  std::string token;          // "" : none
  std::string origin_target;  // "" : the target of the same instance name, if any
  std::string pass;           // "" : off; else a URL path segment of 8+ safe characters
};

// A [target.NAME] section's core keys.
struct TargetSettings {
  PathRuleSettings rules;
  std::chrono::milliseconds scan_delay{};
  bool scan_origin = false;
  bool required = true;
  bool require_exists = false;
  std::vector<std::string> local_rewrites;  // each local_rewrite: "FROM => TO", for require_exists
  std::chrono::milliseconds exists_timeout{};
};

// A [service.NAME] section has no core key but `plugin`.
struct ServiceSettings {};

// A [notify.NAME] section's core keys.
struct NotifierSettings {
  std::vector<NotificationEvent> events;  // never empty
  std::chrono::milliseconds batch_wait{};
  std::chrono::milliseconds min_interval{};
};

}  // namespace scanhook::core
