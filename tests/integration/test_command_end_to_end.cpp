// The command target end to end: the real scanhookd running real scripts
// for folders queued through /api/scan.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/stat.h>

#include <Poco/JSON/Array.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "support/eventually.hpp"
#include "support/plugin_daemon.hpp"
#include "support/temp_dir.hpp"

using Catch::Matchers::Contains;
using scanhook::testing::DaemonProcess;
using scanhook::testing::eventually;
using scanhook::testing::file_lines;
using scanhook::testing::PluginDaemon;
using scanhook::testing::TempDir;
namespace fs = std::filesystem;

namespace {

// Writes an executable script <scripts>/<name>; returns its path.
std::string write_script(const TempDir& scripts, const std::string& name, const std::string& text) {
  const auto file = scripts.write(name, text);
  ::chmod(file.c_str(), 0755);
  return file.string();
}

struct HistoryRow {
  std::string target;
  std::string folder;
  std::string outcome;
  std::string reason;
  int attempts = 0;
};

class CommandRig {
 public:
  // `targets`: the [target.*] sections.
  explicit CommandRig(const std::string& targets) : daemon_({"command"}, targets) {}

  DaemonProcess& daemon() { return daemon_.process(); }

  void scan(const std::vector<std::string>& paths) const {
    std::string body = "{\"paths\":[";
    for (std::size_t i = 0; i < paths.size(); ++i) body += (i ? ",\"" : "\"") + paths[i] + "\"";
    daemon_.client().post_json("/api/scan", body + "]}");
  }

  std::vector<HistoryRow> history() const {
    std::vector<HistoryRow> rows;
    const auto entries = daemon_.client().get_json("/api/history")->getArray("history");
    for (std::size_t i = 0; i < entries->size(); ++i) {
      const auto entry = entries->getObject(static_cast<unsigned>(i));
      rows.push_back({entry->getValue<std::string>("target"),
                      entry->getValue<std::string>("folder"),
                      entry->getValue<std::string>("outcome"),
                      entry->getValue<std::string>("reason"), entry->getValue<int>("attempts")});
    }
    return rows;
  }

  // The history rows once there are `count`.
  std::vector<HistoryRow> history_of(std::size_t count) const {
    std::vector<HistoryRow> rows;
    eventually(
        [&] {
          rows = history();
          return rows.size() >= count;
        },
        std::chrono::seconds(15));
    return rows;
  }

  std::string last_error(const std::string& target) const { return daemon_.last_error(target); }
  Poco::JSON::Object::Ptr target_state(const std::string& target) const {
    return daemon_.client().target_state(target);
  }
  // The one history row, once it is there.
  HistoryRow only_row() const {
    const auto rows = history_of(1);
    REQUIRE(rows.size() == 1);
    return rows[0];
  }

 private:
  PluginDaemon daemon_;
};

}  // namespace

TEST_CASE("the command target gives the folders as arguments after the command's own",
          "[e2e][command]") {
  TempDir scripts;
  const std::string file = write_script(
      scripts, "args.sh", "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\" >> \"$1.out\"; done\n");
  const std::string out = (scripts / "run").string();
  CommandRig rig("[target.hook]\nplugin = command\ncommand = " + file + " " + out +
                 " 'two words'\n");
  rig.scan({"/tv/Severance/Season 02", "/movies/Dune Part Two (2024)"});
  const auto rows = rig.history_of(2);
  REQUIRE(rows.size() == 2);
  for (const auto& row : rows) CHECK(row.outcome == "ok");
  const auto lines = file_lines(out + ".out");
  REQUIRE(lines.size() == 4);  // one run: its own two arguments, then both folders
  CHECK(lines[0] == out);
  CHECK(lines[1] == "two words");
  CHECK(std::set<std::string>(lines.begin() + 2, lines.end()) ==
        std::set<std::string>{"/tv/Severance/Season 02", "/movies/Dune Part Two (2024)"});
}

TEST_CASE("the command target can give the folders one per line on stdin", "[e2e][command]") {
  TempDir scripts;
  const std::string file = write_script(scripts, "stdin.sh", "#!/bin/sh\ncat >> \"$1\"\n");
  const std::string out = (scripts / "stdin.out").string();
  CommandRig rig("[target.hook]\nplugin = command\nfolders = stdin\ncommand = " + file + " " + out +
                 "\n");
  rig.scan({"/tv/Severance/Season 02", "/tv/Andor/Season 01"});
  REQUIRE(rig.history_of(2).size() == 2);
  const auto lines = file_lines(out);
  CHECK(std::set<std::string>(lines.begin(), lines.end()) ==
        std::set<std::string>{"/tv/Severance/Season 02", "/tv/Andor/Season 01"});
  CHECK(lines.size() == 2);
}

TEST_CASE("exit 75 retries the batch, and the next run delivers it", "[e2e][command]") {
  TempDir scripts;
  const std::string count = (scripts / "runs").string();
  const std::string file =
      write_script(scripts, "flaky.sh",
                   "#!/bin/sh\necho run >> " + count + "\n[ $(wc -l < " + count +
                       ") -ge 2 ] && exit 0\necho 'the library is being updated' >&2\nexit 75\n");
  CommandRig rig("[target.hook]\nplugin = command\ncommand = " + file + "\n");
  rig.scan({"/tv/Severance/Season 02"});
  const HistoryRow row = rig.only_row();
  CHECK(row.outcome == "ok");
  CHECK(row.attempts == 2);
  CHECK(file_lines(count).size() == 2);
  CHECK(rig.last_error("hook") == file + " asked to retry (exit 75): the library is being updated");
}

TEST_CASE("another exit code rejects the folders with the last line of stderr as the reason",
          "[e2e][command]") {
  TempDir scripts;
  const std::string file = write_script(scripts, "fails.sh",
                                        "#!/bin/sh\necho 'starting' >&2\necho 'no library holds "
                                        "/tv/Unknown' >&2\necho >&2\nexit 3\n");
  CommandRig failing("[target.hook]\nplugin = command\ncommand = " + file + "\n");
  failing.scan({"/tv/Unknown"});
  const HistoryRow row = failing.only_row();
  CHECK(row.outcome == "rejected");
  CHECK(row.attempts == 1);
  CHECK(row.reason == "no library holds /tv/Unknown (" + file + ", exit code 3)");
}

TEST_CASE(
    "a rejected batch is run again in halves, so only the folder the program refuses is "
    "rejected",
    "[e2e][command]") {
  TempDir scripts;
  const std::string runs = (scripts / "runs").string();
  const std::string scanned = (scripts / "scanned").string();
  // Refuses any run that holds /tv/Unknown; otherwise notes each folder.
  const std::string file = write_script(
      scripts, "picky.sh",
      "#!/bin/sh\necho \"$*\" >> " + runs +
          "\nfor a in \"$@\"; do [ \"$a\" = /tv/Unknown ] && { echo \"no library holds $a\" >&2; "
          "exit 3; }; done\nfor a in \"$@\"; do echo \"$a\" >> " +
          scanned + "; done\n");
  CommandRig rig("[target.hook]\nplugin = command\ncommand = " + file + "\n");
  const std::vector<std::string> folders = {"/tv/Severance/Season 02", "/tv/Unknown",
                                            "/tv/Andor/Season 01", "/movies/Dune Part Two (2024)"};
  rig.scan(folders);
  const auto rows = rig.history_of(4);
  REQUIRE(rows.size() == 4);
  const auto first_runs = file_lines(runs);
  REQUIRE_FALSE(first_runs.empty());
  for (const auto& folder : folders) CHECK_THAT(first_runs[0], Contains(folder));  // one batch
  for (const auto& row : rows) {
    INFO(row.folder);
    CHECK(row.attempts == 1);
    if (row.folder == "/tv/Unknown") {
      CHECK(row.outcome == "rejected");
      CHECK(row.reason == "no library holds /tv/Unknown (" + file + ", exit code 3)");
    } else {
      CHECK(row.outcome == "ok");
    }
  }
  const auto lines = file_lines(scanned);
  CHECK(lines.size() == 3);  // each good folder scanned once
  CHECK(std::set<std::string>(lines.begin(), lines.end()) ==
        std::set<std::string>{"/tv/Severance/Season 02", "/tv/Andor/Season 01",
                              "/movies/Dune Part Two (2024)"});
}

TEST_CASE("a run past its timeout is stopped with what it started, and retried", "[e2e][command]") {
  TempDir scripts;
  const std::string child_pid = (scripts / "child.pid").string();
  const std::string runs = (scripts / "runs").string();
  // The first run hangs (with a child of its own); the second returns at once.
  const std::string file = write_script(scripts, "slow.sh",
                                        "#!/bin/sh\necho run >> " + runs + "\nif [ $(wc -l < " +
                                            runs + ") -eq 1 ]; then sleep 60 & echo $! > " +
                                            child_pid + "; wait; fi\nexit 0\n");
  CommandRig rig("[target.hook]\nplugin = command\ntimeout = 1s\ncommand = " + file + "\n");
  rig.scan({"/tv/Severance/Season 02"});
  const HistoryRow row = rig.only_row();
  CHECK(row.outcome == "ok");
  CHECK(row.attempts == 2);
  CHECK_THAT(rig.last_error("hook"), Contains("did not finish within 1s (timeout): stopped"));
  std::ifstream in(child_pid);
  pid_t pid = 0;
  REQUIRE(in >> pid);
  CHECK(eventually([&] { return ::kill(pid, 0) != 0; }));  // the script's child is gone too
}

TEST_CASE("a program gone after start pauses the target until it is back", "[e2e][command]") {
  TempDir scripts;
  const std::string program =
      write_script(scripts, "later.sh", "#!/bin/sh\necho \"$2\" >> \"$1\"\n");
  const std::string out = (scripts / "later.out").string();
  // Start-up checks the program is there (a missing one is refused, as by --check-config).
  CommandRig rig("[target.hook]\nplugin = command\ncommand = " + program + " " + out + "\n");
  fs::rename(program, program + ".away");  // e.g. its mount went
  rig.scan({"/tv/Severance/Season 02"});
  CHECK(rig.daemon().wait_for_output("target hook is unavailable (cannot run " + program));
  CHECK(rig.history().empty());  // kept, not rejected
  fs::rename(program + ".away", program);
  const HistoryRow row = rig.only_row();
  CHECK(row.outcome == "ok");
  CHECK(file_lines(out) == std::vector<std::string>{"/tv/Severance/Season 02"});
}

TEST_CASE("once a target delivers again, /api/targets keeps its last error as past, with its time",
          "[e2e][command]") {
  TempDir scripts;
  const std::string broken = (scripts / "broken").string();
  scripts.write("broken", "");
  const std::string file =
      write_script(scripts, "mended.sh",
                   "#!/bin/sh\n[ -e " + broken +
                       " ] || exit 0\necho 'the library is being updated' >&2\nexit 75\n");
  CommandRig rig("[target.hook]\nplugin = command\ncommand = " + file + "\n");
  const std::string reason = file + " asked to retry (exit 75): the library is being updated";
  rig.scan({"/tv/Severance/Season 02"});
  REQUIRE(eventually([&] { return rig.last_error("hook") == reason; }));
  auto state = rig.target_state("hook");
  CHECK_FALSE(state->getValue<bool>("last_error_past"));  // while it fails, the error is now
  CHECK(state->getValue<std::int64_t>("last_error_at") > 0);

  fs::remove(broken);
  CHECK(rig.only_row().outcome == "ok");
  // The target's state follows the history row's commit a moment later.
  REQUIRE(eventually([&] { return rig.target_state("hook")->getValue<bool>("last_error_past"); }));
  state = rig.target_state("hook");
  CHECK(state->getValue<std::string>("last_error") == reason);
  CHECK(state->getValue<std::int64_t>("last_error_at") > 0);
  CHECK(state->getValue<std::int64_t>("last_error_at") <=
        state->getValue<std::int64_t>("last_delivery"));
}

TEST_CASE("a paused target that answers its probe again keeps the pause's reason as past",
          "[e2e][command]") {
  TempDir scripts;
  const std::string program = write_script(scripts, "later.sh", "#!/bin/sh\nexit 0\n");
  CommandRig rig("[target.hook]\nplugin = command\ncommand = " + program + "\n");
  fs::rename(program, program + ".away");
  rig.scan({"/tv/Severance/Season 02"});
  REQUIRE(eventually([&] { return rig.target_state("hook")->getValue<bool>("paused"); }));
  CHECK_FALSE(rig.target_state("hook")->getValue<bool>("last_error_past"));
  fs::rename(program + ".away", program);
  CHECK(rig.only_row().outcome == "ok");
  const auto state = rig.target_state("hook");
  CHECK_THAT(state->getValue<std::string>("last_error"), Contains("cannot run " + program));
  CHECK(state->getValue<bool>("last_error_past"));
}

TEST_CASE("command targets run one program at a time unless exclusive = false", "[e2e][command]") {
  const bool exclusive = GENERATE(true, false);
  TempDir scripts;
  const std::string lock = (scripts / "running").string();
  const std::string overlaps = (scripts / "overlaps").string();
  // Notes an overlap when another run holds the lock folder.
  const std::string file =
      write_script(scripts, "one.sh",
                   "#!/bin/sh\nmkdir " + lock + " 2>/dev/null || { echo overlap >> " + overlaps +
                       "; sleep 0.4; exit 0; }\nsleep 0.4\nrmdir " + lock + "\n");
  std::string targets;
  for (const char* name : {"a", "b", "c"})
    targets += std::string("[target.") + name + "]\nplugin = command\nmax_batch = 1\n" +
               "exclusive = " + (exclusive ? "true" : "false") + "\ncommand = " + file + "\n";
  CommandRig rig(targets);
  rig.scan({"/tv/One", "/tv/Two"});
  REQUIRE(rig.history_of(6).size() == 6);
  if (exclusive)
    CHECK(file_lines(overlaps).empty());
  else
    CHECK_FALSE(file_lines(overlaps).empty());
}
