#include "discord_message.hpp"

#include <algorithm>
#include <cctype>
#include <map>

#include "scanhook/http.hpp"
#include "scanhook/support/utc_time.hpp"

namespace scanhook::discord {

namespace {

bool is_continuation(unsigned char c) {
  return (c & 0xC0) == 0x80;
}

struct Kind {
  NotificationEvent event;
  const char* title;  // "%d folders delivered"
  int color;
};

// In the order the embeds appear: trouble first.
constexpr Kind kKinds[] = {
    {NotificationEvent::target_down, "Target down", 0xE74C3C},
    {NotificationEvent::rejected, "Rejected", 0xE67E22},
    {NotificationEvent::dead_letter, "Webhooks kept as dead letters", 0x95A5A6},
    {NotificationEvent::target_up, "Target back up", 0x3498DB},
    {NotificationEvent::delivered, "Delivered", 0x2ECC71},
};

// One line of a description: "**plex** `/tv/Show` — reason".
std::string line_of(const Notification& n) {
  std::string line = "**" + n.subject + "**";
  if (!n.folder.empty()) line += " `" + n.folder + "`";
  if (!n.reason.empty()) line += " \xE2\x80\x94 " + n.reason;
  return truncate_chars(line, 400);
}

// Lines joined while they fit in `budget` characters; then "... and N more".
std::string lines_within(const std::vector<const Notification*>& items, std::size_t budget) {
  std::string text;
  std::size_t used = 0;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string line = line_of(*items[i]);
    const std::size_t cost = char_count(line) + (text.empty() ? 0 : 1);
    const std::string more = "\n... and " + std::to_string(items.size() - i) + " more";
    if (used + cost + char_count(more) > budget)
      return text + (text.empty() ? more.substr(1) : more);
    text += (text.empty() ? "" : "\n") + line;
    used += cost;
  }
  return text;
}

struct Embed {
  std::string title;
  std::string description;
  std::vector<std::pair<std::string, std::string>> fields;
  int color = 0;
  std::int64_t latest = 0;
};

// Targets as fields (name: the target, value: why), up to 25 and `budget`.
void add_fields(Embed& embed, const std::vector<const Notification*>& items, std::size_t budget) {
  std::size_t used = 0;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string name = truncate_chars(items[i]->subject, kFieldNameLimit);
    const std::string value =
        truncate_chars(items[i]->reason.empty() ? "answers again" : items[i]->reason, 300);
    const std::size_t cost = char_count(name) + char_count(value);
    if (embed.fields.size() == kFieldLimit || used + cost + 40 > budget) {
      embed.description = "... and " + std::to_string(items.size() - i) + " more";
      return;
    }
    embed.fields.emplace_back(name, value);
    used += cost;
  }
}

std::string embed_json(const Embed& embed) {
  std::string json = "{\"title\":" + json_quote(embed.title);
  if (!embed.description.empty()) json += ",\"description\":" + json_quote(embed.description);
  json += ",\"color\":" + std::to_string(embed.color);
  if (!embed.fields.empty()) {
    json += ",\"fields\":[";
    for (std::size_t i = 0; i < embed.fields.size(); ++i)
      json += std::string(i ? "," : "") + "{\"name\":" + json_quote(embed.fields[i].first) +
              ",\"value\":" + json_quote(embed.fields[i].second) + "}";
    json += "]";
  }
  return json + ",\"timestamp\":" + json_quote(support::iso8601_utc(embed.latest)) + "}";
}

}  // namespace

std::size_t char_count(const std::string& text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return !is_continuation(static_cast<unsigned char>(c));
  }));
}

std::string truncate_chars(const std::string& text, std::size_t limit) {
  if (char_count(text) <= limit) return text;
  if (limit == 0) return {};
  std::size_t kept = 0;
  std::size_t end = 0;
  // Keep limit-1 code points, then the ellipsis.
  while (end < text.size()) {
    if (!is_continuation(static_cast<unsigned char>(text[end]))) {
      if (kept == limit - 1) break;
      ++kept;
    }
    ++end;
  }
  return text.substr(0, end) + "\xE2\x80\xA6";
}

std::string username_problem(const std::string& username) {
  if (username.empty() || char_count(username) > kUsernameLimit) return "1 to 80 characters";
  std::string lower = username;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* part : {"discord", "@", "#", ":", "```"})
    if (lower.find(part) != std::string::npos)
      return std::string("Discord refuses names containing \"") + part + "\"";
  for (const char* name : {"clyde", "everyone", "here"})
    if (lower == name) return std::string("Discord refuses the name \"") + name + "\"";
  return {};
}

std::string message_body(const std::vector<Notification>& batch, const MessageStyle& style) {
  std::map<NotificationEvent, std::vector<const Notification*>> by_kind;
  for (const auto& notification : batch) by_kind[notification.event].push_back(&notification);
  std::vector<Embed> embeds;
  std::string summary;
  for (const Kind& kind : kKinds) {
    const auto found = by_kind.find(kind.event);
    if (found == by_kind.end()) continue;
    const auto& items = found->second;
    summary += (summary.empty() ? "" : ", ") + std::to_string(items.size()) + " " +
               notification_event_name(kind.event);
    Embed embed;
    embed.title = std::string(kind.title) + " (" + std::to_string(items.size()) + ")";
    embed.color = kind.color;
    for (const auto* item : items) embed.latest = std::max(embed.latest, item->at_ms);
    embeds.push_back(std::move(embed));
  }
  // The embeds share the 6,000 characters; each also stays within its own limits.
  const std::size_t share = embeds.empty() ? 0 : kEmbedsTotalLimit / embeds.size();
  std::size_t k = 0;
  for (const Kind& kind : kKinds) {
    const auto found = by_kind.find(kind.event);
    if (found == by_kind.end()) continue;
    Embed& embed = embeds[k++];
    const std::size_t budget = std::min(kDescriptionLimit, share - char_count(embed.title) - 1);
    if (kind.event == NotificationEvent::target_down || kind.event == NotificationEvent::target_up)
      add_fields(embed, found->second, budget);
    else
      embed.description = lines_within(found->second, budget);
  }
  std::string json = "{\"username\":" + json_quote(truncate_chars(style.username, kUsernameLimit));
  if (!style.avatar_url.empty()) json += ",\"avatar_url\":" + json_quote(style.avatar_url);
  json += ",\"content\":" + json_quote(truncate_chars("scanhook: " + summary, kContentLimit));
  json += ",\"embeds\":[";
  for (std::size_t i = 0; i < embeds.size() && i < kEmbedLimit; ++i)
    json += (i ? "," : "") + embed_json(embeds[i]);
  // Nobody is pinged by what a folder name says.
  return json + "],\"allowed_mentions\":{\"parse\":[]}}";
}

}  // namespace scanhook::discord
