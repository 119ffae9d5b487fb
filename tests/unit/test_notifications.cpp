// The notification outbox and its sender, on both stores (STORE_TEST):
// notifications come from what they report (a delivery's outcome recorded by
// the queue, a dead letter kept), as in the daemon, and the PostgreSQL outbox
// is also shared by two instances, which send each notification once.
#include <catch2/catch.hpp>

#include <map>
#include <mutex>

#include "scanhook/core/notify/notification_outbox.hpp"
#include "scanhook/core/notify/notification_sender.hpp"
#include "support/eventually.hpp"
#include "support/expected_printing.hpp"
#include "support/manual_time.hpp"
#include "support/store_backends.hpp"

using namespace scanhook::core;
using scanhook::EventKind;
using scanhook::Notification;
using scanhook::NotificationEvent;
using scanhook::Result;
using scanhook::testing::eventually;
using scanhook::testing::ManualTime;
using scanhook::testing::PostgresServer;

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

// `folder` queued for target "plex" and its delivery recorded with `result`,
// finished at `at`: the queue writes its notification with the history row.
void deliver(Store& store, const std::string& folder, Result result, Millis at) {
  store.queue().add_events({{folder, EventKind::modified, 0, "sonarr", {"plex"}}}, {}, at);
  for (const auto& due : store.queue().due("plex", at, 100, {}))
    if (due.path == folder) {
      store.queue().record({{"plex", due, folder, std::move(result), at, at, 0, ""}});
      return;
    }
  FAIL(folder << " was not due");
}

NotifySettings fast_settings() {
  return {{milliseconds(50), milliseconds(200)}, milliseconds(100), milliseconds(10)};
}

// One notifier "hook" over a fresh store's outbox, sent to by a running
// sender on a clock the test advances: its one thread does what a step of
// time brings, then waits (pass), so each edge is pinned to the millisecond.
template <class Backend>
struct SenderBench {
  Backend backend;
  std::unique_ptr<Store> store = backend.open();
  std::unique_ptr<NotificationOutbox> outbox = store->open_outbox({{"hook", kAll}});
  std::shared_ptr<RecordingNotifier> notifier = std::make_shared<RecordingNotifier>();
  ManualTime clock;
  std::unique_ptr<NotificationSender> sender;  // last: stops first

  // Returns once the sender has looked at the outbox and waits.
  void start(milliseconds batch_wait, milliseconds min_interval,
             NotifySettings settings = fast_settings()) {
    sender = std::make_unique<NotificationSender>(
        *outbox, std::vector<NotifierSlot>{{"hook", notifier, batch_wait, min_interval}}, settings,
        clock);
    sender->start();
    REQUIRE(clock.settle(1));
  }
  // `by` passes; the sender does what it brings.
  bool pass(milliseconds by) { return clock.pass(by, 1); }
  Millis now() const { return clock.millis(); }
  void delivered(const std::string& folder) { deliver(*store, folder, Result::ok(), now()); }
  std::int64_t waiting() { return outbox->waiting("hook"); }
};

}  // namespace

TEST_CASE("a notify section's events name known events only", "[notify]") {
  const auto events = parse_notification_events(" rejected,target_down , rejected");
  REQUIRE(events);
  CHECK(*events == std::vector<NotificationEvent>{NotificationEvent::rejected,
                                                  NotificationEvent::target_down});
  const auto unknown = parse_notification_events("rejected, failed");
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().message == "unknown event \"failed\"");
  CHECK_THAT(unknown.error().hint, Catch::Contains("target_up"));
  const auto none = parse_notification_events(" , ");
  REQUIRE_FALSE(none);
  CHECK_THAT(none.error().text(), Catch::Contains("at least one"));
}

STORE_TEST("a notification goes only to the notifiers that asked for its event", "[notify]") {
  Backend backend;
  const auto store = backend.open();
  const auto outbox =
      store->open_outbox({{"all", kAll}, {"trouble", {NotificationEvent::rejected}}});
  deliver(*store, "/tv/A", Result::ok(), 1000);
  deliver(*store, "/tv/B", Result::rejected("no library holds it"), 1001);
  CHECK(outbox->waiting("all") == 2);
  const auto trouble = outbox->due("trouble", 2000, 10);
  REQUIRE(trouble.size() == 1);
  CHECK(trouble[0].folder == "/tv/B");
  CHECK(trouble[0].subject == "plex");
  CHECK(trouble[0].reason == "no library holds it");
  CHECK(trouble[0].event == NotificationEvent::rejected);
  CHECK(trouble[0].at_ms == 1001);
}

STORE_TEST("a delivery's outcome and a dead letter each leave their notification, a retry none",
           "[notify]") {
  Backend backend;
  const auto store = backend.open();
  const auto outbox = store->open_outbox({{"hook", kAll}});
  deliver(*store, "/tv/Retried", Result::retry("503"), 1000);
  CHECK(outbox->waiting("hook") == 0);
  scanhook::HttpRequest request;
  request.method = "POST";
  request.path = "/triggers/sonarr";
  request.body = "{broken";
  REQUIRE(store->dead_letters().keep("sonarr", request, "not JSON", 1001));
  deliver(*store, "/tv/A", Result::ok(), 1002);
  const auto all = outbox->due("hook", 2000, 10);
  REQUIRE(all.size() == 2);
  CHECK(all[0].event == NotificationEvent::dead_letter);
  CHECK(all[0].subject == "sonarr");
  CHECK(all[0].reason == "not JSON");
  CHECK(all[0].folder.empty());
  CHECK(all[1].event == NotificationEvent::delivered);
  CHECK(all[1].folder == "/tv/A");
}

STORE_TEST("a store without notifiers keeps no notifications", "[notify]") {
  Backend backend;
  const auto store = backend.open();
  const auto outbox = store->open_outbox({});
  CHECK_FALSE(outbox->has_subscribers());
  deliver(*store, "/tv/A", Result::ok(), 1000);
  outbox->add_now(NotificationEvent::target_down, "plex", "refused", 1001);
  // A notifier configured later hears nothing from before.
  const auto later = store->open_outbox({{"hook", kAll}});
  CHECK(later->waiting("hook") == 0);
}

STORE_TEST("a notification's id is never reused, not even once the outbox is empty", "[notify]") {
  Backend backend;
  const auto store = backend.open();
  const auto outbox = store->open_outbox({{"hook", kAll}});
  deliver(*store, "/tv/A", Result::ok(), 1000);
  const auto first = outbox->due("hook", 1000, 10);
  REQUIRE(first.size() == 1);
  outbox->remove("hook", first);
  REQUIRE(outbox->waiting("hook") == 0);
  deliver(*store, "/tv/B", Result::rejected("gone"), 1001);
  const auto second = outbox->due("hook", 1001, 10);
  REQUIRE(second.size() == 1);
  CHECK(second[0].id > first[0].id);
}

STORE_TEST("a postponed notification is not due until its time, and stays until removed",
           "[notify]") {
  Backend backend;
  const auto store = backend.open();
  const auto outbox = store->open_outbox({{"hook", kAll}});
  outbox->add_now(NotificationEvent::target_down, "plex", "refused", 1000);
  auto batch = outbox->due("hook", 1000, 10);
  REQUIRE(batch.size() == 1);
  CHECK(batch[0].subject == "plex");
  outbox->postpone("hook", batch, 5000, "down");
  CHECK(outbox->due("hook", 4999, 10).empty());
  CHECK(outbox->oldest_due("hook", 4999) == 0);
  CHECK(outbox->next_attempt("hook") == 5000);
  CHECK(outbox->due("hook", 5000, 10).size() == 1);
  CHECK(outbox->oldest_due("hook", 5000) == 1000);
  outbox->remove("hook", batch);
  CHECK(outbox->waiting("hook") == 0);
  CHECK(outbox->next_attempt("hook") == 0);
}

STORE_TEST("notifications within batch_wait go out in one send, at most max_batch at a time",
           "[notify]") {
  SenderBench<Backend> bench;
  for (int i = 0; i < 5; ++i)
    deliver(*bench.store, "/tv/" + std::to_string(i), Result::ok(), bench.now());
  bench.start(milliseconds(300), milliseconds(0));
  REQUIRE(bench.pass(milliseconds(299)));
  CHECK(bench.notifier->sent() == 0);
  REQUIRE(bench.pass(milliseconds(1)));
  const auto batches = bench.notifier->batches();
  REQUIRE(batches.size() == 2);  // 3 + 2: the notifier takes 3 at once
  CHECK(batches[0].size() == 3);
  CHECK(batches[0][0].folder == "/tv/0");
  CHECK(batches[1].size() == 2);
  CHECK(bench.waiting() == 0);
}

STORE_TEST("a notifier's messages are at least min_interval apart", "[notify]") {
  SenderBench<Backend> bench;
  bench.start(milliseconds(0), milliseconds(400));
  bench.delivered("/tv/A");
  REQUIRE(bench.pass(milliseconds(10)));  // an idle sender looks every idle_interval
  REQUIRE(bench.notifier->sent() == 1);
  bench.delivered("/tv/B");
  REQUIRE(bench.pass(milliseconds(399)));
  CHECK(bench.notifier->sent() == 1);
  REQUIRE(bench.pass(milliseconds(1)));  // 400 ms after the first send
  CHECK(bench.notifier->sent() == 2);
}

STORE_TEST("a notifier that is unavailable keeps its notifications and gets them once it answers",
           "[notify]") {
  SenderBench<Backend> bench;
  bench.notifier->answer(Result::unavailable("refused"));
  bench.outbox->add_now(NotificationEvent::target_down, "plex", "refused", bench.now());
  bench.start(milliseconds(0), milliseconds(0));
  REQUIRE(bench.notifier->batches().size() == 1);
  // Tried again after the probe interval (100 ms here), not before.
  REQUIRE(bench.pass(milliseconds(99)));
  CHECK(bench.notifier->batches().size() == 1);
  REQUIRE(bench.pass(milliseconds(1)));
  CHECK(bench.notifier->batches().size() == 2);
  CHECK(bench.waiting() == 1);
  bench.notifier->answer(Result::ok());
  REQUIRE(bench.pass(milliseconds(100)));
  CHECK(bench.waiting() == 0);
  const auto batches = bench.notifier->batches();
  REQUIRE(batches.size() == 3);
  CHECK(batches.back().size() == 1);
  CHECK(batches.back()[0].event == NotificationEvent::target_down);
}

STORE_TEST("a batch the notifier rejects for good is dropped so later ones still go", "[notify]") {
  SenderBench<Backend> bench;
  bench.notifier->answer(Result::rejected("400: Invalid Form Body"));
  bench.delivered("/tv/A");
  bench.start(milliseconds(0), milliseconds(0));
  REQUIRE(bench.notifier->batches().size() == 1);
  CHECK(bench.waiting() == 0);
  bench.notifier->answer(Result::ok());
  bench.delivered("/tv/B");
  REQUIRE(bench.pass(milliseconds(10)));  // an idle sender looks every idle_interval
  REQUIRE(bench.notifier->batches().size() == 2);
  CHECK(bench.notifier->batches()[1][0].folder == "/tv/B");
}

STORE_TEST("a notifier's retry waits the receiver's retry-after before the batch goes again",
           "[notify]") {
  SenderBench<Backend> bench;
  bench.notifier->answer(Result::retry("429: rate limited", std::chrono::seconds(1)));
  NotifySettings settings = fast_settings();
  settings.backoff.max = milliseconds(5000);  // retry_max caps a retry-after too
  deliver(*bench.store, "/tv/A", Result::rejected("gone"), bench.now());
  bench.start(milliseconds(0), milliseconds(0), settings);
  REQUIRE(bench.notifier->batches().size() == 1);
  bench.notifier->answer(Result::ok());
  // The backoff alone (50 to 100 ms here) would have sent it long before.
  REQUIRE(bench.pass(milliseconds(999)));
  CHECK(bench.notifier->batches().size() == 1);
  CHECK(bench.waiting() == 1);
  REQUIRE(bench.pass(milliseconds(1)));
  CHECK(bench.notifier->batches().size() == 2);
  CHECK(bench.waiting() == 0);
}

STORE_TEST("notifications for a notifier no longer configured are dropped, others kept",
           "[notify]") {
  Backend backend;
  {
    const auto store = backend.open();
    const auto before = store->open_outbox({{"old", kAll}, {"kept", kAll}});
    deliver(*store, "/tv/A", Result::ok(), 1000);
    deliver(*store, "/tv/B", Result::rejected("gone"), 1001);
  }
  const auto store = backend.open();  // a restart with [notify.old] removed
  const auto after = store->open_outbox({{"kept", kAll}});
  CHECK(after->drop_unsubscribed() == 2);
  CHECK(after->waiting("old") == 0);
  CHECK(after->waiting("kept") == 2);
  CHECK(after->drop_unsubscribed() == 0);
}

// Two scanhookd on one PostgreSQL database, each with the same [notify.hook]
// and a sender of its own: every notification, whichever instance wrote it,
// reaches the receiver once; when the sending instance goes (its connection,
// and with it the notifier's lock, closes), the other sends the rest.
TEST_CASE("two instances on one database send each notification once", "[notify][postgres]") {
  const std::string url = PostgresServer::shared().fresh_database();
  struct Instance {
    std::unique_ptr<Store> store;
    std::unique_ptr<NotificationOutbox> outbox;
    std::unique_ptr<NotificationSender> sender;  // last: stops first
  };
  const auto start = [&](const std::string& name, std::shared_ptr<RecordingNotifier> notifier) {
    auto instance = std::make_unique<Instance>();
    StoreSettings settings;
    settings.database = url;
    settings.instance = name;
    instance->store = open_store(settings);
    instance->outbox = instance->store->open_outbox({{"hook", kAll}});
    instance->sender = std::make_unique<NotificationSender>(
        *instance->outbox,
        std::vector<NotifierSlot>{{"hook", std::move(notifier), milliseconds(0), milliseconds(0)}},
        fast_settings());
    instance->sender->start();
    return instance;
  };
  const auto received_by_a = std::make_shared<RecordingNotifier>();
  const auto received_by_b = std::make_shared<RecordingNotifier>();
  auto a = start("a", received_by_a);
  auto b = start("b", received_by_b);
  const auto sent_ids = [&] {
    std::map<std::int64_t, int> ids;  // id -> times sent
    for (const auto& notifier : {received_by_a, received_by_b})
      for (const auto& batch : notifier->batches())
        for (const auto& notification : batch) ++ids[notification.id];
    return ids;
  };
  const Millis now = now_millis();
  for (int i = 0; i < 20; ++i)
    deliver(i % 2 ? *a->store : *b->store, "/tv/" + std::to_string(i), Result::ok(), now + i);
  REQUIRE(eventually([&] { return sent_ids().size() == 20; }));
  CHECK(eventually([&] { return a->outbox->waiting("hook") == 0; }));
  // One instance sent them all: the other never held the notifier.
  const bool a_sends = received_by_a->sent() > 0;
  CHECK((a_sends ? received_by_b : received_by_a)->sent() == 0);
  auto& sending = a_sends ? a : b;
  auto& other = a_sends ? b : a;
  const auto& other_received = a_sends ? received_by_b : received_by_a;
  sending.reset();  // its sender stops, its connections close, and the lock with them
  for (int i = 20; i < 30; ++i)
    deliver(*other->store, "/tv/" + std::to_string(i), Result::ok(), now + i);
  REQUIRE(eventually([&] { return sent_ids().size() == 30; }, std::chrono::seconds(10)));
  CHECK(other_received->sent() == 10);
  for (const auto& [id, times] : sent_ids()) {
    INFO("notification " << id);
    CHECK(times == 1);
  }
}
