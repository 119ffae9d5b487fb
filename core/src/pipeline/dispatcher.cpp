#include "scanhook/core/pipeline/dispatcher.hpp"
#include "scanhook/core/app/startup_banner.hpp"
#include "scanhook/core/text/counted.hpp"

#include <Poco/Logger.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

namespace scanhook::core {

namespace {

// "target plex: 3 folders in 212 ms: 2 ok, 1 retry: /tv/A, /tv/B, /tv/C"
// (the first three folders, then how many more).
std::string batch_summary(const std::string& target, const std::vector<Delivery>& deliveries,
                          double seconds) {
  std::size_t counts[4] = {0, 0, 0, 0};
  for (const auto& delivery : deliveries) ++counts[static_cast<int>(delivery.result.status)];
  char took[32];
  std::snprintf(took, sizeof took, "%.0f ms", seconds * 1000);
  std::string line =
      "target " + target + ": " + counted(deliveries.size(), "folder") + " in " + took + ":";
  const char* separator = " ";
  for (Status status : {Status::ok, Status::retry, Status::unavailable, Status::rejected}) {
    if (counts[static_cast<int>(status)] == 0) continue;
    line +=
        separator + std::to_string(counts[static_cast<int>(status)]) + " " + status_name(status);
    separator = ", ";
  }
  constexpr std::size_t kPathsShown = 3;
  for (std::size_t i = 0; i < deliveries.size() && i < kPathsShown; ++i)
    line += (i == 0 ? ": " : ", ") + deliveries[i].target_path;
  if (deliveries.size() > kPathsShown)
    line += " and " + std::to_string(deliveries.size() - kPathsShown) + " more";
  // Why folders wait: a retry has no line of its own (rejections and pauses do).
  std::vector<std::string> reasons;
  for (const auto& delivery : deliveries)
    if (delivery.result.status == Status::retry &&
        std::find(reasons.begin(), reasons.end(), delivery.result.reason) == reasons.end())
      reasons.push_back(delivery.result.reason);
  if (!reasons.empty()) line += "; retried because " + reasons.front();
  if (reasons.size() > 1) line += " (and " + counted(reasons.size() - 1, "other reason") + ")";
  return line;
}

// How long a pause lasts before the next probe: the probe interval, doubled for
// each pause in a row that followed a passing probe (the probe does not see
// what fails the deliveries), up to the backoff's max.
std::chrono::milliseconds pause_length(const DispatchSettings& settings, int flaps) {
  std::int64_t length = std::max<std::int64_t>(settings.probe_interval.count(), 1);
  const std::int64_t cap =
      std::max(length, static_cast<std::int64_t>(settings.backoff.max.count()));
  for (int i = 0; i < flaps && length < cap; ++i) length *= 2;
  return std::chrono::milliseconds(std::min(length, cap));
}

}  // namespace

Dispatcher::Dispatcher(QueueStore& queue, const Intake& intake, std::vector<TargetSlot> targets,
                       DispatchSettings settings, Metrics& metrics, NotificationOutbox* outbox,
                       TimeSource& clock)
    : queue_(queue),
      intake_(intake),
      outbox_(outbox),
      clock_(clock),
      settings_(std::move(settings)),
      logger_(Poco::Logger::get("scanhook.dispatcher")),
      random_(std::random_device{}()) {
  for (auto& slot : targets) {
    auto worker = std::make_unique<Worker>();
    worker->stage = slot.target->stage();
    worker->max_batch = std::max<std::size_t>(slot.target->max_batch(), 1);
    for (Status status : {Status::ok, Status::retry, Status::unavailable, Status::rejected})
      worker->delivered[static_cast<int>(status)] =
          &metrics.counter("scanhook_deliveries_total", "folders delivered to targets, by outcome",
                           {{"target", slot.name}, {"outcome", status_name(status)}});
    worker->latency = &metrics.histogram(
        "scanhook_delivery_seconds", "how long a target took to answer a batch",
        {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30}, {{"target", slot.name}});
    worker->slot = std::move(slot);
    workers_.push_back(std::move(worker));
  }
}

Dispatcher::~Dispatcher() {
  stop();
}

void Dispatcher::start() {
  for (auto& worker : workers_) {
    Worker* w = worker.get();
    w->thread = std::thread([this, w] { run(*w); });
  }
  if (queue_.lease().count() > 0) keeper_ = std::thread([this] { keep_leases(); });
}

void Dispatcher::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  for (auto& worker : workers_)
    if (worker->thread.joinable()) worker->thread.join();
  if (keeper_.joinable()) keeper_.join();
}

void Dispatcher::wake() {
  {
    std::lock_guard lock(mutex_);
    ++wakes_;
  }
  changed_.notify_all();
}

bool Dispatcher::sleep(std::chrono::milliseconds duration, bool idle) {
  std::unique_lock lock(mutex_);
  const std::uint64_t seen = wakes_;
  clock_.wait_for(changed_, lock, duration, [&] { return stopping_ || (idle && wakes_ != seen); });
  return !stopping_;
}

std::optional<std::string> Dispatcher::missing_anchor() const {
  for (const auto& anchor : settings_.anchors) {
    std::error_code error;
    if (!std::filesystem::exists(anchor, error))
      return "the anchor " + anchor + " is missing (is the media mount up?): nothing is dispatched";
  }
  return std::nullopt;
}

std::optional<std::string> Dispatcher::blocked_reason() const {
  std::lock_guard lock(mutex_);
  return blocked_;
}

std::vector<std::string> Dispatcher::blocking_for(const Worker& worker) {
  std::vector<std::string> blocking;
  if (worker.stage != Stage::scan) return blocking;
  std::lock_guard lock(mutex_);
  for (const auto& other : workers_)
    if (other->stage == Stage::prepare && (other->slot.required || !other->paused))
      blocking.push_back(other->slot.name);
  return blocking;
}

void Dispatcher::run(Worker& worker) {
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
    }
    if (const auto missing = missing_anchor()) {
      bool changed = false;
      {
        std::lock_guard lock(mutex_);
        changed = blocked_ != *missing;
        blocked_ = *missing;
      }
      if (changed) logger_.warning(*missing);
      if (!sleep(settings_.idle_interval, false)) return;
      continue;
    }
    {
      std::lock_guard lock(mutex_);
      if (blocked_) logger_.information("every anchor is back: dispatching resumes");
      blocked_.reset();
    }
    bool paused = false;
    Millis next_probe = 0;
    {
      std::lock_guard lock(mutex_);
      paused = worker.paused;
      next_probe = worker.next_probe;
    }
    if (!paused) paused = adopt_shared_pause(worker, next_probe);
    if (paused) {
      const Millis wait = next_probe - clock_.millis();
      if (wait > 0) {
        if (!sleep(std::chrono::milliseconds(wait), false)) return;
        continue;
      }
      probe(worker);
      continue;
    }
    bool delivered = false;
    try {
      delivered = deliver_batch(worker);
    } catch (const std::exception& error) {
      logger_.error("target " + worker.slot.name + ": the queue failed: " + error.what());
      if (!sleep(settings_.idle_interval, false)) return;
      continue;
    }
    if (!delivered) {
      if (!sleep(settings_.idle_interval, true)) return;
    } else if (worker.slot.scan_delay.count() > 0) {
      if (!sleep(worker.slot.scan_delay, false)) return;
    }
  }
}

void Dispatcher::probe(Worker& worker) {
  const Result answer = worker.slot.target->probe();
  bool resumed = false;
  // What a page shows of the target: a probe that says the same again is news to no one.
  bool changed = false;
  {
    std::lock_guard lock(mutex_);
    note_answer(worker, answer.status == Status::ok, clock_.millis());
    if (answer.status == Status::ok) {
      worker.paused = false;
      worker.last_error_past = true;
      worker.resumed_by_probe = true;
      resumed = true;
    } else {
      changed = worker.last_error != answer.reason;
      note_error(worker, answer.reason, clock_.millis());
      worker.next_probe = clock_.millis() + settings_.probe_interval.count();
    }
  }
  if (resumed) {
    share_pause(worker, std::nullopt);
    logger_.information("target " + worker.slot.name + " answers again: deliveries resume");
    notify_state(NotificationEvent::target_up, worker.slot.name, "");
    wake();  // scan targets may have been waiting for this prepare target
  }
  if ((resumed || changed) && settings_.on_change) settings_.on_change();
}

bool Dispatcher::deliver_batch(Worker& worker) {
  const Millis picked_at = clock_.millis();
  const auto due = queue_.due(worker.slot.name, picked_at, worker.max_batch, blocking_for(worker));
  if (due.empty()) return false;

  std::vector<ScanFolder> folders;
  std::vector<std::size_t> sent;  // index in `due` of each folder sent
  std::vector<Delivery> deliveries(due.size());
  for (std::size_t i = 0; i < due.size(); ++i) {
    const std::string rewritten = intake_.target_rewrite(worker.slot.name, due[i].path);
    const auto path = check_target_path(rewritten);
    deliveries[i] = {worker.slot.name, due[i], path ? *path : rewritten, Result::ok(), picked_at,
                     picked_at,        0,      worker.slot.config};
    if (!path) {
      deliveries[i].result =
          Result::rejected("the target's rewrite made a bad path: " + path.error().message);
      continue;
    }
    if (worker.slot.presence) {
      if (auto waiting =
              worker.slot.presence->verdict(due[i].path, due[i].first_event, picked_at)) {
        deliveries[i].result = std::move(*waiting);
        continue;
      }
    }
    folders.push_back({*path, due[i].kind, due[i].priority});
    sent.push_back(i);
  }

  const auto started = clock_.steady_now();
  std::vector<Result> results;
  if (!folders.empty()) results = send(worker, due, folders, sent);
  const double seconds = std::chrono::duration<double>(clock_.steady_now() - started).count();
  const Millis finished = clock_.millis();
  if (results.size() != folders.size())
    results.assign(folders.size(),
                   Result::retry("the plugin answered " + counted(results.size(), "result") +
                                 " for " + counted(folders.size(), "folder")));
  if (!folders.empty()) worker.latency->observe(seconds);

  bool unavailable = false;
  std::string unavailable_reason;
  bool answered = false;  // ok or rejected: the target itself works
  std::string last_error;
  for (std::size_t k = 0; k < sent.size(); ++k) {
    Delivery& delivery = deliveries[sent[k]];
    delivery.result = results[k];
    delivery.finished = finished;
    if (delivery.result.status == Status::unavailable) {
      unavailable = true;
      unavailable_reason = delivery.result.reason;
    }
    answered |= delivery.result.status == Status::ok || delivery.result.status == Status::rejected;
  }
  // Retried folders, sent or still waiting to exist (require_exists).
  for (auto& delivery : deliveries) {
    if (delivery.result.status != Status::ok) last_error = delivery.result.reason;
    if (delivery.result.status != Status::retry) continue;
    double jitter = 0;
    {
      std::lock_guard lock(mutex_);
      jitter = std::uniform_real_distribution<double>(0, 1)(random_);
    }
    delivery.retry_at = finished + retry_delay(settings_.backoff, delivery.folder.attempts + 1,
                                               delivery.result.retry_after, jitter)
                                       .count();
  }
  if (unavailable) last_error = unavailable_reason;
  Millis retry_due = 0;  // the soonest retry of this batch
  for (const auto& delivery : deliveries)
    if (delivery.result.status == Status::retry &&
        (retry_due == 0 || delivery.retry_at < retry_due))
      retry_due = delivery.retry_at;
  if (!record(worker, deliveries)) return true;  // stopping: the results are lost, not the events

  logger_.information(batch_summary(worker.slot.name, deliveries, seconds));

  bool prepared = false;
  for (const auto& delivery : deliveries) {
    if (worker.slot.presence &&
        (delivery.result.status == Status::ok || delivery.result.status == Status::rejected))
      worker.slot.presence->delivered(delivery.folder.path, picked_at);
    worker.delivered[static_cast<int>(delivery.result.status)]->add();
    if (delivery.result.status == Status::rejected)
      logger_.warning("target " + worker.slot.name + " rejected " + delivery.target_path + ": " +
                      delivery.result.reason);
    prepared |= delivery.result.status == Status::ok && worker.stage == Stage::prepare;
  }
  std::chrono::milliseconds pause{0};
  int flaps = 0;
  {
    std::lock_guard lock(mutex_);
    worker.last_delivery = finished;
    if (!last_error.empty())
      note_error(worker, last_error, finished);
    else if (!sent.empty() && answered)
      worker.last_error_past = true;  // a clean batch: the target works again
    if (!sent.empty()) note_answer(worker, answered, finished);
    if (retry_due != 0 && (worker.retry_due <= finished || retry_due < worker.retry_due))
      worker.retry_due = retry_due;
    if (unavailable) {
      worker.flaps = worker.resumed_by_probe ? worker.flaps + 1 : 0;
      worker.paused = true;
      pause = pause_length(settings_, worker.flaps);
      worker.next_probe = finished + pause.count();
      flaps = worker.flaps;
    } else if (!sent.empty()) {
      worker.flaps = 0;
    }
    if (!sent.empty()) worker.resumed_by_probe = false;
  }
  if (unavailable) {
    share_pause(worker, SharedPause{finished + pause.count(), last_error, ""});
    if (flaps == 0)
      logger_.warning("target " + worker.slot.name + " is unavailable (" + last_error +
                      "): paused, probing every " + duration_text(settings_.probe_interval));
    else
      logger_.warning("target " + worker.slot.name + " is unavailable again (" + last_error +
                      ") right after its probe passed, " + counted(flaps, "time") +
                      " in a row: the probe does not see this failure; paused, next probe in " +
                      duration_text(pause));
    notify_state(NotificationEvent::target_down, worker.slot.name, last_error);
  }
  if (prepared) wake();
  if (settings_.on_change) settings_.on_change();
  return true;
}

std::vector<Result> Dispatcher::send(Worker& worker, const std::vector<DueFolder>& due,
                                     const std::vector<ScanFolder>& folders,
                                     const std::vector<std::size_t>& sent) {
  if (queue_.lease().count() == 0) return worker.slot.target->scan(folders);
  std::vector<DueFolder> in_flight;
  std::string resent;
  for (const std::size_t i : sent) {
    in_flight.push_back(due[i]);
    if (!due[i].maybe_sent_by.empty())
      resent += (resent.empty() ? "" : ", ") + due[i].path + " (" + due[i].maybe_sent_by + ")";
  }
  // Thrown when the mark cannot be written: then nothing was sent.
  queue_.keep_in_flight(worker.slot.name, in_flight, clock_.millis());
  if (!resent.empty())
    logger_.warning("target " + worker.slot.name +
                    ": sending again what another instance was sending when its lease ran out "
                    "(the target may scan it twice): " +
                    resent);
  {
    std::lock_guard lock(lease_mutex_);
    worker.in_flight = std::move(in_flight);
  }
  auto results = worker.slot.target->scan(folders);
  // After this, no renewal runs for the batch: record() clears its mark for good.
  std::lock_guard lock(lease_mutex_);
  worker.in_flight.clear();
  return results;
}

void Dispatcher::keep_leases() {
  const auto every = std::max(queue_.lease() / 3, std::chrono::milliseconds(1));
  while (sleep(every, false)) {
    std::lock_guard lock(lease_mutex_);
    for (auto& worker : workers_) {
      if (worker->in_flight.empty()) continue;
      try {
        queue_.keep_in_flight(worker->slot.name, worker->in_flight, clock_.millis());
      } catch (const std::exception& error) {
        logger_.error("target " + worker->slot.name + ": cannot renew the lease of " +
                      counted(worker->in_flight.size(), "folder") + " being sent (" + error.what() +
                      "): another instance may send them again once it runs out");
      }
    }
  }
}

bool Dispatcher::adopt_shared_pause(Worker& worker, Millis& next_probe) {
  std::optional<SharedPause> pause;
  try {
    pause = queue_.shared_pause(worker.slot.name, clock_.millis());
  } catch (const std::exception& error) {
    logger_.error("target " + worker.slot.name + ": cannot read its shared state: " + error.what());
  }
  if (!pause) return false;
  {
    std::lock_guard lock(mutex_);
    worker.paused = true;
    worker.next_probe = next_probe = pause->until;
    note_error(worker, pause->error, clock_.millis());
    note_answer(worker, false, clock_.millis());
  }
  logger_.warning("target " + worker.slot.name + " was found unavailable by " + pause->instance +
                  " (" + pause->error + "): paused here too until its next probe");
  return true;
}

void Dispatcher::share_pause(const Worker& worker, std::optional<SharedPause> pause) {
  try {
    queue_.share_pause(worker.slot.name, std::move(pause));
  } catch (const std::exception& error) {
    // The pause still holds here; the other instances find the outage themselves.
    logger_.error("target " + worker.slot.name + ": cannot share its state: " + error.what());
  }
}

// The scans are done; if their results cannot be written (disk full, I/O
// error), writing them is what is tried again, never the scans: the folders
// are still due in the table, and picking them again would send the target
// the same folders every idle_interval for as long as the disk stays full.
bool Dispatcher::record(Worker& worker, const std::vector<Delivery>& deliveries) {
  auto wait = settings_.idle_interval;
  bool committed = false;  // then only its fsync is tried again: the commit must not run twice
  for (bool first = true;; first = false) {
    try {
      if (!committed) queue_.record(deliveries);
      committed = true;
      queue_.sync();
      if (!first)
        logger_.information("target " + worker.slot.name + ": " +
                            counted(deliveries.size(), "result") + " written at last");
      return true;
    } catch (const SqlError& error) {
      if (first)
        logger_.error("target " + worker.slot.name + ": cannot write " +
                      counted(deliveries.size(), "result") + " (" + error.what() +
                      "): trying again, up to every " +
                      std::to_string(settings_.probe_interval.count()) +
                      " ms, without scanning them again");
    }
    if (!sleep(wait, false)) return false;
    wait = std::min(wait * 2, settings_.probe_interval);
  }
}

void Dispatcher::notify_state(NotificationEvent event, const std::string& target,
                              const std::string& reason) {
  if (!outbox_) return;
  try {
    outbox_->add_now(event, target, reason, clock_.millis());
  } catch (const std::exception& error) {
    logger_.error("target " + target + ": could not keep the " + notification_event_name(event) +
                  " notification: " + error.what());
  }
}

void Dispatcher::note_answer(Worker& worker, bool succeeded, Millis at) {
  worker.last_answer = at;
  if (succeeded)
    worker.failing_since = 0;
  else if (worker.failing_since == 0)
    worker.failing_since = at;
}

void Dispatcher::note_error(Worker& worker, const std::string& reason, Millis at) {
  worker.last_error = reason;
  worker.last_error_at = at;
  worker.last_error_past = false;
}

Millis Dispatcher::failing_since(const std::string& target) const {
  std::lock_guard lock(mutex_);
  for (const auto& worker : workers_)
    if (worker->slot.name == target) return worker->failing_since;
  return 0;
}

std::vector<TargetState> Dispatcher::states() {
  std::vector<TargetState> states;
  {
    std::lock_guard lock(mutex_);
    const Millis now = clock_.millis();
    for (const auto& worker : workers_)
      states.push_back({worker->slot.name, worker->stage, worker->paused, worker->last_error,
                        worker->paused            ? worker->next_probe
                        : worker->retry_due > now ? worker->retry_due
                                                  : 0,
                        worker->last_delivery, 0, worker->failing_since, worker->last_answer,
                        worker->last_error_at, worker->last_error_past});
  }
  for (auto& state : states) state.queued = queue_.delivery_count(state.name);
  return states;
}

}  // namespace scanhook::core
