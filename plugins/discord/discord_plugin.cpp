// The `discord` plugin: notifications as messages of a Discord channel
// webhook (Server Settings > Integrations > Webhooks). README.md beside this
// file shows a message.
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <cmath>
#include <memory>

#include "discord_message.hpp"
#include "scanhook/scanhook.hpp"
#include "scanhook/support/notifier_config_keys.hpp"
#include "scanhook/support/notify_endpoint.hpp"

namespace {

using scanhook::ConfigKey;
using scanhook::ConfigType;
using scanhook::Result;
namespace support = scanhook::support;
namespace discord = scanhook::discord;

constexpr ConfigKey kConfigKeys[] = {
    {"url", ConfigType::secret, nullptr, scanhook::kNotifier, true,
     "the channel webhook's URL (Edit Channel > Integrations > Webhooks > Copy Webhook URL); it "
     "holds the webhook's token, so it is a secret (url_file or url_env work too)"},
    {"username", ConfigType::string, "scanhook", scanhook::kNotifier, false,
     "the name messages are posted under: 1 to 80 characters, without \"discord\", @, #, : or "
     "```, and not \"clyde\", \"everyone\" or \"here\" (Discord refuses those)"},
    {"avatar_url", ConfigType::url, nullptr, scanhook::kNotifier, false,
     "an image URL for the poster's avatar (default: the webhook's own)"},
    support::kNotifyTimeoutKey,
    support::kNotifyVerifyTlsKey,
    support::kNotifyCaFileKey,
};

// Rate-limit answers carry retry_after in seconds, with a fraction
// (docs/topics/Rate_Limits.md); Retry-After may round it down.
std::chrono::seconds retry_after_of(const support::HttpResponse& response) {
  std::chrono::seconds wait = response.retry_after();
  try {
    const auto body = Poco::JSON::Parser().parse(response.body).extract<Poco::JSON::Object::Ptr>();
    if (body && body->has("retry_after")) {
      const double seconds = body->getValue<double>("retry_after");
      if (seconds > 0 && seconds < 86400)
        wait = std::max(wait, std::chrono::seconds(static_cast<long>(std::ceil(seconds))));
    }
  } catch (const std::exception&) {
    // Not JSON: the header is all there is.
  }
  return std::max(wait, std::chrono::seconds(1));
}

class DiscordNotifier final : public scanhook::NotifierBase {
 public:
  DiscordNotifier(support::NotifyEndpoint endpoint, discord::MessageStyle style)
      : endpoint_(std::move(endpoint)), style_(std::move(style)) {}

  // Lines past the embeds' limits are counted, not lost from the count.
  std::size_t max_batch() const noexcept override { return 100; }

 protected:
  Result on_send(const std::vector<scanhook::Notification>& batch) override {
    const auto response = endpoint_.post_json(discord::message_body(batch, style_));
    Result result = support::classify_notify_answer(response, endpoint_);
    if (response.status == 429) result.retry_after = retry_after_of(response);
    return result;
  }

 private:
  support::NotifyEndpoint endpoint_;
  discord::MessageStyle style_;
};

constexpr scanhook::ConfigRange kConfigRanges[] = {support::kTimeoutRange};

void check(const scanhook::CheckArgs& args) {
  const auto& config = *args.config;
  support::check_notify_endpoint(config);
  if (const std::string problem = discord::username_problem(config.string("username", "scanhook"));
      !problem.empty())
    throw scanhook::ConfigRefusal("username", problem);
}

std::unique_ptr<scanhook::Instance> make(const scanhook::CreateArgs& args) {
  const auto& config = *args.config;
  discord::MessageStyle style{config.string("username", "scanhook"), config.string("avatar_url")};
  return std::make_unique<DiscordNotifier>(
      support::NotifyEndpoint(config.string("url"), support::notify_http_options(config),
                              "Discord"),
      std::move(style));
}

}  // namespace

SCANHOOK_PLUGIN_CHECKED("discord", "1.0.0", "Notifications to a Discord channel webhook",
                        scanhook::kNotifier, kConfigKeys, kConfigRanges, check, make)
