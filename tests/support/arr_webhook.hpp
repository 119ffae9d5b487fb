// Drives the *arr webhook sources in tests: requests as the apps send them,
// and scan events as readable lines ("created file /tv/Show/x.mkv") so a
// failing comparison shows exactly what differed.
#pragma once

#include <string>
#include <vector>

#include "scanhook/http.hpp"
#include "scanhook/scan_event.hpp"

namespace scanhook::testing {

inline HttpRequest arr_request(const std::string& body, const std::string& user_agent,
                               const std::string& method = "POST") {
  HttpRequest request;
  request.method = method;
  request.path = "/";
  request.headers = {{"Content-Type", "application/json"}, {"User-Agent", user_agent}};
  request.body = body;
  request.remote_address = "127.0.0.1";
  return request;
}

inline std::vector<std::string> describe(const std::vector<ScanEvent>& events) {
  std::vector<std::string> lines;
  for (const auto& event : events)
    lines.push_back(std::string(event_kind_name(event.kind)) +
                    (event.is_file ? " file " : " folder ") + event.path);
  return lines;
}

}  // namespace scanhook::testing
