// A source fed by HTTP: turns one request into a verdict and scan events.
#pragma once

#include <exception>
#include <string>
#include <vector>

#include "scanhook/http.hpp"
#include "scanhook/instance.hpp"
#include "scanhook/scan_event.hpp"

namespace scanhook {

// The core answers with a JSON body built from `status` and `message`; a 2xx
// is sent only after `events` are committed.
struct WebhookOutcome {
  int status = 200;
  std::string message;
  std::vector<ScanEvent> events;
  bool keep_as_dead_letter = false;  // the body could not be understood

  static WebhookOutcome accepted(std::vector<ScanEvent> events, std::string message) {
    return {200, std::move(message), std::move(events), false};
  }
  static WebhookOutcome ignored(std::string message) {
    return {200, std::move(message), {}, false};
  }
  // A body that is not what this source understands: 400, kept for replay.
  static WebhookOutcome malformed(std::string message) {
    return {400, std::move(message), {}, true};
  }
  static WebhookOutcome failed(int status, std::string message) {
    return {status, std::move(message), {}, false};
  }
};

class WebhookSource : public Instance {
 public:
  virtual WebhookOutcome handle(const HttpRequest& request) noexcept = 0;
};

// Plugins derive from this: exceptions stay inside the plugin.
class WebhookSourceBase : public WebhookSource {
 public:
  WebhookOutcome handle(const HttpRequest& request) noexcept final {
    try {
      return on_request(request);
    } catch (const std::exception& error) {
      return WebhookOutcome::failed(500, std::string("internal error: ") + error.what());
    } catch (...) {
      return WebhookOutcome::failed(500, "internal error");
    }
  }

 protected:
  virtual WebhookOutcome on_request(const HttpRequest& request) = 0;
};

}  // namespace scanhook
