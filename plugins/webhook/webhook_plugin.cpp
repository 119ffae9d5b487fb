// The `webhook` plugin: notifications as one JSON POST per batch to any URL
// (a home-automation hook, a chat bridge, your own script):
//
//   {"sender":"scanhook","notifications":[{"id":17,"event":"rejected",
//    "subject":"plex","folder":"/tv/Show","reason":"...",
//    "at":"2026-11-30T09:00:00.123Z"}]}
//
// `id` is unique per [notify.NAME] section: a receiver can drop a repeat (a
// batch is sent again when scanhook stops between the POST and its answer).
#include <memory>

#include "scanhook/scanhook.hpp"
#include "scanhook/support/notifier_config_keys.hpp"
#include "scanhook/support/notify_endpoint.hpp"
#include "scanhook/support/utc_time.hpp"

namespace {

using scanhook::ConfigKey;
using scanhook::ConfigType;
namespace support = scanhook::support;

constexpr ConfigKey kConfigKeys[] = {
    {"url", ConfigType::secret, nullptr, scanhook::kNotifier, true,
     "where the JSON is POSTed, e.g. https://hooks.example.net/scanhook (a secret: URLs often "
     "hold a token; url_file or url_env work too)"},
    {"token", ConfigType::secret, "", scanhook::kNotifier, false,
     "sent as Authorization: Bearer <token> when set"},
    {"max_batch", ConfigType::integer, "100", scanhook::kNotifier, false,
     "the most notifications in one POST (1 to 1000)"},
    support::kNotifyTimeoutKey,
    support::kNotifyVerifyTlsKey,
    support::kNotifyCaFileKey,
};

std::string body_of(const std::vector<scanhook::Notification>& batch) {
  std::string json = "{\"sender\":\"scanhook\",\"notifications\":[";
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const auto& n = batch[i];
    json += std::string(i ? "," : "") + "{\"id\":" + std::to_string(n.id) +
            ",\"event\":" + scanhook::json_quote(scanhook::notification_event_name(n.event)) +
            ",\"subject\":" + scanhook::json_quote(n.subject) +
            ",\"folder\":" + scanhook::json_quote(n.folder) +
            ",\"reason\":" + scanhook::json_quote(n.reason) +
            ",\"at\":" + scanhook::json_quote(support::iso8601_utc(n.at_ms)) + "}";
  }
  return json + "]}";
}

class WebhookNotifier final : public scanhook::NotifierBase {
 public:
  WebhookNotifier(support::NotifyEndpoint endpoint, std::string token, std::size_t max_batch)
      : endpoint_(std::move(endpoint)), token_(std::move(token)), max_batch_(max_batch) {}

  std::size_t max_batch() const noexcept override { return max_batch_; }

 protected:
  scanhook::Result on_send(const std::vector<scanhook::Notification>& batch) override {
    scanhook::HeaderList headers;
    if (!token_.empty()) headers.emplace_back("Authorization", "Bearer " + token_);
    return support::classify_notify_answer(endpoint_.post_json(body_of(batch), headers), endpoint_);
  }

 private:
  support::NotifyEndpoint endpoint_;
  std::string token_;
  std::size_t max_batch_;
};

constexpr scanhook::ConfigRange kConfigRanges[] = {{"max_batch", 1, 1000}, support::kTimeoutRange};

void check(const scanhook::CheckArgs& args) {
  support::check_notify_endpoint(*args.config);
}

std::unique_ptr<scanhook::Instance> make(const scanhook::CreateArgs& args) {
  const auto& config = *args.config;
  const auto max_batch = config.integer("max_batch", 100);
  return std::make_unique<WebhookNotifier>(
      support::NotifyEndpoint(config.string("url"), support::notify_http_options(config),
                              "the webhook"),
      config.string("token"), static_cast<std::size_t>(max_batch));
}

}  // namespace

SCANHOOK_PLUGIN_CHECKED("webhook", "1.0.0", "Notifications as JSON POSTs to any URL",
                        scanhook::kNotifier, kConfigKeys, kConfigRanges, check, make)
