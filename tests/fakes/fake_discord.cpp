#include "fakes/fake_discord.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/String.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include "fakes/wire_format.hpp"

namespace scanhook::fakes {

namespace {

constexpr const char* kWebhookId = "1312345678901234567";
constexpr const char* kWebhookToken =
    "fKq3-Zr7xWcA9yVbT2nLpE5sHdJ8uMgQo1iR6kYtXvB0aCzNe4fGhU_jPlSmDwO";

std::size_t code_points(const std::string& text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

HttpReply json_reply(int status, const std::string& body) {
  return {status, "application/json", body, {}};
}

// Discord's "Invalid Form Body" answer for one field.
HttpReply invalid_form(const std::string& field, const std::string& code,
                       const std::string& message) {
  Poco::JSON::Object error;
  error.set("code", code);
  error.set("message", message);
  Poco::JSON::Array errors;
  errors.add(error);
  Poco::JSON::Object at;
  at.set("_errors", errors);
  Poco::JSON::Object fields;
  fields.set(field, at);
  Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
  body.set("code", 50035);
  body.set("errors", fields);
  body.set("message", "Invalid Form Body");
  return json_reply(400, to_json(body));
}

std::string text_of(const Poco::JSON::Object::Ptr& object, const char* key) {
  return object && object->has(key) && object->get(key).isString()
             ? object->getValue<std::string>(key)
             : std::string();
}

// The first broken limit of an embed (`at` names it: "embeds.0"), and the
// characters it adds to the message's total.
std::optional<HttpReply> check_embed(const Poco::JSON::Object::Ptr& embed, const std::string& at,
                                     DiscordEmbed& out, std::size_t& total) {
  if (!embed)
    return invalid_form(at, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a DictType");
  out.title = text_of(embed, "title");
  out.description = text_of(embed, "description");
  out.timestamp = text_of(embed, "timestamp");
  out.color = embed->has("color") ? embed->getValue<int>("color") : 0;
  if (code_points(out.title) > 256)
    return invalid_form(at + ".title", "BASE_TYPE_MAX_LENGTH", "Must be 256 or fewer in length.");
  if (code_points(out.description) > 4096)
    return invalid_form(at + ".description", "BASE_TYPE_MAX_LENGTH",
                        "Must be 4096 or fewer in length.");
  total += code_points(out.title) + code_points(out.description);
  if (const auto fields = embed->getArray("fields")) {
    if (fields->size() > 25)
      return invalid_form(at + ".fields", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.");
    for (std::size_t i = 0; i < fields->size(); ++i) {
      const auto field = fields->getObject(static_cast<unsigned>(i));
      const std::string where = at + ".fields." + std::to_string(i);
      const std::string name = text_of(field, "name");
      const std::string value = text_of(field, "value");
      if (name.empty() || code_points(name) > 256)
        return invalid_form(where + ".name", "BASE_TYPE_BAD_LENGTH",
                            "Must be between 1 and 256 in length.");
      if (value.empty() || code_points(value) > 1024)
        return invalid_form(where + ".value", "BASE_TYPE_BAD_LENGTH",
                            "Must be between 1 and 1024 in length.");
      out.fields.emplace_back(name, value);
      total += code_points(name) + code_points(value);
    }
  }
  if (const auto footer = embed->getObject("footer")) total += code_points(text_of(footer, "text"));
  if (const auto author = embed->getObject("author")) total += code_points(text_of(author, "name"));
  return std::nullopt;
}

}  // namespace

FakeDiscord::FakeDiscord()
    : FakeHttpServer([this](const RecordedRequest& request) { return handle(request); }) {}

FakeDiscord::~FakeDiscord() {
  set_down(true);
}

std::string FakeDiscord::webhook_url() const {
  return url() + "/api/webhooks/" + kWebhookId + "/" + kWebhookToken;
}

void FakeDiscord::rate_limit(int count, double seconds) {
  std::lock_guard lock(mutex_);
  rate_limited_ = count;
  retry_after_ = seconds;
}

std::vector<DiscordMessage> FakeDiscord::messages() const {
  std::lock_guard lock(mutex_);
  return messages_;
}

std::vector<std::string> FakeDiscord::refusals() const {
  std::lock_guard lock(mutex_);
  return refusals_;
}

HttpReply FakeDiscord::handle(const RecordedRequest& request) {
  const std::string expected = std::string("/api/webhooks/") + kWebhookId + "/" + kWebhookToken;
  if (request.path != expected)
    return json_reply(404, R"({"message": "Unknown Webhook", "code": 10015})");
  if (request.method != "POST")
    return json_reply(405, R"({"message": "405: Method Not Allowed", "code": 0})");
  std::lock_guard lock(mutex_);
  if (rate_limited_ > 0) {
    --rate_limited_;
    char body[160];
    std::snprintf(
        body, sizeof body,
        R"({"message": "You are being rate limited.", "retry_after": %.3f, "global": false})",
        retry_after_);
    return {429,
            "application/json",
            body,
            {{"Retry-After", std::to_string(static_cast<int>(std::ceil(retry_after_)))},
             {"X-RateLimit-Limit", "5"},
             {"X-RateLimit-Remaining", "0"},
             {"X-RateLimit-Scope", "user"}}};
  }
  const auto refuse = [&](HttpReply reply) {
    refusals_.push_back(reply.body);
    return reply;
  };
  Poco::JSON::Object::Ptr body;
  if (request.header("Content-Type").value_or("").rfind("application/json", 0) != 0)
    return refuse(json_reply(400, R"({"message": "Cannot send an empty message", "code": 50006})"));
  try {
    const auto parsed = Poco::JSON::Parser().parse(request.body);
    if (parsed.type() == typeid(Poco::JSON::Object::Ptr))
      body = parsed.extract<Poco::JSON::Object::Ptr>();
  } catch (const Poco::Exception&) {
  }
  if (!body)
    return refuse(json_reply(
        400, R"({"code": 50109, "message": "The request body contains invalid JSON."})"));

  DiscordMessage message{text_of(body, "username"), text_of(body, "content"), {}};
  const std::string user = Poco::toLower(message.username);
  if (code_points(message.username) > 80)
    return refuse(
        invalid_form("username", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 80 in length."));
  for (const char* part : {"discord", "@", "#", ":", "```"})
    if (user.find(part) != std::string::npos)
      return refuse(invalid_form("username", "USERNAME_INVALID_CONTAINS",
                                 std::string("Username cannot contain \"") + part + "\""));
  for (const char* name : {"clyde", "everyone", "here"})
    if (user == name)
      return refuse(invalid_form("username", "USERNAME_INVALID", "Invalid username"));
  if (code_points(message.content) > 2000)
    return refuse(
        invalid_form("content", "BASE_TYPE_MAX_LENGTH", "Must be 2000 or fewer in length."));
  const auto embeds = body->getArray("embeds");
  if (embeds && embeds->size() > 10)
    return refuse(invalid_form("embeds", "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length."));
  std::size_t total = 0;
  for (std::size_t i = 0; embeds && i < embeds->size(); ++i) {
    DiscordEmbed embed;
    if (auto broken = check_embed(embeds->getObject(static_cast<unsigned>(i)),
                                  "embeds." + std::to_string(i), embed, total))
      return refuse(*broken);
    message.embeds.push_back(std::move(embed));
  }
  if (total > 6000)
    return refuse(invalid_form("embeds", "MAX_EMBED_SIZE_EXCEEDED",
                               "Embed size exceeds maximum size of 6000"));
  if (message.content.empty() && message.embeds.empty())
    return refuse(json_reply(400, R"({"message": "Cannot send an empty message", "code": 50006})"));
  messages_.push_back(std::move(message));
  if (request.query_param("wait") == std::optional<std::string>("true"))
    return json_reply(200, R"({"id": "1312999999999999999", "type": 0, "content": ""})");
  return {204, "", "", {}};
}

}  // namespace scanhook::fakes
