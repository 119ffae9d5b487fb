#include <catch2/catch.hpp>

#include <mutex>

#include "scanhook/core/notify/notification_outbox.hpp"
#include "scanhook/core/notify/notification_sender.hpp"
#include "support/eventually.hpp"
#include "support/temp_dir.hpp"

using namespace scanhook::core;
using scanhook::Notification;
using scanhook::NotificationEvent;
using scanhook::Result;
using scanhook::testing::eventually;
using scanhook::testing::TempDir;

namespace {

using std::chrono::milliseconds;

// A notifier whose answer the test sets; it records every batch it is given.
class RecordingNotifier final : public scanhook::NotifierBase {
 public:
  std::size_t max_batch() const noexcept override { return 3; }
  void answer(Result result) {
    std::lock_guard lock(mutex_);
    answer_ = std::move(result);
  }
  std::vector<std::vector<Notification>> batches() const {
    std::lock_guard lock(mutex_);
    return batches_;
  }
  std::size_t sent() const {
    std::size_t count = 0;
    for (const auto& batch : batches()) count += batch.size();
    return count;
  }

 protected:
  Result on_send(const std::vector<Notification>& batch) override {
    std::lock_guard lock(mutex_);
    batches_.push_back(batch);
    return answer_;
  }

 private:
  mutable std::mutex mutex_;
  Result answer_ = Result::ok();
  std::vector<std::vector<Notification>> batches_;
};

const std::vector<NotificationEvent> kAll{
    NotificationEvent::delivered, NotificationEvent::rejected, NotificationEvent::target_down,
    NotificationEvent::target_up, NotificationEvent::dead_letter};

void add(Database& database, NotificationOutbox& outbox, NotificationEvent event,
         const std::string& folder, Millis at) {
  database.write([&](SqlConnection& sql) { outbox.add(sql, event, "plex", folder, "", at); });
}

NotifySettings fast_settings() {
  return {{milliseconds(50), milliseconds(200)}, milliseconds(100), milliseconds(10)};
}

// One notifier "hook" over a fresh outbox, sent to by a running sender.
struct SenderBench {
  TempDir dir;
  Database database{dir / "db"};
  NotificationOutbox outbox{database, {{"hook", kAll}}};
  std::shared_ptr<RecordingNotifier> notifier = std::make_shared<RecordingNotifier>();
  std::unique_ptr<NotificationSender> sender;  // last: stops first

  void start(milliseconds batch_wait, milliseconds min_interval,
             NotifySettings settings = fast_settings()) {
    sender = std::make_unique<NotificationSender>(
        outbox, std::vector<NotifierSlot>{{"hook", notifier, batch_wait, min_interval}}, settings);
    sender->start();
  }
  void add_now(NotificationEvent event, const std::string& folder) {
    add(database, outbox, event, folder, now_millis());
  }
  std::int64_t waiting() { return outbox.waiting("hook"); }
};

}  // namespace

TEST_CASE("a notify section's events name known events only", "[notify]") {
  std::string error;
  const auto events = parse_notification_events(" rejected,target_down , rejected", error);
  REQUIRE(events);
  CHECK(*events == std::vector<NotificationEvent>{NotificationEvent::rejected,
                                                  NotificationEvent::target_down});
  CHECK_FALSE(parse_notification_events("rejected, failed", error));
  CHECK_THAT(error, Catch::Contains("unknown event \"failed\"") && Catch::Contains("target_up"));
  CHECK_FALSE(parse_notification_events(" , ", error));
  CHECK_THAT(error, Catch::Contains("at least one"));
}

TEST_CASE("a notification goes only to the notifiers that asked for its event", "[notify]") {
  TempDir dir;
  Database database(dir / "db");
  NotificationOutbox outbox(database, {{"all", kAll}, {"trouble", {NotificationEvent::rejected}}});
  add(database, outbox, NotificationEvent::delivered, "/tv/A", 1000);
  add(database, outbox, NotificationEvent::rejected, "/tv/B", 1001);
  CHECK(outbox.waiting("all") == 2);
  const auto trouble = outbox.due("trouble", 2000, 10);
  REQUIRE(trouble.size() == 1);
  CHECK(trouble[0].folder == "/tv/B");
  CHECK(trouble[0].event == NotificationEvent::rejected);
  CHECK(trouble[0].at_ms == 1001);
}

TEST_CASE("a notification's id is never reused, not even once the outbox is empty", "[notify]") {
  TempDir dir;
  Database database(dir / "db");
  NotificationOutbox outbox(database, {{"hook", kAll}});
  add(database, outbox, NotificationEvent::delivered, "/tv/A", 1000);
  const auto first = outbox.due("hook", 1000, 10);
  REQUIRE(first.size() == 1);
  outbox.remove("hook", first);
  REQUIRE(outbox.waiting("hook") == 0);
  add(database, outbox, NotificationEvent::rejected, "/tv/B", 1001);
  const auto second = outbox.due("hook", 1001, 10);
  REQUIRE(second.size() == 1);
  CHECK(second[0].id > first[0].id);
}

TEST_CASE("a postponed notification is not due until its time, and stays until removed",
          "[notify]") {
  TempDir dir;
  Database database(dir / "db");
  NotificationOutbox outbox(database, {{"hook", kAll}});
  add(database, outbox, NotificationEvent::delivered, "/tv/A", 1000);
  auto batch = outbox.due("hook", 1000, 10);
  REQUIRE(batch.size() == 1);
  outbox.postpone("hook", batch, 5000, "down");
  CHECK(outbox.due("hook", 4999, 10).empty());
  CHECK(outbox.oldest_due("hook", 4999) == 0);
  CHECK(outbox.next_attempt("hook") == 5000);
  CHECK(outbox.due("hook", 5000, 10).size() == 1);
  outbox.remove("hook", batch);
  CHECK(outbox.waiting("hook") == 0);
}

TEST_CASE("notifications within batch_wait go out in one send, at most max_batch at a time",
          "[notify]") {
  SenderBench bench;
  const Millis now = now_millis();
  for (int i = 0; i < 5; ++i)
    add(bench.database, bench.outbox, NotificationEvent::delivered, "/tv/" + std::to_string(i),
        now);
  bench.start(milliseconds(300), milliseconds(0));
  REQUIRE(eventually([&] { return bench.notifier->sent() == 5; }));
  const auto batches = bench.notifier->batches();
  REQUIRE(batches.size() == 2);  // 3 + 2: the notifier takes 3 at once
  CHECK(batches[0].size() == 3);
  CHECK(batches[0][0].folder == "/tv/0");
  CHECK(bench.waiting() == 0);
}

TEST_CASE("a notifier's messages are at least min_interval apart", "[notify]") {
  SenderBench bench;
  bench.start(milliseconds(0), milliseconds(400));
  bench.add_now(NotificationEvent::delivered, "/tv/A");
  REQUIRE(eventually([&] { return bench.notifier->sent() == 1; }));
  const auto first = std::chrono::steady_clock::now();
  bench.add_now(NotificationEvent::delivered, "/tv/B");
  REQUIRE(eventually([&] { return bench.notifier->sent() == 2; }));
  CHECK(std::chrono::steady_clock::now() - first >= milliseconds(350));
}

TEST_CASE("a notifier that is unavailable keeps its notifications and gets them once it answers",
          "[notify]") {
  SenderBench bench;
  bench.notifier->answer(Result::unavailable("refused"));
  bench.add_now(NotificationEvent::target_down, "");
  bench.start(milliseconds(0), milliseconds(0));
  REQUIRE(eventually([&] { return bench.notifier->batches().size() >= 2; }));
  CHECK(bench.waiting() == 1);
  bench.notifier->answer(Result::ok());
  REQUIRE(eventually([&] { return bench.waiting() == 0; }));
  const auto batches = bench.notifier->batches();
  CHECK(batches.back().size() == 1);
  CHECK(batches.back()[0].event == NotificationEvent::target_down);
}

TEST_CASE("a batch the notifier rejects for good is dropped so later ones still go", "[notify]") {
  SenderBench bench;
  bench.notifier->answer(Result::rejected("400: Invalid Form Body"));
  bench.add_now(NotificationEvent::delivered, "/tv/A");
  bench.start(milliseconds(0), milliseconds(0));
  REQUIRE(eventually([&] { return bench.waiting() == 0; }));
  bench.notifier->answer(Result::ok());
  bench.add_now(NotificationEvent::delivered, "/tv/B");
  REQUIRE(eventually([&] { return bench.notifier->batches().size() == 2; }));
  CHECK(bench.notifier->batches()[1][0].folder == "/tv/B");
}

TEST_CASE("a notifier's retry waits the receiver's retry-after before the batch goes again",
          "[notify]") {
  SenderBench bench;
  bench.notifier->answer(Result::retry("429: rate limited", std::chrono::seconds(1)));
  NotifySettings settings = fast_settings();
  settings.backoff.max = milliseconds(5000);  // retry_max caps a retry-after too
  bench.add_now(NotificationEvent::rejected, "/tv/A");
  bench.start(milliseconds(0), milliseconds(0), settings);
  REQUIRE(eventually([&] { return bench.notifier->batches().size() == 1; }));
  const auto limited_at = std::chrono::steady_clock::now();
  bench.notifier->answer(Result::ok());
  REQUIRE(eventually([&] { return bench.waiting() == 0; }));
  // The backoff alone (50 ms here) would have sent it long before.
  CHECK(std::chrono::steady_clock::now() - limited_at >= milliseconds(900));
  CHECK(bench.notifier->batches().size() == 2);
}

TEST_CASE("notifications for a notifier no longer configured are dropped, others kept",
          "[notify]") {
  TempDir dir;
  Database database(dir / "db");
  {
    NotificationOutbox before(database, {{"old", kAll}, {"kept", kAll}});
    add(database, before, NotificationEvent::delivered, "/tv/A", 1000);
    add(database, before, NotificationEvent::rejected, "/tv/B", 1001);
  }
  NotificationOutbox after(database, {{"kept", kAll}});
  CHECK(after.drop_unsubscribed() == 2);
  CHECK(after.waiting("old") == 0);
  CHECK(after.waiting("kept") == 2);
  CHECK(after.drop_unsubscribed() == 0);
}
