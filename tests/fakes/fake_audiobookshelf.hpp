// A fake Audiobookshelf server (facts from advplyr/audiobookshelf v2.36.0,
// commit 1b46d68027f3dcd88a4ef596fe6d005541fea3c6): GET /ping and /status
// without auth; every /api route behind `Authorization: Bearer <token>`
// (passport-jwt: 401 "Unauthorized" otherwise); GET /api/libraries in
// Library.toOldJSON's shape; POST /api/watcher/update as MiscController's
// updateWatchedPath: 403 for a non-admin, 400 (Express sendStatus) when
// libraryId, path or type is missing or type is not add/unlink/rename
// (rename needs oldPath), else 200 "OK" — also for a library id or a path
// the watcher then ignores (Watcher.addFileUpdate only logs those).
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "fakes/fake_http_server.hpp"
#include "fakes/fake_library.hpp"

namespace scanhook::fakes {

struct WatcherUpdate {
  std::string library_id;
  std::string path;
  std::string type;  // add, unlink, rename
};
inline bool operator==(const WatcherUpdate& a, const WatcherUpdate& b) {
  return a.library_id == b.library_id && a.path == b.path && a.type == b.type;
}

class FakeAudiobookshelf final : public FakeHttpServer {
 public:
  explicit FakeAudiobookshelf(std::string token);
  ~FakeAudiobookshelf() override;

  // FakeLibrary: key = library id, type = mediaType ("book", "podcast").
  void set_libraries(std::vector<FakeLibrary> libraries);
  // The token's user is an admin (or root) by default.
  void set_admin(bool admin);
  // Updates the watcher took in (its library exists and holds the path).
  std::vector<WatcherUpdate> watcher_updates() const;
  // Updates answered 200 that the watcher only logged (unknown library, path outside it).
  std::vector<WatcherUpdate> ignored_updates() const;

 private:
  HttpReply handle(const RecordedRequest& request);
  HttpReply libraries() const;
  HttpReply watcher_update(const RecordedRequest& request);

  mutable std::mutex mutex_;
  std::string token_;
  bool admin_ = true;
  std::vector<FakeLibrary> libraries_;
  std::vector<WatcherUpdate> accepted_;
  std::vector<WatcherUpdate> ignored_;
};

}  // namespace scanhook::fakes
