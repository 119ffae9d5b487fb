// require_exists' expected files in each store: kept over a reopen (a
// restart), replaced when named again, past for a target once it had the
// folder, and forgotten after their time.
#include <catch2/catch.hpp>

#include "scanhook/core/pipeline/expected_files.hpp"
#include "support/store_backends.hpp"

using scanhook::core::ExpectedFile;
using scanhook::core::ExpectedFiles;
using scanhook::core::FolderFile;

namespace {

const std::string kHeat = "/tv/Heat (1995)";
const std::string kHash = std::string(64, 'a');

std::vector<std::string> paths(const std::vector<ExpectedFile>& files) {
  std::vector<std::string> found;
  for (const auto& file : files) found.push_back(file.path + " " + file.sha256);
  return found;
}

}  // namespace

STORE_TEST("expected files and their hashes are kept over a restart", "[expected_files]") {
  Backend backend;
  {
    auto store = backend.open();
    ExpectedFiles files(store->expected_files(), std::chrono::hours(1));
    files.add({{kHeat, {kHeat + "/Heat.mkv", std::string(64, 'A')}},
               {kHeat, {kHeat + "/Heat.en.srt", ""}},
               {"/tv/Other", {"/tv/Other/x.mkv", ""}}},
              1'000);
  }
  auto store = backend.open();
  ExpectedFiles files(store->expected_files(), std::chrono::hours(1));
  // Hashes are kept in lower case, as FileDigests writes them.
  CHECK(paths(files.of(kHeat, "plex", 2'000)) ==
        std::vector<std::string>{kHeat + "/Heat.en.srt ", kHeat + "/Heat.mkv " + kHash});
}

STORE_TEST("a file named again replaces its hash, and counts again for a target that had it",
           "[expected_files]") {
  Backend backend;
  auto store = backend.open();
  ExpectedFiles files(store->expected_files(), std::chrono::hours(1));
  files.add({{kHeat, {kHeat + "/Heat.mkv", std::string(64, 'b')}}}, 1'000);
  files.delivered(kHeat, "plex", 1'500);
  CHECK(files.of(kHeat, "plex", 2'000).empty());
  CHECK(paths(files.of(kHeat, "emby", 2'000)) ==
        std::vector<std::string>{kHeat + "/Heat.mkv " + std::string(64, 'b')});

  files.add({{kHeat, {kHeat + "/Heat.mkv", kHash}}}, 2'000);  // an upgrade, named after the scan
  CHECK(paths(files.of(kHeat, "plex", 2'500)) ==
        std::vector<std::string>{kHeat + "/Heat.mkv " + kHash});
  files.delivered(kHeat, "plex", 1'200);  // an older pick does not undo the later one
  CHECK(paths(files.of(kHeat, "plex", 2'500)).size() == 1);
  files.delivered(kHeat, "plex", 3'000);
  CHECK(files.of(kHeat, "plex", 3'500).empty());
}

STORE_TEST("expected files are forgotten once older than the longest wait", "[expected_files]") {
  Backend backend;
  auto store = backend.open();
  ExpectedFiles files(store->expected_files(), std::chrono::milliseconds(10'000));
  files.add({{kHeat, {kHeat + "/Heat.mkv", ""}}}, 1'000);
  CHECK(files.of(kHeat, "plex", 11'000).size() == 1);
  CHECK(files.of(kHeat, "plex", 11'001).empty());
  files.add({{"/tv/Other", {"/tv/Other/x.mkv", ""}}}, 20'000);  // and removed by a later add
  ExpectedFiles longer(store->expected_files(), std::chrono::hours(1));
  CHECK(longer.of(kHeat, "plex", 20'000).empty());
  CHECK(longer.of("/tv/Other", "plex", 20'000).size() == 1);
}

STORE_TEST("a target's delivery of a folder without expected files writes nothing",
           "[expected_files]") {
  Backend backend;
  auto store = backend.open();
  ExpectedFiles files(store->expected_files(), std::chrono::hours(1));
  files.delivered(kHeat, "plex", 5'000);
  // Had it been noted, the file named before 5'000 would be past for plex.
  files.add({{kHeat, {kHeat + "/Heat.mkv", ""}}}, 4'000);
  CHECK(files.of(kHeat, "plex", 4'500).size() == 1);
}
