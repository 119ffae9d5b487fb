// A fake Discord webhook (POST /api/webhooks/{id}/{token}), following
// discord/discord-api-docs: docs/resources/Webhook.md "Execute Webhook"
// (commit 808294c), docs/resources/Channel.md "Embed Limits" (1232714),
// docs/topics/Rate_Limits.md and docs/topics/Opcodes_and_Status_Codes.md
// (JSON error codes). It answers as Discord does:
//   204 (no body) when the message is accepted; 200 with the message under ?wait=true
//   404 {"message":"Unknown Webhook","code":10015} for another id or token
//   400 {"message":"Cannot send an empty message","code":50006} without content and embeds
//   400 {"code":50109,...} for a body that is not JSON
//   400 {"code":50035,"errors":{...},"message":"Invalid Form Body"} for a broken limit:
//       content over 2,000 characters, more than 10 embeds, an embed title over 256,
//       description over 4,096, more than 25 fields, a field name over 256 or value
//       over 1,024 (or either empty), more than 6,000 characters over all embeds,
//       a username over 80 characters, containing "discord", @, #, : or ```, or
//       being "clyde", "everyone" or "here" (docs/resources/User.md, Webhook.md)
//   429 {"message":"You are being rate limited.","retry_after":0.6,"global":false}
//       with Retry-After and X-RateLimit-* headers, while rate_limit() says so.
// Characters are counted as Unicode code points.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "fakes/fake_http_server.hpp"

namespace scanhook::fakes {

struct DiscordEmbed {
  std::string title;
  std::string description;
  std::vector<std::pair<std::string, std::string>> fields;
  std::string timestamp;
  int color = 0;
};

struct DiscordMessage {
  std::string username;
  std::string content;
  std::vector<DiscordEmbed> embeds;
};

class FakeDiscord final : public FakeHttpServer {
 public:
  FakeDiscord();
  ~FakeDiscord() override;

  // The webhook's URL: <url>/api/webhooks/<id>/<token>.
  std::string webhook_url() const;
  // The next `count` requests answer 429 with retry_after `seconds`.
  void rate_limit(int count, double seconds);

  std::vector<DiscordMessage> messages() const;
  // Why each refused body was refused (the 400s' messages, with the field).
  std::vector<std::string> refusals() const;

 private:
  HttpReply handle(const RecordedRequest& request);

  mutable std::mutex mutex_;
  std::vector<DiscordMessage> messages_;
  std::vector<std::string> refusals_;
  int rate_limited_ = 0;
  double retry_after_ = 0;
};

}  // namespace scanhook::fakes
