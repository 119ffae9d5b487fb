#include "scanhook/core/app/doctor_command.hpp"

#include <filesystem>
#include <memory>
#include <ostream>
#include <random>

#include "scanhook/core/pipeline/path_rules.hpp"
#include "scanhook/core/pipeline/presence_check.hpp"
#include "scanhook/core/plugins/instance_host.hpp"
#include "scanhook/core/plugins/target_descriptions.hpp"
#include "scanhook/core/store/database.hpp"
#include "scanhook/core/store/read_only_database.hpp"
#include "scanhook/core/text/counted.hpp"
#include "scanhook/target.hpp"
#include "scanhook/target_description.hpp"

namespace scanhook::core {

namespace {

// A folder removed with everything in it when the doctor is done.
class ScratchFolder {
 public:
  ScratchFolder() {
    std::random_device random;
    path_ = std::filesystem::temp_directory_path() /
            ("scanhook-doctor-" + std::to_string(random()) + std::to_string(random()));
    std::filesystem::create_directories(path_);
  }
  ~ScratchFolder() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// The queue's folders (oldest first), then the history's latest other ones.
constexpr const char* kRememberedFolders = R"sql(
    SELECT path FROM (SELECT path, 0 AS part, id FROM folders ORDER BY id LIMIT 50)
    UNION ALL
    SELECT folder FROM (SELECT folder, 1 AS part, max(id) AS id FROM history
                        WHERE folder != '' AND folder NOT IN (SELECT path FROM folders)
                        GROUP BY folder ORDER BY id DESC LIMIT 20))sql";

std::string verdict_text(const Result& result) {
  std::string text = status_name(result.status);
  if (!result.reason.empty()) text += ": " + result.reason;
  return text;
}

// What the probe found. Only a target that describes its server has asked
// one and had the credentials taken; another (log, command) says what it
// checked, or is only known to have passed its own probe.
std::string probe_text(const InstanceConfig& target, const Result& probe,
                       const Describable* describable) {
  if (probe.status != Status::ok) return "PROBLEM: " + verdict_text(probe);
  if (describable) return "reachable, credentials accepted";
  if (!probe.reason.empty()) return probe.reason;
  return "its probe passed (the " + target.plugin->name() + " plugin does not say what it checks)";
}

// require_exists: is the folder (and what it stands for locally) on this
// machine now? Files named by events are the daemon's, not known here.
bool examine_presence(const PresenceCheck& presence, const std::string& path, std::ostream& out) {
  const auto missing = presence.missing(path, now_millis());
  if (!missing) {
    out << "    require_exists: " << presence.local_path(path) << " exists\n";
    return true;
  }
  out << "    require_exists: PROBLEM: " << *missing
      << " (the target gets the folder only once it does)\n";
  return false;
}

// One target: what it says of its server (or its probe), then each path. True when all is well.
bool examine(const InstanceConfig& target, Target& instance, Describable* describable,
             const PresenceCheck* presence, const std::vector<std::string>& paths,
             std::ostream& out) {
  bool healthy = true;
  const TargetDescription description = describe_target(instance, describable);
  const Result& probe = description.state;
  out << "target " << target.instance << " (plugin " << target.plugin->name() << " "
      << target.plugin->descriptor().version << "): " << probe_text(target, probe, describable)
      << "\n";
  healthy = probe.status == Status::ok;
  if (!describable) {
    out << "  server: version unknown (the " << target.plugin->name()
        << " plugin does not describe its server)\n";
  } else if (probe.status == Status::ok) {
    out << "  server: " << description.product << " "
        << (description.version.empty() ? "(version unknown)" : description.version) << "\n";
    out << "  libraries:" << (description.libraries.empty() ? " none" : "") << "\n";
    for (const auto& library : description.libraries) {
      out << "    " << library.name << " (id " << library.id << "):";
      for (std::size_t i = 0; i < library.folders.size(); ++i)
        out << (i == 0 ? " " : ", ") << library.folders[i];
      out << "\n";
    }
  }
  const PathRuleSettings& configured = target.target().rules;
  const PathRules rules(configured.rewrite, configured.include, configured.exclude);
  for (const auto& path : paths) {
    const Rewritten rewritten = rules.rewrite(path);
    const auto checked = check_path(rewritten.path);
    out << "  " << path;
    if (!rewritten.rule.empty())
      out << " -> " << rewritten.path << " (rewrite " << rewritten.rule << ")";
    if (!checked) {
      out << ": PROBLEM: the rewritten path is refused: " << checked.error().message << "\n";
      healthy = false;
      continue;
    }
    const FilterVerdict filter = rules.filter(*checked);
    if (!filter.accepted) {
      out << ": not sent to this target (" << filter.reason << ")\n";
      continue;
    }
    const Explanation explanation = instance.explain({*checked, EventKind::modified, 0});
    if (explanation.verdict.status != Status::ok) {
      out << ": PROBLEM: " << verdict_text(explanation.verdict) << "\n";
      healthy = false;
      continue;
    }
    out << ": " << (explanation.library.empty() ? "(no library named)" : explanation.library)
        << "\n";
    for (const auto& request : explanation.requests) {
      out << "    " << request.method << " " << request.url << "\n";
      if (!request.body.empty()) out << "      " << request.body << "\n";
    }
    if (presence) healthy = examine_presence(*presence, path, out) && healthy;
  }
  return healthy;
}

// Without PATHs: the folders waiting in the configured database's queue and
// the latest ones of its history (read-only; the daemon may be running).
std::vector<std::string> remembered_folders(const Config& config, std::ostream& out) {
  const std::string& path = config.server.database;
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    out << "no PATH given, and no database at " << path << " yet: only the targets are checked\n";
    return {};
  }
  auto db = ReadOnlyDatabase::open(path);
  auto folders = db ? db.value().rows(kRememberedFolders) : db.error();
  if (!folders) {
    out << "no PATH given, and " << path << " cannot be read (" << folders.error().message
        << "): only the targets are checked\n";
    return {};
  }
  out << "no PATH given: the " << counted(folders->size(), "folder")
      << " queued or last in the history of " << path << "\n";
  return std::move(folders).value();
}

}  // namespace

int run_doctor(const Config& config, const std::vector<std::string>& given, std::ostream& out) {
  const std::vector<std::string> paths = given.empty() ? remembered_folders(config, out) : given;
  const ScratchFolder scratch;
  Database database((scratch.path() / "doctor.db").string());
  bool healthy = true;
  std::size_t targets = 0;
  for (const auto& target : config.instances) {
    if (target.role != Role::target) continue;
    ++targets;
    InstanceHost host(target.instance, database,
                      [](const std::string&, const std::vector<ScanEvent>&) { return false; });
    const auto made = target.plugin->create(kTarget, target.instance, target.plugin_config, host);
    if (!made) {
      out << "target " << target.instance << ": PROBLEM: [" << target.section << "] "
          << made.error().message << "\n";
      return 78;
    }
    std::unique_ptr<PresenceCheck> presence;
    if (target.target().require_exists) {
      try {
        presence = std::make_unique<PresenceCheck>(
            target.instance, target.target().local_rewrites, target.target().exists_timeout,
            nullptr, std::make_shared<FileDigests>());  // only the folders: no file events here
      } catch (const std::invalid_argument& bad_rule) {
        out << "target " << target.instance << ": PROBLEM: [" << target.section
            << "] local_rewrite: " << bad_rule.what() << "\n";
        return 78;
      }
    }
    healthy = examine(target, *std::static_pointer_cast<Target>(*made), host.describable(),
                      presence.get(), paths, out) &&
              healthy;
  }
  if (targets == 0) {
    out << "no [target.NAME] is configured: nothing would be scanned\n";
    return 1;
  }
  out << (healthy ? "doctor: all targets OK\n" : "doctor: problems found (see PROBLEM above)\n");
  return healthy ? 0 : 1;
}

}  // namespace scanhook::core
