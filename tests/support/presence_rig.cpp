#include "support/presence_rig.hpp"

#include <catch2/catch.hpp>

#include <Poco/JSON/Array.h>

#include <fstream>
#include <thread>

#include "support/eventually.hpp"

namespace scanhook::testing {

namespace fs = std::filesystem;
using Catch::Matchers::Contains;

PresenceRig::PresenceRig(const std::string& exists_timeout)
    : daemon_({"recorder"},
              "[target.rec]\nplugin = recorder\nrecord = {dir}/record\n"
              "require_exists = true\nlocal_rewrite = /mnt/media => " +
                  local_.path().string() + "\nexists_timeout = " + exists_timeout + "\n") {}

void PresenceRig::write(const std::string& relative, const std::string& content) const {
  fs::create_directories((local() / relative).parent_path());
  std::ofstream(local() / relative, std::ios::binary | std::ios::trunc) << content;
}

void PresenceRig::scan_folder(const std::string& path) const {
  client().post_json("/api/scan", R"({"paths":[")" + path + "\"]}");
}

void PresenceRig::scan_file(const std::string& path, const std::string& sha256) const {
  client().post_json("/api/scan",
                     R"({"files":[{"path":")" + path + R"(","hash":")" + sha256 + "\"}]}");
}

void PresenceRig::restart() {
  daemon_.stop();
  daemon_.start("127.0.0.1:0");
}

Poco::JSON::Object::Ptr PresenceRig::first_history_row() const {
  Poco::JSON::Object::Ptr row;
  REQUIRE(eventually(
      [&] {
        const auto history = client().get_json("/api/history")->getArray("history");
        if (history->size() == 0) return false;
        row = history->getObject(0);
        return true;
      },
      std::chrono::seconds(10)));
  return row;
}

void PresenceRig::check_held_back(const std::string& why) const {
  std::this_thread::sleep_for(kSeveralRetries);
  CHECK(recorded().empty());
  CHECK_THAT(last_error(), Contains(why));
}

void PresenceRig::check_delivered_once(const std::string& folder) const {
  REQUIRE(delivered());
  CHECK(recorded() == std::vector<std::string>{folder});
}

void PresenceRig::check_scanned_again_after_upgrade(const std::string& relative,
                                                    const std::string& folder) const {
  write(relative, "video, upgraded");
  scan_folder(folder);
  CHECK(eventually([&] { return recorded().size() == 2; }, std::chrono::seconds(10)));
}

}  // namespace scanhook::testing
