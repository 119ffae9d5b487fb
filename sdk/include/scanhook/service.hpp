// A service answers its own routes under /api/<instance>/ (and the UI's calls).
#pragma once

#include <exception>
#include <string>

#include "scanhook/http.hpp"
#include "scanhook/instance.hpp"

namespace scanhook {

class Service : public Instance {
 public:
  // request.path is relative to /api/<instance>/, e.g. "sources/tv.plex.provider.music".
  virtual HttpReply handle(const HttpRequest& request) noexcept = 0;
};

class ServiceBase : public Service {
 public:
  HttpReply handle(const HttpRequest& request) noexcept final {
    try {
      return on_request(request);
    } catch (const std::exception& error) {
      return json_error(500, std::string("internal error: ") + error.what());
    } catch (...) {
      return json_error(500, "internal error");
    }
  }

 protected:
  virtual HttpReply on_request(const HttpRequest& request) = 0;
};

}  // namespace scanhook
