// What the fake Jellyfin and Emby share, as the real servers do (Jellyfin is
// a fork of Emby): libraries, items by id, and POST /Library/Media/Updated
// with its {"Updates":[{Path, UpdateType}]} body. Routes are matched without
// regard to case, like ASP.NET's. Each product fake adds its auth and shapes.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "fakes/fake_http_server.hpp"
#include "fakes/fake_library.hpp"

namespace scanhook::fakes {

struct MediaUpdate {
  std::string path;
  std::string update_type;  // Created, Modified, Deleted
};
inline bool operator==(const MediaUpdate& a, const MediaUpdate& b) {
  return a.path == b.path && a.update_type == b.update_type;
}

struct FakeItem {
  std::string id;
  std::string name;
  std::string type;  // Episode, Movie, Series, ...
  std::string path;
  bool is_folder = false;
  std::string album_artist{};  // a MusicAlbum's AlbumArtist
};

class FakeMediaBrowser : public FakeHttpServer {
 public:
  void set_libraries(std::vector<FakeLibrary> libraries);
  void add_item(FakeItem item);
  void remove_item(const std::string& id);

  // Every accepted Media/Updated call, one list of updates per call.
  std::vector<std::vector<MediaUpdate>> media_updates() const;

 protected:
  // `prefix` is put before every route ("" for Jellyfin, "/emby" for Emby).
  explicit FakeMediaBrowser(std::string prefix);

  // The route without the prefix, or nullopt when the prefix is missing.
  std::optional<std::string> route_of(const RecordedRequest& request) const;
  static bool is_route(const std::string& route, const std::string& expected);

  std::vector<FakeLibrary> libraries() const;
  std::optional<FakeItem> item(const std::string& id) const;

  // Handles POST .../Library/Media/Updated: 204, or 400 on a bad body.
  HttpReply media_updated(const RecordedRequest& request);
  // GET .../Items?ids=a,b&Fields=Path → {"Items":[...],"TotalRecordCount":n,"StartIndex":0};
  // or ?searchTerm=x&IncludeItemTypes=T: items of type T whose name contains x, any case.
  HttpReply items(const RecordedRequest& request) const;

  virtual HttpReply handle(const RecordedRequest& request) = 0;

 private:
  std::string prefix_;
  mutable std::mutex mutex_;
  std::vector<FakeLibrary> libraries_;
  std::map<std::string, FakeItem> items_;
  std::vector<std::vector<MediaUpdate>> media_updates_;
};

// ASP.NET binds query parameters without regard to case.
std::optional<std::string> query_param_nocase(const RecordedRequest& request,
                                              const std::string& name);

}  // namespace scanhook::fakes
