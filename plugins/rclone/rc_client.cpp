#include "rc_client.hpp"

#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/URI.h>

namespace scanhook::rclone {

namespace {

std::string without_trailing_slash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

}  // namespace

RcClient::RcClient(RcSettings settings)
    : settings_(std::move(settings)),
      http_(settings_.url, {settings_.timeout, true, settings_.ca_file}) {
  if (!settings_.username.empty() || !settings_.password.empty())
    headers_.emplace_back("Authorization",
                          support::basic_authorization(settings_.username, settings_.password));
}

support::HttpResponse RcClient::call(const std::string& method,
                                     const std::string& json_body) const {
  return http_.send("POST", "/" + method, headers_, json_body, "application/json");
}

std::string RcClient::public_url(const std::string& method) const {
  Poco::URI uri(settings_.url);
  uri.setUserInfo("");
  return without_trailing_slash(uri.toString()) + "/" + method;
}

std::string RcClient::error_of(const support::HttpResponse& response) {
  try {
    Poco::JSON::Parser parser;
    const auto answer = parser.parse(response.body).extract<Poco::JSON::Object::Ptr>();
    if (answer && answer->has("error")) return answer->getValue<std::string>("error");
  } catch (const Poco::Exception&) {
    // Not rclone's JSON error (e.g. the plain-text 401): the status says enough.
  }
  return "";
}

support::AnswerContext RcClient::context_of(const std::string& method, support::Scope scope) const {
  return {"rclone", "POST", "/" + method, settings_.url, settings_.section, "username and password",
          scope};
}

Result RcClient::unreadable(const support::HttpResponse& response, const std::string& method,
                            const std::string& error) const {
  return support::unreadable_answer(response, context_of(method, support::Scope::server), error);
}

Result RcClient::failure(const support::HttpResponse& response, const std::string& method) const {
  const bool has_credentials = !headers_.empty();
  if (!response.answered())
    return Result::unavailable("rclone at " + settings_.url +
                               " did not answer: " + response.transport_error +
                               " (is it running with --rc and --rc-addr matching url?)");
  const std::string error = error_of(response);
  const std::string code = "HTTP " + std::to_string(response.status);
  if (response.status == 401)
    return Result::unavailable(
        has_credentials ? "rclone rejected the credentials (" + code +
                              "): username and password must match its --rc-user and --rc-pass"
                        : "rclone asks for credentials (" + code +
                              "): set username and password to its --rc-user and --rc-pass");
  if (response.status == 403)
    return Result::unavailable(
        "rclone refused the call (" + code + (error.empty() ? "" : ": " + error) +
        "): set username and password here and --rc-user/--rc-pass on rclone, or start rclone "
        "with --rc-no-auth");
  if ((response.status == 404 || response.status == 405) && error.empty())
    return Result::unavailable(settings_.url + " answered " + code +
                               " without rclone's JSON error: url must be rclone's --rc-addr, "
                               "not the address it serves files on");
  // An answer with rclone's JSON error is rclone's word on what was asked; any
  // other is about whatever answered at url (a proxy, a web page, a redirect).
  const auto context =
      context_of(method, error.empty() ? support::Scope::server : support::Scope::folder);
  Result result = support::classify_answer(response, context);
  if (!error.empty())
    result.reason = "rclone answered " + code + " on " + context.request() + ": " + error;
  return result;
}

}  // namespace scanhook::rclone
