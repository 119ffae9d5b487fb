// A fake Jellyfin server: the routes scanhook uses, Jellyfin's auth
// (Authorization: MediaBrowser Token="..."; X-Emby-Token and ?api_key= only
// with legacy authorization on), PascalCase JSON, 204 on Media/Updated.
#pragma once

#include <string>

#include "fakes/fake_media_browser.hpp"

namespace scanhook::fakes {

class FakeJellyfin final : public FakeMediaBrowser {
 public:
  explicit FakeJellyfin(std::string api_key);
  ~FakeJellyfin() override;

  void set_api_key(std::string api_key);
  // Off by default, as from Jellyfin 10.12.
  void set_legacy_authorization(bool enabled);

 protected:
  HttpReply handle(const RecordedRequest& request) override;

 private:
  bool authorized(const RecordedRequest& request) const;

  mutable std::mutex auth_mutex_;
  std::string api_key_;
  bool legacy_authorization_ = false;
};

// The Token="..." value of a MediaBrowser authorization header, or "".
std::string media_browser_token(const std::string& header);

}  // namespace scanhook::fakes
