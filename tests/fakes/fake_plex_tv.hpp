// A fake plex.tv for the opt-out service: PIN sign-in (pending → approved by
// the test → token; expiry), the account behind a token, and each account's
// Online Media Sources opt-outs in XML (JSON with Accept: application/json).
// Like plex.tv it answers 400 without X-Plex-Client-Identifier and 401 to a
// bad token, refuses opt_out_managed for music, and lists no opt-outs until
// the account changed one (switchable). One key can be made to fail, or be
// withdrawn: still listed but refused (400 Invalid key), as python-plexapi's
// tests find tv.plex.provider.news. What plex.tv answers for an expired PIN is
// unconfirmed: 404 by default, or 200 with no token (switchable).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "fakes/fake_http_server.hpp"

namespace scanhook::fakes {

class FakePlexTv {
 public:
  struct Account {
    std::int64_t id = 0;
    std::string uuid;
    std::string username;
    std::string email;
  };

  // The keys plex.tv lists, in its order; every account starts with all opt_in.
  static const std::vector<std::string>& source_keys();

  FakePlexTv();

  std::string url() const { return server_.url(); }
  FakeHttpServer& server() { return server_; }

  // A token plex.tv accepts, for a new account named `username`.
  Account add_account(const std::string& token, const std::string& username);
  // The token stops working (answers 401), as when the user signs the device out.
  void revoke(const std::string& token);

  // The id of the newest PIN, if any was created.
  std::optional<std::int64_t> last_pin_id() const;
  // The user approved the PIN at app.plex.tv: its authToken becomes `token`.
  void approve(std::int64_t pin_id, const std::string& token);
  // The PIN is gone (404), as after its lifetime.
  void expire(std::int64_t pin_id);
  // expiresIn of PINs made from now on; a PIN older than this answers 404.
  void set_pin_lifetime(std::chrono::seconds lifetime);
  // An expired PIN answers 200 with no authToken (true) instead of 404.
  void set_expired_pins_pending(bool pending);

  // Sets a source as if the user had changed it on plex.tv.
  void set_opt_out(const std::string& uuid, const std::string& key, const std::string& value);
  // The current value of every source of the account.
  std::map<std::string, std::string> opt_outs(const std::string& uuid) const;
  // true (the default, like plex.tv): the list is empty until the account
  // changed one source; false: always listed.
  void set_empty_until_changed(bool empty);
  // Changing `key` answers `status` (the value stays) until cleared.
  void fail_key(const std::string& key, int status);
  void clear_key_failures();
  // plex.tv no longer offers `key`: still listed, but changing it answers 400.
  void withdraw(const std::string& key);
  // Requests to `path` are answered with `reply` from now on: an answer real
  // plex.tv is not known to send (a runaway size, a field of another type),
  // for the tests of what the client refuses.
  void answer_path_with(const std::string& path, HttpReply reply);

 private:
  struct Pin {
    std::int64_t id = 0;
    std::string code;
    std::string client_id;
    std::string product;
    std::chrono::system_clock::time_point created;
    std::chrono::seconds lifetime{0};
    std::string token;
    bool expired = false;
  };
  struct Settings {
    bool changed = false;
    std::map<std::string, std::string> values;
  };

  HttpReply answer(const RecordedRequest& request);
  HttpReply create_pin(const RecordedRequest& request);
  HttpReply check_pin(const RecordedRequest& request, const std::string& id_text);
  HttpReply user(const RecordedRequest& request);
  HttpReply opt_outs_route(const RecordedRequest& request, const std::string& uuid);
  const Account* account_of(const RecordedRequest& request) const;
  bool is_live(const Pin& pin) const;

  mutable std::mutex mutex_;
  std::map<std::string, Account> accounts_;  // by token
  std::set<std::string> revoked_;
  std::map<std::int64_t, Pin> pins_;
  std::int64_t next_pin_id_ = 1234567001;
  std::int64_t next_account_id_ = 20000001;
  std::chrono::seconds pin_lifetime_{1800};
  std::map<std::string, Settings> settings_;  // by account uuid
  bool empty_until_changed_ = true;
  std::map<std::string, int> key_failures_;
  std::set<std::string> withdrawn_;
  bool expired_pins_pending_ = false;
  std::map<std::string, HttpReply> path_answers_;
  FakeHttpServer server_;  // last: stopped before the state it reads goes away
};

}  // namespace scanhook::fakes
