// A fake Jellyfin server: the routes scanhook uses, Jellyfin's auth
// (Authorization: MediaBrowser Token="..."; X-Emby-Token and ?api_key= only
// with legacy authorization on), PascalCase JSON, 204 on Media/Updated.
// Its version matters: 10.8.0-10.8.7 answer GET /Items with an API key and no
// userId with a 500 (ItemsController passed a null user on; jellyfin/jellyfin
// PR #7965 fixed it in 10.8.8), while /Users/{userId}/Items always works.
#pragma once

#include <string>

#include "fakes/fake_media_browser.hpp"

namespace scanhook::fakes {

class FakeJellyfin final : public FakeMediaBrowser {
 public:
  // `base_url` is Jellyfin's Networking > Base URL ("/jellyfin"): a request
  // outside it is redirected to the web app, as BaseUrlRedirectionMiddleware
  // does (Jellyfin 10.10: a 302 to a relative "../jellyfin/web/").
  explicit FakeJellyfin(std::string api_key, std::string base_url = "");
  ~FakeJellyfin() override;

  void set_api_key(std::string api_key);
  // Off by default, as from Jellyfin 10.12.
  void set_legacy_authorization(bool enabled);
  // "10.10.7" by default; shown by /System/Info/Public and shaping /Items.
  void set_version(std::string version);
  // Users listed by GET /Users; an administrator when `administrator`.
  void add_user(std::string id, std::string name, bool administrator);

 protected:
  HttpReply handle(const RecordedRequest& request) override;

 private:
  bool authorized(const RecordedRequest& request) const;
  bool items_need_user() const;
  HttpReply users() const;
  bool has_user(const std::string& id) const;

  struct User {
    std::string id;
    std::string name;
    bool administrator;
  };

  mutable std::mutex auth_mutex_;
  std::string base_url_;
  std::string api_key_;
  bool legacy_authorization_ = false;
  std::string version_ = "10.10.7";
  std::vector<User> users_;
};

// The Token="..." value of a MediaBrowser authorization header, or "".
std::string media_browser_token(const std::string& header);

}  // namespace scanhook::fakes
