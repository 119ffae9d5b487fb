// A real rclone whose listings carry no ModTime: sits in front of `rclone rcd`
// and adds "noModTime": true to each operations/list call, so rclone itself
// writes "ModTime": "" (fs/operations/lsjson.go), as it does for a backend
// that gives no time. Every other call is passed through unchanged.
#pragma once

#include <memory>
#include <string>

#include "fakes/fake_http_server.hpp"
#include "scanhook/support/http_client.hpp"

namespace scanhook::testing {

class UntimedRclone {
 public:
  explicit UntimedRclone(const std::string& rclone_url);

  std::string url() const { return server_.url(); }
  // How many operations/list answers held an empty ModTime.
  int untimed_listings() const;

 private:
  HttpReply forward(const fakes::RecordedRequest& request);

  support::HttpClient upstream_;
  mutable std::mutex mutex_;
  int untimed_listings_ = 0;
  fakes::FakeHttpServer server_;  // last: it calls forward() until it is gone
};

}  // namespace scanhook::testing
