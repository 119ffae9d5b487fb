// The plex.tv calls the opt-out service makes: PIN sign-in, the account
// behind a token, and reading and changing the account's opt-outs. Every
// request carries the client's identity headers; the token is only ever sent
// as a header, never put in a URL or a message.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "scanhook/support/http_client.hpp"

namespace scanhook::plex_optout {

// Who is asking: sent as X-Plex-* headers on every request.
struct ClientIdentity {
  std::string client_id;  // X-Plex-Client-Identifier, generated once per instance
  std::string product;    // X-Plex-Product
  std::string version;    // X-Plex-Version
};

struct PlexTvError {
  enum class Kind {
    no_answer,     // refused, timed out, TLS failure
    unauthorized,  // 401: the token is not (or no longer) valid
    not_found,     // 404
    refused,       // another non-2xx answer
    unreadable,    // 2xx with a body that is not what plex.tv sends, or a field of the
                   // wrong type, or an answer past kMaxAnswerBytes
  };
  Kind kind;
  int status;           // 0 without an answer
  std::string message;  // "plex.tv answered HTTP 500", never holds the token
};

// The most bytes of a plex.tv answer the client reads: its largest real answer
// (an opt-out list of a handful of sources, a PIN, an account) is a few KB, so
// 4 MB leaves room and keeps a runaway answer from filling the memory.
inline constexpr std::size_t kMaxAnswerBytes = 4 * 1024 * 1024;

template <class T>
using PlexTvAnswer = std::variant<T, PlexTvError>;

struct Pin {
  std::int64_t id = 0;
  std::string code;
  std::string expires_at;       // as plex.tv sends it, ISO 8601
  std::int64_t expires_in = 0;  // seconds left
  std::string auth_token;       // empty until the user approved the PIN
};

struct Account {
  std::string uuid;
  std::string username;
};

struct OptOut {
  std::string key;
  std::string value;
};

// Readers of plex.tv's 2xx answer bodies, as the client below uses them
// (public so that fuzz/plextv_answer_fuzzer.cpp reaches them without a
// network): the PIN (JSON), the account (JSON), the opt-outs (XML). A body
// that is not that shape, or a field of another type than plex.tv sends
// (python-plexapi's myplex.py and PROTOCOLS.md: PIN id a positive integer,
// code a string, expiresIn an integer >= 0, expiresAt a string, authToken null
// or a string; account uuid and username strings), is an `unreadable` error
// naming the field; they never throw.
PlexTvAnswer<Pin> parse_pin(const std::string& body);
PlexTvAnswer<Account> parse_account(const std::string& body);
PlexTvAnswer<std::vector<OptOut>> parse_opt_outs(const std::string& body);

class PlexTvClient {
 public:
  // Every answer is read up to kMaxAnswerBytes, whatever options says.
  PlexTvClient(const std::string& base_url, support::HttpOptions options, ClientIdentity identity);

  // POST /api/v2/pins?strong=true
  PlexTvAnswer<Pin> create_pin() const;
  // GET /api/v2/pins/{id}; an expired or unknown PIN is not_found.
  PlexTvAnswer<Pin> check_pin(std::int64_t id) const;
  // GET /api/v2/user: the account a token belongs to.
  PlexTvAnswer<Account> account(const std::string& token) const;
  // GET /api/v2/user/{uuid}/settings/opt_outs (XML, the reference form).
  PlexTvAnswer<std::vector<OptOut>> opt_outs(const std::string& token,
                                             const std::string& uuid) const;
  // POST the same URL with ?key=&value=.
  PlexTvAnswer<std::monostate> set_opt_out(const std::string& token, const std::string& uuid,
                                           const std::string& key, const std::string& value) const;

  const ClientIdentity& identity() const { return identity_; }

 private:
  support::HttpResponse send(const std::string& method, const std::string& target,
                             const std::string& accept, const std::string& token) const;

  support::HttpClient http_;
  ClientIdentity identity_;
};

}  // namespace scanhook::plex_optout
