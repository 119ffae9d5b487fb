// plex_autoscan compatibility: its one webhook URL, POST /<SERVER_PASS>, which
// takes Sonarr, Radarr and Lidarr payloads and tells them apart by their shape,
// and its manual form (GET shows it; POST eventType=Manual&filepath=...).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "scanhook/core/config.hpp"
#include "scanhook/core/router.hpp"
#include "scanhook/core/user_auth.hpp"
#include "scanhook/http.hpp"
#include "scanhook/scan_event.hpp"

namespace scanhook::core {

// The [server] plex_autoscan_* keys, resolved: which source gets each shape
// ("" when none is configured).
struct PlexAutoscanSettings {
  std::string pass;  // "": the URL is off
  std::string sonarr;
  std::string radarr;
  std::string lidarr;
};

// Reads the keys; a shape without a named source goes to the first source of
// that plugin. Throws std::invalid_argument naming the key (never the pass).
PlexAutoscanSettings plex_autoscan_settings(const Config& config);

// A manual filepath names a file when its last segment ends in an extension
// of 2-5 letters and digits (".mkv", ".m2ts"); otherwise it is a folder.
bool manual_path_is_file(const std::string& path);

struct PayloadShape;  // how a payload shows which app sent it

class PlexAutoscanRoutes {
 public:
  // Runs a request through a webhook source, as POST /triggers/<source> would
  // (the pass stands in for the source's credentials).
  using Deliver = std::function<HttpReply(const std::string& source, const HttpRequest& request)>;
  // Queues the manual form's path under the built-in "manual" source.
  using QueueManual = std::function<HttpReply(const ScanEvent& event)>;

  // `auth`, if given, limits wrong passes per client (UserAuth::pass_refusal).
  PlexAutoscanRoutes(PlexAutoscanSettings settings, Deliver deliver, QueueManual queue_manual,
                     UserAuth* auth = nullptr);

  // GET and POST /{secret}, when a pass is set; a wrong pass is answered
  // 404 as any unknown path, and counted.
  void register_routes(Router& router) const;
  HttpReply post(const HttpRequest& request) const;
  static HttpReply form();

 private:
  HttpReply manual(const std::string& filepath) const;
  HttpReply to_source(const PayloadShape& shape, const HttpRequest& request) const;

  // The 429 for a client that guessed the pass too often, if it did.
  std::optional<HttpReply> refusal(const HttpRequest& request) const;

  PlexAutoscanSettings settings_;
  Deliver deliver_;
  QueueManual queue_manual_;
  UserAuth* auth_;
};

}  // namespace scanhook::core
