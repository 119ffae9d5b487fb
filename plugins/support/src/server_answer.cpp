#include "scanhook/support/server_answer.hpp"

#include <Poco/Exception.h>
#include <Poco/String.h>
#include <Poco/URI.h>

#include <cctype>

namespace scanhook::support {

namespace {

std::string http_code(int status) {
  return "HTTP " + std::to_string(status);
}

std::string lower(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string without_query(const std::string& route) {
  return route.substr(0, route.find('?'));
}

std::string in_section(const AnswerContext& context) {
  return context.section.empty() ? "" : " in [" + context.section + "]";
}

// Why a request got no answer, and what to check for that kind of failure.
std::string transport_hint(const HttpResponse& response, const AnswerContext& context) {
  const std::string error = lower(response.transport_error);
  if (error.find("timed out") != std::string::npos || error.find("timeout") != std::string::npos)
    return "is " + context.product + " overloaded or still starting? raise timeout" +
           in_section(context) + " if it is only slow";
  if (error.find("tls") != std::string::npos || error.find("ssl") != std::string::npos ||
      error.find("certificate") != std::string::npos)
    return "if " + context.product + " speaks plain HTTP there, set url" + in_section(context) +
           " to http://...; if its certificate comes from a private CA, set ca_file";
  return "is " + context.product + " running, and are url's host and port" + in_section(context) +
         " right?";
}

// "/jellyfin" from "/jellyfin/web/index.html"; nullopt when no web page is named.
std::optional<std::string> before_web_ui(const std::string& path) {
  const std::string folded = lower(path);
  for (const char* page : {"/web/", "/web"}) {
    const auto at = folded.rfind(page);
    if (at == std::string::npos) continue;
    if (std::string(page) == "/web" && at + 4 != folded.size()) continue;
    return path.substr(0, at);
  }
  return std::nullopt;
}

std::string without_trailing_slash(std::string text) {
  while (!text.empty() && text.back() == '/') text.pop_back();
  return text;
}

}  // namespace

std::string AnswerContext::request() const {
  return method + " " + route;
}

bool looks_like_html(const HttpResponse& response) {
  if (const auto type = response.header("Content-Type"))
    if (lower(*type).find("text/html") != std::string::npos) return true;
  std::size_t start = 0;
  while (start < response.body.size() &&
         std::isspace(static_cast<unsigned char>(response.body[start])))
    ++start;
  const std::string head = lower(response.body.substr(start, 15));
  return head.rfind("<!doctype html", 0) == 0 || head.rfind("<html", 0) == 0;
}

std::string redirect_hint(const HttpResponse& response, const AnswerContext& context) {
  const auto location = response.header("Location");
  const std::string do_not_follow = "scanhook does not follow redirects";
  if (!location || location->empty())
    return do_not_follow + ": set url" + in_section(context) + " to the address where " +
           context.product + " answers its API itself";
  Poco::URI asked;
  Poco::URI target;
  try {
    asked = Poco::URI(without_trailing_slash(context.base_url) + without_query(context.route));
    target = asked;
    target.resolve(*location);
  } catch (const Poco::Exception&) {
    return "it points to \"" + *location + "\", which is not a URL; " + do_not_follow +
           ": set url" + in_section(context) + " to the address where " + context.product +
           " answers its API itself";
  }
  const std::string where = "it points to " + target.toString();
  const std::string route = without_query(context.route);
  const std::string path = target.getPath();
  std::optional<std::string> base;
  if (path.size() >= route.size() && !route.empty() &&
      Poco::icompare(path.substr(path.size() - route.size()), route) == 0)
    base = path.substr(0, path.size() - route.size());
  else
    base = before_web_ui(path);
  const bool same_host = Poco::icompare(target.getHost(), asked.getHost()) == 0;
  if (!base && !same_host)
    return where + ", away from " + context.product +
           " (a login page of a proxy in front of it?); " + do_not_follow +
           ": let scanhook reach " + context.product + " without that login, or set url" +
           in_section(context) + " to " + context.product + "'s own address";
  if (!base)
    return where + "; " + do_not_follow + ": set url" + in_section(context) +
           " to the address where " + context.product + " answers its API itself";
  const std::string suggested = target.getScheme() + "://" + target.getAuthority() + *base;
  return where + "; " + do_not_follow + ": set url" + in_section(context) + " to " + suggested;
}

Result classify_answer(const HttpResponse& response, const AnswerContext& context) {
  if (!response.answered())
    return Result::unavailable(context.product + " did not answer: " + response.transport_error +
                               " on " + context.request() + ": " +
                               transport_hint(response, context));
  if (response.success()) return Result::ok();
  const int status = response.status;
  const std::string answered =
      context.product + " answered " + http_code(status) + " on " + context.request();
  if (status >= 300 && status < 400)
    return Result::unavailable(answered + ": " + redirect_hint(response, context));
  if (status == 401 || status == 403)
    return Result::unavailable(
        context.product + " rejected the " +
        (context.credentials_key.find("token") != std::string::npos ? "token" : "credentials") +
        " (" + http_code(status) + " on " + context.request() + "): check " +
        context.credentials_key + in_section(context));
  if (status == 408 || status == 429) return Result::retry(answered, response.retry_after());
  if (status == 503 && response.retry_after().count() > 0)
    return Result::retry(answered, response.retry_after());
  const bool page = looks_like_html(response);
  const std::string page_note =
      page ? " with a web page, not an answer of " + context.product + "'s API" : "";
  if (status == 502 || status == 503 || status == 504)
    return Result::unavailable(answered + page_note + ": a proxy in front of " + context.product +
                               " cannot reach it, or it is starting; waiting until it answers");
  if (status >= 500) return Result::retry(answered + page_note);
  if (page)
    return Result::unavailable(answered + page_note + ": is url" + in_section(context) +
                               " the address of " + context.product +
                               "'s API, or of a proxy or web page in front of it?");
  if (context.scope == Scope::folder) {
    if (status == 400 || status == 422)
      return Result::rejected(context.product + " refused the folder (" + http_code(status) +
                              " on " + context.request() + "): it says the path is invalid");
    return Result::retry(answered + ": not an answer about the folder; trying again later");
  }
  const std::string question = status == 404 || status == 410
                                   ? "is this the " + context.product +
                                         " server, or a proxy in front of it that is not ready?"
                                   : "does something in front of " + context.product +
                                         " refuse this request? check url" + in_section(context);
  return Result::unavailable(answered + ": " + question);
}

Result unreadable_answer(const HttpResponse& response, const AnswerContext& context,
                         const std::string& error) {
  const std::string answered =
      context.product + " answered " + context.request() + " with " +
      (looks_like_html(response) ? std::string("a web page") : "something") +
      " that is not its API's answer (" + error + ")";
  return Result::unavailable(answered + ": is url" + in_section(context) + " the address of " +
                             context.product + "'s API, not of its web app or a proxy's page?");
}

}  // namespace scanhook::support
