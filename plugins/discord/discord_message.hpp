// One Discord webhook message for a batch of notifications, inside Discord's
// limits (discord/discord-api-docs: docs/resources/Webhook.md "Execute
// Webhook" at 808294c, docs/resources/Channel.md "Embed Limits" at 1232714):
// content 2,000 characters, 10 embeds, title 256, description 4,096, 25
// fields of name 256 and value 1,024, and 6,000 characters over all embeds.
// Characters are Unicode code points; text is cut on a code point boundary.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "scanhook/notifier.hpp"

namespace scanhook::discord {

inline constexpr std::size_t kContentLimit = 2000;
inline constexpr std::size_t kEmbedLimit = 10;
inline constexpr std::size_t kTitleLimit = 256;
inline constexpr std::size_t kDescriptionLimit = 4096;
inline constexpr std::size_t kFieldLimit = 25;
inline constexpr std::size_t kFieldNameLimit = 256;
inline constexpr std::size_t kFieldValueLimit = 1024;
inline constexpr std::size_t kEmbedsTotalLimit = 6000;
inline constexpr std::size_t kUsernameLimit = 80;

struct MessageStyle {
  std::string username = "scanhook";  // 1 to 80 characters
  std::string avatar_url;             // "" for the webhook's own
};

// {"username":..,"content":"scanhook: 3 delivered, 1 rejected","embeds":[...]}:
// one embed per kind of event in the batch (delivered, rejected, dead
// letters: a line per notification in the description; targets down and up:
// a field per target), each with its colour and the time of its latest event.
// What does not fit is counted ("... and 12 more").
std::string message_body(const std::vector<Notification>& batch, const MessageStyle& style);

// Why Discord would refuse `username` as a webhook's name ("" when it would
// not): docs/resources/User.md "Usernames and Nicknames" (no "discord", @, #,
// :, ```; not "everyone" or "here") and Webhook.md (not "clyde"); 1 to 80
// characters. Compared without regard to case.
std::string username_problem(const std::string& username);

// `text` cut to at most `limit` code points, the last one "…" when cut.
std::string truncate_chars(const std::string& text, std::size_t limit);
// How many code points `text` holds (bytes that are not UTF-8 count one each).
std::size_t char_count(const std::string& text);

}  // namespace scanhook::discord
