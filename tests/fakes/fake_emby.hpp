// A fake Emby server: routes under /emby, Emby's auth (X-Emby-Token header,
// api_key query, or a MediaBrowser Token in X-Emby-Authorization), its
// library listings, and 204 on Media/Updated.
#pragma once

#include <string>

#include "fakes/fake_media_browser.hpp"

namespace scanhook::fakes {

class FakeEmby final : public FakeMediaBrowser {
 public:
  explicit FakeEmby(std::string api_key);
  ~FakeEmby() override;

  void set_api_key(std::string api_key);

 protected:
  HttpReply handle(const RecordedRequest& request) override;

 private:
  bool authorized(const RecordedRequest& request) const;

  mutable std::mutex auth_mutex_;
  std::string api_key_;
};

}  // namespace scanhook::fakes
