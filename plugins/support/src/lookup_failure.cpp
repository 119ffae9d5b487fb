#include "scanhook/support/lookup_failure.hpp"

namespace scanhook::support {

WebhookOutcome lookup_failure(const ServerApi& api, const std::string& what,
                              const HttpResponse& response, const std::string& request) {
  const std::string message =
      "could not look up " + what + ": " + api.verdict(response, request).reason;
  const std::string& product = api.product();
  api.host().log(LogLevel::error, message + " (" + product +
                                      " does not resend webhooks: the request is kept as a dead "
                                      "letter, replay it once " +
                                      product + " answers)");
  return WebhookOutcome::failed(response.answered() ? 502 : 503, message);
}

}  // namespace scanhook::support
