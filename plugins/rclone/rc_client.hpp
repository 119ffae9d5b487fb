// rclone's remote control as the plugin uses it: every call a POST with a JSON
// body, Basic auth when credentials are set, and rclone's error answers turned
// into messages a user can act on.
#pragma once

#include <chrono>
#include <string>

#include "scanhook/result.hpp"
#include "scanhook/support/http_client.hpp"
#include "scanhook/support/server_answer.hpp"

namespace scanhook::rclone {

struct RcSettings {
  std::string url;  // "http://127.0.0.1:5572"
  std::string username;
  std::string password;
  std::chrono::milliseconds timeout{std::chrono::seconds(30)};
  std::string ca_file;
  std::string section;  // "target.rclone": where a hint sends the user
};

class RcClient {
 public:
  // Throws std::invalid_argument when the URL is not an http(s) URL.
  explicit RcClient(RcSettings settings);

  // POST <url>/<method> with a JSON body, e.g. call("vfs/refresh", R"({"dir":"tv"})").
  support::HttpResponse call(const std::string& method, const std::string& json_body) const;
  // The URL of a method with any user:password@ left out, for explanations.
  std::string public_url(const std::string& method) const;
  // What an unsuccessful answer to `method` ("vfs/refresh") means for the
  // dispatcher, in words that say what to fix: refused connection,
  // credentials, --rc-no-auth, rclone's error; the rest as every target reads
  // a server's answer (support/server_answer.hpp).
  Result failure(const support::HttpResponse& response, const std::string& method) const;
  // A 2xx to `method` that is not rclone's JSON (`error` says why): unavailable, with a hint.
  Result unreadable(const support::HttpResponse& response, const std::string& method,
                    const std::string& error) const;

  // The "error" text of rclone's JSON error answer, or "" when there is none.
  static std::string error_of(const support::HttpResponse& response);

 private:
  support::AnswerContext context_of(const std::string& method, support::Scope scope) const;

  RcSettings settings_;
  support::HttpClient http_;
  HeaderList headers_;
};

}  // namespace scanhook::rclone
