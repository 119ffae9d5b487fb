#include "scanhook/core/web/live_events.hpp"

#include <algorithm>
#include <string>

namespace scanhook::core {

namespace {

constexpr std::pair<unsigned, const char*> kTopicNames[] = {
    {kQueueTopic, "queue"},
    {kTargetsTopic, "targets"},
    {kHistoryTopic, "history"},
    {kDeadLettersTopic, "dead_letters"},
};

std::string change_event(unsigned topics, std::uint64_t id) {
  std::string names;
  for (const auto& [bit, name] : kTopicNames)
    if (topics & bit) names += (names.empty() ? "\"" : ",\"") + std::string(name) + "\"";
  return "id: " + std::to_string(id) + "\nevent: change\ndata: {\"topics\":[" + names + "]}\n\n";
}

}  // namespace

LiveEvents::LiveEvents(LiveEventSettings settings)
    : settings_(settings), counted_(std::make_shared<std::atomic<std::size_t>>(0)) {
  thread_ = std::thread([this] { run(); });
}

LiveEvents::~LiveEvents() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void LiveEvents::changed(unsigned topics) {
  bool first = false;
  {
    std::lock_guard lock(mutex_);
    first = pending_ == 0;
    pending_ |= topics;
  }
  if (first) wake_.notify_one();
}

std::size_t LiveEvents::open_streams() const {
  std::lock_guard lock(mutex_);
  return static_cast<std::size_t>(std::count_if(streams_.begin(), streams_.end(),
                                                [](const auto& stream) { return stream->open(); }));
}

void LiveEvents::run() {
  std::unique_lock lock(mutex_);
  auto next_heartbeat = std::chrono::steady_clock::now() + settings_.heartbeat;
  while (!stopping_) {
    wake_.wait_until(lock, next_heartbeat, [this] { return stopping_ || pending_ != 0; });
    if (stopping_) break;
    std::string bytes;
    if (pending_ != 0) {
      // Let the rest of a burst (a batch of commits) arrive: one event for all of it.
      wake_.wait_for(lock, settings_.coalesce, [this] { return stopping_; });
      bytes = change_event(pending_, ++sequence_);
      pending_ = 0;
    } else if (std::chrono::steady_clock::now() >= next_heartbeat) {
      bytes = ": keep-alive\n\n";
      next_heartbeat = std::chrono::steady_clock::now() + settings_.heartbeat;
    } else {
      continue;
    }
    // send() only queues: holding the lock here costs no I/O.
    streams_.erase(std::remove_if(streams_.begin(), streams_.end(),
                                  [&](const auto& stream) { return !stream->send(bytes); }),
                   streams_.end());
    counted_->store(streams_.size());
  }
  streams_.clear();  // each stream's connection closes as its last holder lets go
}

void LiveEvents::open(const Respond& respond) {
  std::lock_guard lock(mutex_);
  streams_.erase(std::remove_if(streams_.begin(), streams_.end(),
                                [](const auto& stream) { return !stream->open(); }),
                 streams_.end());
  if (stopping_) return respond(json_error(503, "scanhookd is shutting down"));
  if (streams_.size() >= settings_.max_streams) {
    HttpReply busy = json_error(
        503, "too many live event streams are open (" + std::to_string(settings_.max_streams) +
                 "): close other scanhook tabs; this page reloads by itself");
    busy.headers.emplace_back("Retry-After", "10");
    return respond(std::move(busy));
  }
  auto stream = respond.open_stream({200, "text/event-stream", "", {}});
  if (!stream) return;  // a HEAD request, or the client is gone
  // retry: how soon (ms) EventSource reconnects after the stream ends.
  stream->send("retry: 3000\n: connected\n\n");
  streams_.push_back(std::move(stream));
  counted_->store(streams_.size());
}

void LiveEvents::register_routes(Router& router) {
  router.add_deferred(
      "GET", "/api/events", Access::user,
      [this](const HttpRequest&, const RouteParams&, const Respond& respond) { open(respond); });
}

void LiveEvents::add_metrics(Metrics& metrics) {
  metrics.gauge("scanhook_http_event_streams", "open live event streams (GET /api/events)",
                [counted = counted_] { return static_cast<double>(counted->load()); });
}

}  // namespace scanhook::core
