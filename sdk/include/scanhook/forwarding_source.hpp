// Since SDK 1.2, optional: a webhook source that stands in front of other
// sources, as plex_autoscan's one URL took every *arr app's payload. A webhook
// source instance that also derives from ForwardingSource is found by the core
// with dynamic_cast; a 1.0/1.1 plugin never derives from it and works as before.
#pragma once

#include <string>

#include "scanhook/http.hpp"

namespace scanhook {

class ForwardingSource {
 public:
  // The configured webhook source (its instance name, e.g. "sonarr4k") that
  // should take `request` as if it had been sent to POST /triggers/<that>;
  // "" to answer it here, through WebhookSource::handle. Must not throw.
  virtual std::string forward_to(const HttpRequest& request) noexcept = 0;

  // The answer to a GET from a person (a form that posts back to the same
  // URL), any content type. Must not throw.
  virtual HttpReply page(const HttpRequest& request) noexcept = 0;

 protected:
  ~ForwardingSource() = default;
};

}  // namespace scanhook
