// What the opt-out service keeps about its plex.tv account in the host's
// key/value store: the client identifier, the sign-in in progress, and the
// token with the account it belongs to. The token leaves this store only as
// an X-Plex-Token header to plex.tv.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "scanhook/host.hpp"

namespace scanhook::plex_optout {

struct SignedInAccount {
  std::string token;
  std::string uuid;
  std::string username;
};

class AccountStore {
 public:
  explicit AccountStore(Host& host) : host_(host) {}

  // The X-Plex-Client-Identifier: a random UUID made on first use and kept,
  // so plex.tv sees one device however often the daemon restarts.
  std::string client_id();

  std::optional<SignedInAccount> account();
  bool sign_in(const SignedInAccount& account);
  void sign_out();

  // One sign-in at a time: starting a PIN drops any earlier one. `expires_at`
  // is when it expires, in seconds since the Unix epoch (plex.tv's expiresIn
  // from now), kept so an expired PIN is known as such whatever plex.tv answers.
  bool start_pin(std::int64_t id, std::int64_t expires_at);
  bool has_pin(std::int64_t id);
  // When the PIN expires (seconds since the Unix epoch); nullopt when unknown.
  std::optional<std::int64_t> pin_expiry(std::int64_t id);
  void drop_pin(std::int64_t id);

 private:
  Host& host_;
};

}  // namespace scanhook::plex_optout
