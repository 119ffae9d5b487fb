#include "online_media_sources.hpp"

#include <algorithm>
#include <cctype>

namespace scanhook::plex_optout {

namespace {

constexpr const char* kMusicKey = "tv.plex.provider.music";
constexpr const char* kKeyPrefix = "tv.plex.provider.";

}  // namespace

const std::vector<SourceInfo>& known_sources() {
  static const std::vector<SourceInfo> sources = {
      {"tv.plex.provider.podcasts", "Podcasts", "Podcasts from Plex's podcast directory."},
      {kMusicKey, "Music", "Plex's streaming music service and its recommendations."},
      {"tv.plex.provider.webshows", "Web Shows", "Web series and online video channels."},
      {"tv.plex.provider.news", "News", "Plex's news clips and headlines."},
      {"tv.plex.provider.vod", "Movies & TV (free)", "Plex's free ad-supported movies and shows."},
      {"tv.plex.provider.epg", "Live TV", "Plex's free live TV channels and their guide."},
  };
  return sources;
}

SourceInfo describe_source(const std::string& key) {
  for (const auto& source : known_sources())
    if (source.key == key) return source;
  return {key, key, "An online source plex.tv lists that scanhook does not know yet."};
}

std::vector<std::string> allowed_values(const std::string& key) {
  if (key == kMusicKey) return {kOptIn, kOptOut};
  return {kOptIn, kOptOut, kOptOutManaged};
}

bool is_value(const std::string& text) {
  return text == kOptIn || text == kOptOut || text == kOptOutManaged;
}

bool is_allowed(const std::string& key, const std::string& value) {
  const auto allowed = allowed_values(key);
  return std::find(allowed.begin(), allowed.end(), value) != allowed.end();
}

bool is_source_key(const std::string& text) {
  const std::string prefix = kKeyPrefix;
  if (text.size() <= prefix.size() || text.size() > 128 ||
      text.compare(0, prefix.size(), prefix) != 0)
    return false;
  return std::all_of(
      text.begin() + static_cast<std::ptrdiff_t>(prefix.size()), text.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_';
      });
}

}  // namespace scanhook::plex_optout
