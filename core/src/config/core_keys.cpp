#include "scanhook/core/config/core_keys.hpp"

#include <Poco/Exception.h>
#include <Poco/Logger.h>

#include <stdexcept>
#include <type_traits>
#include <utility>

#include "scanhook/config_value.hpp"
#include "scanhook/core/http/http_server.hpp"
#include "scanhook/core/notify/notification_outbox.hpp"

namespace scanhook::core {

namespace {

using Int64 = std::numeric_limits<std::int64_t>;
constexpr std::int64_t kNoMin = Int64::min();  // a duration: never negative anyway
constexpr std::int64_t kNoMax = Int64::max();
// More worker threads than this only cost memory: connections wait for a
// worker without holding a thread (connection_reactor.hpp).
constexpr std::int64_t kMaxWorkerThreads = 1024;
constexpr const char* kNoClientInTime = "no client could send a request in time";
constexpr const char* kWouldSpin = "0 would spin a core";
// Upper bounds: a value past them is a typo, and some would overflow later
// (a deadline in steady_clock nanoseconds, a poll's Poco::Timespan in
// microseconds): header_timeout = 999999999d closed every POST unanswered.
constexpr std::int64_t kHour = 3'600'000;  // ms
constexpr std::int64_t kDay = 24 * kHour;
constexpr std::int64_t kMaxClientWait = kDay;
constexpr std::int64_t kMaxWait = 30 * kDay;
constexpr std::int64_t kMaxHistory = 3650 * kDay;
constexpr std::int64_t kMaxBytes = 1LL << 30;  // a body is held in memory whole
constexpr std::int64_t kMaxCount = 1'000'000;
constexpr std::int64_t kMaxPriority = 1'000'000;  // priorities add: two must not overflow an int
// The lease is renewed every third of it while a target works; below 1s the
// renewals (a database round trip each) cannot keep up, and another healthy
// instance sends the same folders again.
constexpr std::int64_t kShortestLease = 1000;
constexpr const char* kLeaseWhy =
    "renewed every third of it while a target works: a shorter lease runs out between "
    "renewals and another instance sends the same folders again";

// ---- one value into one field ----------------------------------------------
// The values were checked against the key's ConfigType and bounds first, so
// only the keys with rules of their own can fail here.

Expected<void> assign(std::string& field, const SettingValues& values) {
  field = values.back();
  return {};
}

Expected<void> assign(std::vector<std::string>& field, const SettingValues& values) {
  field = values;
  return {};
}

Expected<void> assign(bool& field, const SettingValues& values) {
  field = parse_boolean(values.back()).value();
  return {};
}

template <class Integer, std::enable_if_t<std::is_integral_v<Integer>, int> = 0>
Expected<void> assign(Integer& field, const SettingValues& values) {
  field = static_cast<Integer>(parse_integer(values.back()).value());
  return {};
}

Expected<void> assign(std::chrono::milliseconds& field, const SettingValues& values) {
  field = parse_duration(values.back()).value();
  return {};
}

Expected<void> assign(ListenAddress& field, const SettingValues& values) {
  try {
    auto [host, port] = parse_listen_address(values.back());
    field = {values.back(), std::move(host), port};
    return {};
  } catch (const std::invalid_argument& error) {
    return failure(error.what());
  }
}

Expected<void> assign(LogPriority& field, const SettingValues& values) {
  try {
    field = static_cast<LogPriority>(Poco::Logger::parseLevel(values.back()));
    return {};
  } catch (const Poco::InvalidArgumentException&) {
    return failure("\"" + values.back() +
                   "\" is not a level (fatal, critical, error, warning, notice, information, "
                   "debug, trace)");
  }
}

Expected<void> assign(std::vector<NotificationEvent>& field, const SettingValues& values) {
  auto events = parse_notification_events(values.back());
  if (!events) return events.error();
  field = std::move(events).value();
  return {};
}

// The field `access` reaches in a Settings, with its type's range.
template <class Settings, class Access>
SettingField<Settings> field_at(Access access) {
  using Field = std::remove_reference_t<decltype(access(std::declval<Settings&>()))>;
  SettingField<Settings> field;
  field.store = [access](Settings& settings, const SettingValues& values) {
    return assign(access(settings), values);
  };
  field.repeatable = std::is_same_v<Field, std::vector<std::string>>;
  if constexpr (std::is_integral_v<Field> && !std::is_same_v<Field, bool>) {
    field.min =
        std::is_signed_v<Field> ? static_cast<std::int64_t>(std::numeric_limits<Field>::min()) : 0;
    field.max = static_cast<std::uint64_t>(std::numeric_limits<Field>::max()) >
                        static_cast<std::uint64_t>(kNoMax)
                    ? kNoMax
                    : static_cast<std::int64_t>(std::numeric_limits<Field>::max());
  }
  return field;
}

template <class Settings, class Field>
SettingField<Settings> into(Field Settings::*member) {
  return field_at<Settings>([member](Settings& settings) -> Field& { return settings.*member; });
}

template <class Settings>
SettingField<Settings> into_rules(std::vector<std::string> PathRuleSettings::*member) {
  return field_at<Settings>(
      [member](Settings& settings) -> std::vector<std::string>& { return settings.rules.*member; });
}

// ---- keys shared by several kinds of section -------------------------------

template <class Settings>
CoreKey<Settings> plugin_key() {
  // Read before validation, to find the plugin (Config's InstanceConfig::plugin).
  return {"plugin", ConfigType::string, nullptr, "plugin name (default: the instance name)", {}};
}

template <class Settings>
std::vector<CoreKey<Settings>> path_rule_keys() {
  return {
      {"rewrite", ConfigType::string, nullptr,
       "FROM => TO prefix or ~REGEX => TO path rewrite, first match applies (repeatable)",
       into_rules<Settings>(&PathRuleSettings::rewrite)},
      {"include", ConfigType::regex, nullptr, "only paths matching (repeatable)",
       into_rules<Settings>(&PathRuleSettings::include)},
      {"exclude", ConfigType::regex, nullptr, "never paths matching (repeatable)",
       into_rules<Settings>(&PathRuleSettings::exclude)},
  };
}

template <class Settings>
std::vector<CoreKey<Settings>> joined(std::initializer_list<std::vector<CoreKey<Settings>>> parts) {
  std::vector<CoreKey<Settings>> keys;
  for (const auto& part : parts) keys.insert(keys.end(), part.begin(), part.end());
  return keys;
}

}  // namespace

const std::vector<CoreKey<ServerSettings>>& server_keys() {
  using S = ServerSettings;
  static const std::vector<CoreKey<S>> keys = {
      {"listen", ConfigType::string, "127.0.0.1:3030", "address:port to listen on",
       into(&S::listen)},
      // Read before validation, to find the plugins (plugin_dir_of); Config::plugin_dir.
      {"plugin_dir",
       ConfigType::string,
       "",
       "folder of plugin .so files (empty: ../lib/scanhook/plugins beside the binary)",
       {}},
      {"database", ConfigType::string, "state/scanhook.db",
       "SQLite file (relative paths start at the working directory), or "
       "postgresql://user@host:port/db to share one queue between several scanhookd",
       into(&S::database)},
      {"database_password", ConfigType::secret, "",
       "the PostgreSQL user's password (not for a SQLite file)", into(&S::database_password)},
      {"instance_name", ConfigType::string, "",
       "this scanhookd's name in a shared PostgreSQL queue's history (empty: the host name)",
       into(&S::instance_name)},
      {"username", ConfigType::string, "", "HTTP Basic user for the API and UI",
       into(&S::username)},
      {"password", ConfigType::secret, "", "HTTP Basic password for the API and UI",
       into(&S::password)},
      {"session_idle_timeout", ConfigType::duration, "12h",
       "a web UI session ends after this long without a request", into(&S::session_idle_timeout),
       1000, kMaxWait, "every login would end at once; past it a forgotten session stays open"},
      {"allow_unauthenticated", ConfigType::boolean, "false",
       "allow listening on a non-loopback address without credentials",
       into(&S::allow_unauthenticated)},
      {"max_body_size", ConfigType::integer, "16777216", "largest request body in bytes",
       into(&S::max_body_size), 1, kMaxBytes, "bytes, held in memory whole"},
      {"max_paths_per_request", ConfigType::integer, "10000",
       "most paths one request may name (a webhook's files, ?dir=, \"paths\"): more get 413",
       into(&S::max_paths_per_request), 1, kMaxCount},
      {"server_name", ConfigType::string, nullptr,
       "without credentials: a Host (name or name:port) served besides loopback's (repeatable)",
       into(&S::server_names)},
      {"trusted_proxies", ConfigType::string, nullptr,
       "reverse proxies (CIDRs) whose X-Forwarded-For names the client (repeatable)",
       into(&S::trusted_proxies)},
      {"request_timeout", ConfigType::duration, "30s",
       "a request body may take this long plus its size at min_body_rate; a reply's client "
       "must take it within this",
       into(&S::request_timeout), 100, kMaxClientWait, kNoClientInTime},
      {"threads", ConfigType::integer, "16",
       "HTTP worker threads: they answer complete requests; connections need none",
       into(&S::threads), 1, kMaxWorkerThreads, "worker threads; connections wait without one"},
      {"header_timeout", ConfigType::duration, "10s",
       "a request head (request line and headers) must arrive whole within this",
       into(&S::header_timeout), 100, kMaxClientWait, kNoClientInTime},
      {"keep_alive_timeout", ConfigType::duration, "10s",
       "an idle keep-alive connection is closed after this", into(&S::keep_alive_timeout), 100,
       kMaxClientWait, kNoClientInTime},
      {"min_body_rate", ConfigType::integer, "65536",
       "bytes per second a request body is given on top of request_timeout",
       into(&S::min_body_rate), 1, kMaxBytes},
      {"max_connections", ConfigType::integer, "4096",
       "open connections at most; past it the longest-idle one is closed",
       into(&S::max_connections), 1, kMaxCount},
      {"max_connections_per_client", ConfigType::integer, "2048",
       "open connections at most from one IP address (a reverse proxy is one)",
       into(&S::max_connections_per_client), 1, kMaxCount},
      {"access_log", ConfigType::boolean, "true", "log one line per HTTP request",
       into(&S::access_log)},
      {"log_level", ConfigType::string, "information", "debug, information, warning or error",
       into(&S::log_level)},
  };
  return keys;
}

const std::vector<CoreKey<QueueSettings>>& queue_keys() {
  using S = QueueSettings;
  static const std::vector<CoreKey<S>> keys = {
      {"minimum_age", ConfigType::duration, "10m",
       "how long a folder waits after its last event before it is scanned", into(&S::minimum_age),
       kNoMin, kMaxWait},
      {"anchor", ConfigType::path, nullptr,
       "a file that must exist before anything is dispatched (repeatable)", into(&S::anchors)},
      {"retry_initial", ConfigType::duration, "30s",
       "wait before the first retry of a folder; doubles (with jitter) on each retry",
       into(&S::retry_initial), 1, kMaxWait, kWouldSpin},
      {"retry_max", ConfigType::duration, "1h", "longest wait between two retries",
       into(&S::retry_max), 1, kMaxWait, kWouldSpin},
      {"probe_interval", ConfigType::duration, "30s",
       "how often an unavailable target is probed until it answers", into(&S::probe_interval), 1,
       kDay, kWouldSpin},
      {"idle_interval", ConfigType::duration, "1s",
       "how often an idle target looks for folders that became due", into(&S::idle_interval), 1,
       kHour, kWouldSpin},
      {"history_retention", ConfigType::duration, "30d",
       "how long finished deliveries stay in the history (0s keeps none: a warning)",
       into(&S::history_retention), kNoMin, kMaxHistory},
      {"lease", ConfigType::duration, "60s",
       "PostgreSQL: a delivery picked by one scanhookd is its own this long (one that dies "
       "loses its picks after this)",
       into(&S::lease), kShortestLease, kDay, kLeaseWhy},
      {"dead_letter_count", ConfigType::integer, "100",
       "most webhook bodies kept as dead letters (the oldest go first)",
       into(&S::dead_letter_count), 0, kMaxCount, "0 keeps none"},
      {"dead_letter_bytes", ConfigType::integer, "67108864",
       "most bytes of webhook bodies kept as dead letters", into(&S::dead_letter_bytes), 0,
       kMaxBytes, "0 keeps none"},
  };
  return keys;
}

// [manual]: what a source section says, for the built-in /triggers/manual.
const std::vector<CoreKey<ManualSettings>>& manual_keys() {
  using S = ManualSettings;
  static const std::vector<CoreKey<S>> keys =
      joined<S>({path_rule_keys<S>(),
                 {{"priority", ConfigType::integer, "0", "added to each folder's priority",
                   into(&S::priority), -kMaxPriority, kMaxPriority}}});
  return keys;
}

const std::vector<CoreKey<SourceSettings>>& source_keys() {
  using S = SourceSettings;
  static const std::vector<CoreKey<S>> keys = joined<S>(
      {{plugin_key<S>()},
       path_rule_keys<S>(),
       {
           {"priority", ConfigType::integer, "0", "added to each event's priority",
            into(&S::priority), -kMaxPriority, kMaxPriority},
           {"token", ConfigType::secret, "",
            "token a webhook must send (X-Scanhook-Token header or ?token=)", into(&S::token)},
           {"origin_target", ConfigType::string, "",
            "the target this source's events come from, never sent back to it (default: the "
            "target of the same instance name)",
            into(&S::origin_target)},
           {"pass", ConfigType::secret, "",
            "a webhook source is also served at GET and POST /<pass>, the path being its "
            "credential (plex_autoscan's SERVER_PASS); empty: off",
            into(&S::pass)},
       }});
  return keys;
}

const std::vector<CoreKey<TargetSettings>>& target_keys() {
  using S = TargetSettings;
  static const std::vector<CoreKey<S>> keys = joined<S>(
      {{plugin_key<S>()},
       path_rule_keys<S>(),
       {
           {"scan_delay", ConfigType::duration, "0s", "pause between two scans of this target",
            into(&S::scan_delay), kNoMin, kHour},
           {"scan_origin", ConfigType::boolean, "false",
            "also scan folders whose events came from this target's own source",
            into(&S::scan_origin)},
           {"required", ConfigType::boolean, "true",
            "prepare-stage targets: the scan stage waits for this one even while it is "
            "unavailable",
            into(&S::required)},
           {"require_exists", ConfigType::boolean, "false",
            "deliver a folder only once it exists on this machine (retried until exists_timeout)",
            into(&S::require_exists)},
           {"local_rewrite", ConfigType::string, nullptr,
            "FROM => TO: where a queued folder is on this machine, for require_exists "
            "(repeatable)",
            into(&S::local_rewrites)},
           {"exists_timeout", ConfigType::duration, "1h",
            "require_exists: a folder still missing this long after its first event is rejected",
            into(&S::exists_timeout), kNoMin, kMaxWait},
       }});
  return keys;
}

const std::vector<CoreKey<ServiceSettings>>& service_keys() {
  static const std::vector<CoreKey<ServiceSettings>> keys = {plugin_key<ServiceSettings>()};
  return keys;
}

const std::vector<CoreKey<NotifierSettings>>& notifier_keys() {
  using S = NotifierSettings;
  static const std::vector<CoreKey<S>> keys =
      joined<S>({{plugin_key<S>()},
                 {
                     {"events", ConfigType::string, "rejected, target_down, target_up, dead_letter",
                      "what to tell, comma-separated: delivered, rejected, target_down, target_up, "
                      "dead_letter",
                      into(&S::events)},
                     {"batch_wait", ConfigType::duration, "10s",
                      "how long a notification waits for others to share its message",
                      into(&S::batch_wait), kNoMin, kDay},
                     {"min_interval", ConfigType::duration, "2s",
                      "the least time between two messages (the receiver's rate limit)",
                      into(&S::min_interval), kNoMin, kDay},
                 }});
  return keys;
}

}  // namespace scanhook::core
