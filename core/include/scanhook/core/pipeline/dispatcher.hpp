// Delivers due folders to targets: one thread per target, batches of up to
// max_batch(), backoff on `retry`, pause-and-probe on `unavailable`, history
// for everything that leaves the queue. Prepare-stage targets finish a folder
// before scan-stage targets start it; a missing anchor file stops everything.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "scanhook/core/notify/notification_outbox.hpp"
#include "scanhook/core/pipeline/backoff.hpp"
#include "scanhook/core/pipeline/delivery_status.hpp"
#include "scanhook/core/pipeline/intake.hpp"
#include "scanhook/core/pipeline/metrics.hpp"
#include "scanhook/core/pipeline/presence_check.hpp"
#include "scanhook/core/store/queue_store.hpp"
#include "scanhook/core/time_source.hpp"
#include "scanhook/target.hpp"
#include "scanhook/target_description.hpp"

namespace Poco {
class Logger;
}

namespace scanhook::core {

struct TargetSlot {
  std::string name;
  std::shared_ptr<Target> target;
  std::chrono::milliseconds scan_delay{0};
  bool required = true;  // prepare stage: scan targets wait for it even while it is paused
  std::string config;    // verdict_fingerprint of its settings, kept with each history row
  std::shared_ptr<const PresenceCheck> presence{};  // require_exists; null when off
  Describable* describable = nullptr;               // what the target offered (SDK 1.2), or null
};

struct DispatchSettings {
  BackoffPolicy backoff;
  std::chrono::milliseconds probe_interval{30'000};
  std::chrono::milliseconds idle_interval{1'000};
  std::vector<std::string> anchors;
  // After a batch or a probe, on the target's thread: the queue, the history
  // or the target states may have changed (the live UI's cue).
  std::function<void()> on_change;
};

// What /api/targets shows of one target.
struct TargetState {
  std::string name;
  Stage stage = Stage::scan;
  bool paused = false;
  std::string last_error;
  // When the target is tried next (ms since the epoch): paused, its next
  // probe; running with folders waiting in backoff, the soonest retry this
  // dispatcher scheduled; 0 when nothing waits (due folders go at once).
  Millis next_attempt = 0;
  Millis last_delivery = 0;
  std::int64_t queued = 0;
  // Since when every answer was a pause or a retry (0: the last batch was
  // delivered or rejected, or a probe answered): the folders stay queued,
  // and this says for how long.
  Millis failing_since = 0;
  // When the target last answered a batch or a probe (0: not since start-up,
  // so whether it works is unknown).
  Millis last_answer = 0;
  // When last_error was last seen (0: none since start-up), and whether a
  // batch was delivered or a probe answered since: then it is kept as the
  // target's past, not its present.
  Millis last_error_at = 0;
  bool last_error_past = false;
};

class Dispatcher : public DeliveryStatus {
 public:
  // `outbox`, if given, is told in the same commit what each delivery came
  // to, and when a target pauses or answers again. Every time stamp, wait and
  // back-off is read from `clock`.
  Dispatcher(QueueStore& queue, const Intake& intake, std::vector<TargetSlot> targets,
             DispatchSettings settings, Metrics& metrics, NotificationOutbox* outbox = nullptr,
             TimeSource& clock = real_time());
  ~Dispatcher();

  void start();
  void stop();  // waits for batches in flight
  // Events were committed: idle targets look at once.
  void wake();

  std::vector<TargetState> states() override;
  // TargetState::failing_since of one target (0 also for an unknown name), without the queue.
  Millis failing_since(const std::string& target) const;
  // Why nothing is dispatched (a missing anchor), or nullopt.
  std::optional<std::string> blocked_reason() const override;

 private:
  struct Worker {
    TargetSlot slot;
    Stage stage = Stage::scan;
    std::size_t max_batch = 1;
    std::thread thread;
    // Guarded by Dispatcher::mutex_.
    bool paused = false;
    std::string last_error;
    Millis last_error_at = 0;
    bool last_error_past = false;
    Millis next_probe = 0;
    Millis retry_due = 0;  // the soonest retry scheduled (what next_attempt shows while running)
    // A probe passed and no batch was answered since; `flaps` counts the pauses
    // in a row that came right after one (each doubles the wait for the next probe).
    bool resumed_by_probe = false;
    int flaps = 0;
    Millis last_delivery = 0;
    Millis failing_since = 0;
    Millis last_answer = 0;
    Counter* delivered[4] = {};  // by Status
    Histogram* latency = nullptr;
    // Guarded by Dispatcher::lease_mutex_: the batch being sent, whose leases
    // the keeper renews (only on a store with leases).
    std::vector<DueFolder> in_flight;
  };

  void run(Worker& worker);
  bool deliver_batch(Worker& worker);  // false when nothing was due
  // Sends `folders` to the target; on a store with leases, marks them in
  // flight first (committed before the request leaves) and lets the keeper
  // renew their leases until the answer, so that a slow target never lets
  // another instance take a live instance's batch over.
  std::vector<Result> send(Worker& worker, const std::vector<DueFolder>& due,
                           const std::vector<ScanFolder>& folders,
                           const std::vector<std::size_t>& sent);
  // The keeper's thread: renews the leases of every batch in flight, three
  // times per lease.
  void keep_leases();
  void probe(Worker& worker);
  // Pauses `worker` until the next probe when another instance shared that
  // the target is unavailable; true if so (next_probe set).
  bool adopt_shared_pause(Worker& worker, Millis& next_probe);
  // Tells the other instances on the store (errors logged, not thrown).
  void share_pause(const Worker& worker, std::optional<SharedPause> pause);
  // Writes a batch's results, trying again while writes fail; false once stopping.
  bool record(Worker& worker, const std::vector<Delivery>& deliveries);
  // Under mutex_: a success ends a failing spell, a failure starts one if none runs.
  static void note_answer(Worker& worker, bool succeeded, Millis at);
  static void note_error(Worker& worker, const std::string& reason, Millis at);
  std::vector<std::string> blocking_for(const Worker& worker);
  // Why nothing may be dispatched now (an anchor is missing), if so.
  std::optional<std::string> missing_anchor() const;
  // A target paused or answering again, for the notifiers (logged if it cannot be kept).
  void notify_state(NotificationEvent event, const std::string& target, const std::string& reason);
  // Sleeps up to `duration`; an idle sleep also ends at wake(). False once stopping.
  bool sleep(std::chrono::milliseconds duration, bool idle);

  QueueStore& queue_;
  const Intake& intake_;
  NotificationOutbox* outbox_;
  TimeSource& clock_;
  DispatchSettings settings_;
  std::vector<std::unique_ptr<Worker>> workers_;
  Poco::Logger& logger_;
  std::mutex lease_mutex_;  // held while the keeper renews: a batch is recorded only after
  std::thread keeper_;

  mutable std::mutex mutex_;
  std::condition_variable_any changed_;
  std::uint64_t wakes_ = 0;
  bool stopping_ = false;
  std::optional<std::string> blocked_;  // the missing anchor's message
  std::mt19937_64 random_;
};

}  // namespace scanhook::core
