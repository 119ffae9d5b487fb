#include "fakes/fake_plex_tv.hpp"

#include <Poco/DateTimeFormatter.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/Timestamp.h>

#include <iomanip>
#include <sstream>

#include "fakes/wire_format.hpp"

namespace scanhook::fakes {

namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

constexpr const char* kMusicKey = "tv.plex.provider.music";

// One element with attributes, or plex.tv's JSON object with the same fields.
struct Fields {
  std::vector<std::pair<std::string, Poco::Dynamic::Var>> values;

  Object::Ptr json() const {
    Object::Ptr object = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    for (const auto& [name, value] : values) object->set(name, value);
    return object;
  }
  std::string xml(const std::string& tag) const {
    std::string out = "<" + tag;
    for (const auto& [name, value] : values)
      out += " " + name + "=\"" + xml_escape(value.isEmpty() ? "" : value.convert<std::string>()) +
             "\"";
    return out + "/>";
  }
};

const std::string kXmlHeader = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

HttpReply reply_with(const RecordedRequest& request, int status, const std::string& tag,
                     const Fields& fields) {
  if (wants_json(request)) return {status, "application/json", to_json(fields.json()), {}};
  return {status, "application/xml", kXmlHeader + fields.xml(tag) + "\n", {}};
}

// plex.tv's error form: {"errors": [{code, message, status}]} or <errors><error .../></errors>.
HttpReply plex_error(const RecordedRequest& request, int status, int code,
                     const std::string& message) {
  const Fields error{{{"code", code}, {"message", message}, {"status", status}}};
  if (wants_json(request)) {
    Array::Ptr errors = new Array;
    errors->add(error.json());
    Object::Ptr body = new Object;
    body->set("errors", errors);
    return {status, "application/json", to_json(body), {}};
  }
  return {
      status, "application/xml", kXmlHeader + "<errors>" + error.xml("error") + "</errors>\n", {}};
}

std::string iso_time(std::chrono::system_clock::time_point time) {
  const auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(time.time_since_epoch()).count();
  return Poco::DateTimeFormatter::format(Poco::Timestamp(micros), "%Y-%m-%dT%H:%M:%SZ");
}

bool is_value(const std::string& value) {
  return value == "opt_in" || value == "opt_out" || value == "opt_out_managed";
}

HttpReply pin_reply(const RecordedRequest& request, int status, std::int64_t id,
                    const std::string& code, const std::string& product,
                    const std::string& client_id, std::int64_t expires_in,
                    const std::string& created_at, const std::string& expires_at,
                    const std::string& token) {
  return reply_with(
      request, status, "pin",
      {{{"id", id},
        {"code", code},
        {"product", product},
        {"trusted", false},
        {"clientIdentifier", client_id},
        {"expiresIn", expires_in},
        {"createdAt", created_at},
        {"expiresAt", expires_at},
        {"authToken", token.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(token)},
        {"newRegistration", Poco::Dynamic::Var()}}});
}

}  // namespace

const std::vector<std::string>& FakePlexTv::source_keys() {
  static const std::vector<std::string> keys = {
      "tv.plex.provider.podcasts", kMusicKey,
      "tv.plex.provider.webshows", "tv.plex.provider.news",
      "tv.plex.provider.vod",      "tv.plex.provider.epg"};
  return keys;
}

FakePlexTv::FakePlexTv()
    : server_([this](const RecordedRequest& request) { return answer(request); }) {}

FakePlexTv::Account FakePlexTv::add_account(const std::string& token, const std::string& username) {
  std::lock_guard lock(mutex_);
  Account account;
  account.id = next_account_id_++;
  std::ostringstream uuid;
  uuid << std::hex << std::setw(16) << std::setfill('0') << (0x5ca9b00c00000000LL + account.id);
  account.uuid = uuid.str();
  account.username = username;
  account.email = username + "@example.com";
  accounts_[token] = account;
  auto& settings = settings_[account.uuid];
  for (const auto& key : source_keys()) settings.values[key] = "opt_in";
  return account;
}

void FakePlexTv::revoke(const std::string& token) {
  std::lock_guard lock(mutex_);
  revoked_.insert(token);
}

std::optional<std::int64_t> FakePlexTv::last_pin_id() const {
  std::lock_guard lock(mutex_);
  if (pins_.empty()) return std::nullopt;
  return pins_.rbegin()->first;
}

void FakePlexTv::approve(std::int64_t pin_id, const std::string& token) {
  std::lock_guard lock(mutex_);
  pins_.at(pin_id).token = token;
}

void FakePlexTv::set_expired_pins_pending(bool pending) {
  std::lock_guard lock(mutex_);
  expired_pins_pending_ = pending;
}

void FakePlexTv::withdraw(const std::string& key) {
  std::lock_guard lock(mutex_);
  withdrawn_.insert(key);
}

void FakePlexTv::answer_path_with(const std::string& path, HttpReply reply) {
  std::lock_guard lock(mutex_);
  path_answers_[path] = std::move(reply);
}

void FakePlexTv::expire(std::int64_t pin_id) {
  std::lock_guard lock(mutex_);
  pins_.at(pin_id).expired = true;
}

void FakePlexTv::set_pin_lifetime(std::chrono::seconds lifetime) {
  std::lock_guard lock(mutex_);
  pin_lifetime_ = lifetime;
}

void FakePlexTv::set_opt_out(const std::string& uuid, const std::string& key,
                             const std::string& value) {
  std::lock_guard lock(mutex_);
  auto& settings = settings_.at(uuid);
  settings.values[key] = value;
  settings.changed = true;
}

std::map<std::string, std::string> FakePlexTv::opt_outs(const std::string& uuid) const {
  std::lock_guard lock(mutex_);
  return settings_.at(uuid).values;
}

void FakePlexTv::set_empty_until_changed(bool empty) {
  std::lock_guard lock(mutex_);
  empty_until_changed_ = empty;
}

void FakePlexTv::fail_key(const std::string& key, int status) {
  std::lock_guard lock(mutex_);
  key_failures_[key] = status;
}

void FakePlexTv::clear_key_failures() {
  std::lock_guard lock(mutex_);
  key_failures_.clear();
}

HttpReply FakePlexTv::answer(const RecordedRequest& request) {
  std::lock_guard lock(mutex_);
  if (request.header("X-Plex-Client-Identifier").value_or("").empty())
    return plex_error(request, 400, 1000, "X-Plex-Client-Identifier is missing");
  const std::string& path = request.path;
  if (const auto set = path_answers_.find(path); set != path_answers_.end()) return set->second;
  const std::string pins = "/api/v2/pins";
  if (path == pins && request.method == "POST") return create_pin(request);
  if (path.rfind(pins + "/", 0) == 0 && request.method == "GET")
    return check_pin(request, path.substr(pins.size() + 1));
  if (path == "/api/v2/user" && request.method == "GET") return user(request);
  const std::string users = "/api/v2/user/";
  const std::string opt_outs = "/settings/opt_outs";
  if (path.rfind(users, 0) == 0 && path.size() > users.size() + opt_outs.size() &&
      path.compare(path.size() - opt_outs.size(), opt_outs.size(), opt_outs) == 0)
    return opt_outs_route(request,
                          path.substr(users.size(), path.size() - users.size() - opt_outs.size()));
  return plex_error(request, 404, 1002, "Not Found");
}

bool FakePlexTv::is_live(const Pin& pin) const {
  return !pin.expired && std::chrono::system_clock::now() < pin.created + pin.lifetime;
}

HttpReply FakePlexTv::create_pin(const RecordedRequest& request) {
  Pin pin;
  pin.id = next_pin_id_++;
  const bool strong = request.query_param("strong").value_or("") == "true";
  // Strong PINs carry a long code for the app.plex.tv link; others the 4 characters of
  // plex.tv/link.
  std::ostringstream code;
  code << (strong ? "strongcode" : "") << std::setw(strong ? 15 : 4) << std::setfill('0')
       << pin.id % (strong ? 1000000000000000LL : 10000LL);
  pin.code = code.str();
  pin.client_id = *request.header("X-Plex-Client-Identifier");
  pin.product = request.header("X-Plex-Product").value_or("");
  pin.created = std::chrono::system_clock::now();
  pin.lifetime = pin_lifetime_;
  pins_[pin.id] = pin;
  return pin_reply(request, 201, pin.id, pin.code, pin.product, pin.client_id, pin.lifetime.count(),
                   iso_time(pin.created), iso_time(pin.created + pin.lifetime), "");
}

HttpReply FakePlexTv::check_pin(const RecordedRequest& request, const std::string& id_text) {
  const auto it = pins_.find(std::strtoll(id_text.c_str(), nullptr, 10));
  // A PIN belongs to the client that made it.
  if (it == pins_.end() || (!is_live(it->second) && !expired_pins_pending_) ||
      it->second.client_id != request.header("X-Plex-Client-Identifier"))
    return plex_error(request, 404, 1020, "Code not found or expired");
  const Pin& pin = it->second;
  const auto left = std::chrono::duration_cast<std::chrono::seconds>(
      pin.created + pin.lifetime - std::chrono::system_clock::now());
  return pin_reply(request, 200, pin.id, pin.code, pin.product, pin.client_id, left.count(),
                   iso_time(pin.created), iso_time(pin.created + pin.lifetime), pin.token);
}

const FakePlexTv::Account* FakePlexTv::account_of(const RecordedRequest& request) const {
  const auto token = request.header("X-Plex-Token") ? request.header("X-Plex-Token")
                                                    : request.query_param("X-Plex-Token");
  if (!token || revoked_.count(*token) != 0) return nullptr;
  const auto it = accounts_.find(*token);
  return it == accounts_.end() ? nullptr : &it->second;
}

HttpReply FakePlexTv::user(const RecordedRequest& request) {
  const Account* account = account_of(request);
  if (account == nullptr) return plex_error(request, 401, 1001, "User could not be authenticated");
  return reply_with(request, 200, "user",
                    {{{"id", account->id},
                      {"uuid", account->uuid},
                      {"username", account->username},
                      {"title", account->username},
                      {"email", account->email},
                      {"authToken", *request.header("X-Plex-Token")}}});
}

HttpReply FakePlexTv::opt_outs_route(const RecordedRequest& request, const std::string& uuid) {
  const Account* account = account_of(request);
  if (account == nullptr) return plex_error(request, 401, 1001, "User could not be authenticated");
  if (account->uuid != uuid) return plex_error(request, 403, 1003, "Access denied");
  Settings& settings = settings_.at(uuid);

  if (request.method == "POST") {
    const auto key = request.query_param("key").value_or("");
    const auto value = request.query_param("value").value_or("");
    if (settings.values.count(key) == 0 || withdrawn_.count(key) != 0)
      return plex_error(request, 400, 1004, "Invalid key");
    if (!is_value(value)) return plex_error(request, 400, 1004, "Invalid value");
    if (key == kMusicKey && value == "opt_out_managed")
      return plex_error(request, 400, 1004, "Music cannot be opted out for managed users only");
    if (const auto failure = key_failures_.find(key); failure != key_failures_.end())
      return plex_error(request, failure->second, 1999, "Injected failure");
    settings.values[key] = value;
    settings.changed = true;
    return {204, "application/xml", "", {}};
  }
  if (request.method != "GET") return plex_error(request, 405, 1005, "Method Not Allowed");

  const bool listed = settings.changed || !empty_until_changed_;
  if (wants_json(request)) {
    Array::Ptr items = new Array;
    if (listed)
      for (const auto& key : source_keys())
        items->add(Fields{{{"key", key}, {"value", settings.values.at(key)}}}.json());
    return {200, "application/json", to_json(items), {}};
  }
  std::string xml = kXmlHeader + "<optOuts>\n";
  if (listed)
    for (const auto& key : source_keys())
      xml += "  " + Fields{{{"key", key}, {"value", settings.values.at(key)}}}.xml("optOut") + "\n";
  return {200, "application/xml", xml + "</optOuts>\n", {}};
}

}  // namespace scanhook::fakes
