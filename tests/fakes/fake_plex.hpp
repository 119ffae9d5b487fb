// A fake Plex Media Server: X-Plex-Token auth (header or query, 401 without),
// XML answers unless Accept: application/json, /identity, the sections with
// their Location paths, partial refreshes (GET or POST; 404 for an unknown
// section or a PUT), item metadata and /children, shaped as Plex shapes them
// (python-plexapi's Video/Audio/Directory classes): leaf items (movie,
// episode, track, clip) carry Media/Part files, shows and artists Location,
// seasons and albums neither.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "fakes/fake_http_server.hpp"
#include "fakes/fake_library.hpp"

namespace scanhook::fakes {

struct FakePlexItem {
  std::string rating_key;
  std::string type;  // movie, episode, track, clip; show, artist; season, album
  std::string title;
  std::vector<std::string> files;      // Media[].Part[].file (leaf items only)
  std::vector<std::string> locations;  // Location[].path (shows and artists only)
  std::string parent{};                // parentRatingKey: the season of an episode, ...
};

struct PlexRefresh {
  std::string section;
  std::string path;  // decoded; "" for a whole-section refresh
};

class FakePlex final : public FakeHttpServer {
 public:
  static constexpr const char* kMachineIdentifier = "3f9c1e5a7b2d4c6e8f0a1b2c3d4e5f60a7b8c9d0";

  explicit FakePlex(std::string token);
  ~FakePlex() override;

  void set_token(std::string token);
  void set_sections(std::vector<FakeLibrary> sections);
  // Throws std::invalid_argument for an item Plex would never list (a season with files, ...).
  void add_item(FakePlexItem item);

  // Plex keeps listing `section` but answers its refreshes with its 404 page
  // (the new-user trial's Plex, 2026-11-30); "" answers them again.
  void refuse_refreshes_of(std::string section);

  // Every accepted refresh, in order.
  std::vector<PlexRefresh> refreshes() const;
  // The same, each as "section <key> <path>", for comparisons that read well.
  std::vector<std::string> refreshed() const;

 private:
  HttpReply handle(const RecordedRequest& request);
  bool authorized(const RecordedRequest& request) const;
  HttpReply sections_reply(bool json) const;
  HttpReply refresh(const RecordedRequest& request, const std::string& section);
  HttpReply metadata_reply(const std::string& rating_key, bool json) const;
  HttpReply children_reply(const std::string& rating_key, bool json) const;
  HttpReply items_reply(const std::vector<const FakePlexItem*>& items, bool json) const;

  mutable std::mutex mutex_;
  std::string token_;
  std::vector<FakeLibrary> sections_;
  std::map<std::string, FakePlexItem> items_;
  std::vector<PlexRefresh> refreshes_;
  std::string refused_section_;
};

}  // namespace scanhook::fakes
