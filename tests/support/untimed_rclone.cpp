#include "support/untimed_rclone.hpp"

namespace scanhook::testing {

UntimedRclone::UntimedRclone(const std::string& rclone_url)
    : upstream_(rclone_url, {}),
      server_([this](const fakes::RecordedRequest& request) { return forward(request); }) {}

int UntimedRclone::untimed_listings() const {
  std::lock_guard lock(mutex_);
  return untimed_listings_;
}

HttpReply UntimedRclone::forward(const fakes::RecordedRequest& request) {
  std::string body = request.body;
  const std::string opt = "\"opt\":{";
  if (request.path == "/operations/list") {
    const auto at = body.find(opt);
    if (at != std::string::npos) body.insert(at + opt.size(), "\"noModTime\":true,");
  }
  const auto response = upstream_.send(request.method, request.path, {}, body,
                                       request.header("Content-Type").value_or(""));
  if (request.path == "/operations/list" &&
      response.body.find("\"ModTime\": \"\"") != std::string::npos) {
    std::lock_guard lock(mutex_);
    ++untimed_listings_;
  }
  return {response.status == 0 ? 502 : response.status, "application/json", response.body, {}};
}

}  // namespace scanhook::testing
