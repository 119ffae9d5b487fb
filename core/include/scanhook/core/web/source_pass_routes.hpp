// A webhook source's pass URL ([source.NAME] pass = ...): GET and POST /<pass>,
// the path being the credential, as plex_autoscan's /<SERVER_PASS> was. A
// POST is delivered as if sent to /triggers/<NAME> (so a ForwardingSource may
// still hand it on); a GET is a ForwardingSource's page (SDK 1.2), else 405.
// The access check (UserAuth::refusal) limits wrong passes per source and client.
#pragma once

#include <string>
#include <vector>

#include "scanhook/core/http/router.hpp"
#include "scanhook/core/pipeline/webhook_sources.hpp"
#include "scanhook/forwarding_source.hpp"
#include "scanhook/http.hpp"

namespace scanhook::core {

// One source with a pass. `forwarding` is null for a plain webhook source.
struct PassSource {
  std::string name;
  std::string pass;
  ForwardingSource* forwarding = nullptr;
};

class SourcePassRoutes {
 public:
  // `webhooks` runs a POST through its source as POST /triggers/<source>
  // would, without asking credentials again (the pass stood in for them).
  SourcePassRoutes(std::vector<PassSource> sources, WebhookSources& webhooks);

  // GET and POST /{secret} for each pass. Any other one-segment path is
  // answered 404 as an unknown path; one of a pass's length is a wrong pass,
  // which the access check counts against that source (UserAuth::refusal).
  void register_routes(Router& router) const;
  // A POST at `source`'s pass, seen by the source at /triggers/<name>: the
  // pass never reaches a plugin, a log or a dead letter.
  void post(const PassSource& source, const HttpRequest& request, const Respond& respond) const;
  // A GET at `source`'s pass: the forwarding source's page, else 405.
  static HttpReply get(const PassSource& source, const HttpRequest& request);

 private:
  std::vector<PassSource> sources_;
  WebhookSources& webhooks_;
};

}  // namespace scanhook::core
