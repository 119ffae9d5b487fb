// A webhook source's pass URL ([source.NAME] pass = ...): GET and POST /<pass>,
// the path being the credential, as plex_autoscan's /<SERVER_PASS> was. A
// POST is delivered as if sent to /triggers/<NAME> (so a ForwardingSource may
// still hand it on); a GET is a ForwardingSource's page (SDK 1.2), else 405.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "scanhook/core/auth/user_auth.hpp"
#include "scanhook/core/http/router.hpp"
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
  // Runs a request through the named webhook source as POST /triggers/<source>
  // would, without its credentials (the pass stood in for them).
  using Deliver = std::function<HttpReply(const std::string& source, const HttpRequest&)>;

  // `auth`, if given, limits wrong passes per source and client (UserAuth::pass_refusal).
  SourcePassRoutes(std::vector<PassSource> sources, Deliver deliver, UserAuth* auth = nullptr);

  // GET and POST /{secret} for each pass. Any other one-segment path is
  // answered 404 as an unknown path; one of a pass's length is a wrong pass,
  // counted against that source (see wrong_pass).
  void register_routes(Router& router) const;
  // A POST at `source`'s pass, seen by the source at /triggers/<name>: the
  // pass never reaches a plugin, a log or a dead letter.
  HttpReply post(const PassSource& source, const HttpRequest& request) const;
  // A GET at `source`'s pass: the forwarding source's page, else 405.
  static HttpReply get(const PassSource& source, const HttpRequest& request);

 private:
  std::optional<HttpReply> refusal(const PassSource& source, const HttpRequest& request) const;
  HttpReply wrong_pass(const HttpRequest& request) const;

  std::vector<PassSource> sources_;
  Deliver deliver_;
  UserAuth* auth_;
};

}  // namespace scanhook::core
