// The log lines of a store whose writes fail: one when it starts, one when it
// ends, none per refused request. The real full disk: test_storage_faults.cpp.
#include <Poco/AutoPtr.h>
#include <Poco/Channel.h>
#include <Poco/Logger.h>
#include <Poco/Message.h>
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "scanhook/core/store/write_failure.hpp"

using Catch::Matchers::Contains;
using scanhook::core::WriteFailure;

namespace {

// Keeps what is logged to scanhook.database, with each line's priority.
class DatabaseLog : public Poco::Channel {
 public:
  // Shared (true): the logger's AutoPtr counts its own reference.
  DatabaseLog() {
    Poco::Logger::get("scanhook.database").setChannel(Poco::AutoPtr<Poco::Channel>(this, true));
  }
  ~DatabaseLog() override = default;
  void log(const Poco::Message& message) override {
    lines.emplace_back(message.getPriority(), message.getText());
  }
  std::vector<std::pair<Poco::Message::Priority, std::string>> lines;
};

struct Captured {
  Poco::AutoPtr<DatabaseLog> log{new DatabaseLog};
  ~Captured() { Poco::Logger::get("scanhook.database").setChannel(nullptr); }
};

constexpr const char* kFull = "cannot run COMMIT: database or disk is full";

}  // namespace

TEST_CASE("writes that fail log one ERROR naming the store and the reason, not one per write",
          "[database]") {
  Captured captured;
  WriteFailure failure("the database /srv/scanhook/scanhook.db",
                       "free space or fix the filesystem under /srv/scanhook");
  failure.clear();  // good writes log nothing
  CHECK(captured.log->lines.empty());
  for (int i = 0; i < 40; ++i) failure.record(kFull);
  REQUIRE(captured.log->lines.size() == 1);
  CHECK(captured.log->lines[0].first == Poco::Message::PRIO_ERROR);
  CHECK(captured.log->lines[0].second ==
        "the database /srv/scanhook/scanhook.db cannot be written (cannot run COMMIT: database or "
        "disk is full): webhooks are answered 503 until a write succeeds; free space or fix the "
        "filesystem under /srv/scanhook");
  CHECK(failure.last() == std::string(kFull));
}

TEST_CASE("the first good write after failures logs one recovery line with the failures' count",
          "[database]") {
  Captured captured;
  WriteFailure failure("the database /srv/scanhook/scanhook.db", "free space");
  for (int i = 0; i < 3; ++i) failure.record(kFull);
  failure.record("cannot fsync /srv/scanhook/scanhook.db-wal: No space left on device");
  CHECK_THAT(*failure.last(), Contains("cannot fsync"));  // the latest reason
  failure.clear();
  failure.clear();
  REQUIRE(captured.log->lines.size() == 2);
  CHECK(captured.log->lines[1].first == Poco::Message::PRIO_INFORMATION);
  CHECK(captured.log->lines[1].second ==
        "the database /srv/scanhook/scanhook.db is written again; failed writes meanwhile: 4");
  CHECK_FALSE(failure.last());

  // A new outage is a new ERROR, its count from zero.
  failure.record(kFull);
  failure.clear();
  REQUIRE(captured.log->lines.size() == 4);
  CHECK(captured.log->lines[2].first == Poco::Message::PRIO_ERROR);
  CHECK_THAT(captured.log->lines[3].second, Contains("; failed writes meanwhile: 1"));
}
