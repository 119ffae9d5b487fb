// The `plex_optout` service: signs in to plex.tv with a PIN and manages the
// account's Online Media Sources (the plex.tv opt-outs). Routes, under
// /api/<instance>/, JSON in and out:
//
//   GET    auth                 {signed_in, username}
//   DELETE auth                 sign out: forget the token
//   POST   auth/pin             start a PIN sign-in: {id, code, expires_at, expires_in, auth_url}
//   GET    auth/pin/{id}        {state: pending | approved (+ username) | expired}; the
//                                PIN's expiry (expiresIn) is kept locally, so an expired
//                                PIN says so whatever plex.tv answers for it
//   DELETE auth/pin/{id}        cancel the sign-in: {state: cancelled}
//   GET    sources              {username, sources: [...], note}
//   PATCH  sources/{key}        {"value": "opt_out"} → the source as now set
//   POST   sources/disable-all  optional {"managed": true} → per-source results (207 if any
//                                failed; a source plex.tv refuses is "not_offered", no failure)
//
// A 401 from plex.tv forgets the token and answers 401 with "signed_out": true.
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "account_store.hpp"
#include "online_media_sources.hpp"
#include "plex_sources_command.hpp"
#include "plextv_client.hpp"
#include "scanhook/scanhook.hpp"

namespace scanhook::plex_optout {

namespace {

constexpr const char* kVersion = "1.0.0";
constexpr std::int64_t kStrongPinLifetime = 1800;  // seconds, plex.tv's expiresIn for strong PINs
constexpr const char* kUnknownState = "unknown";
constexpr const char* kNotOffered = "not_offered";
constexpr const char* kNotSignedIn = "not signed in to plex.tv: connect with Plex first";
constexpr const char* kRevoked =
    "signed out: the Plex token was revoked or has expired; connect with Plex again";
constexpr const char* kEmptyListNote =
    "plex.tv lists no Online Media Sources for this account until one of them has been changed "
    "once, so their states are unknown (Plex's default is on). Setting a source here, or "
    "Disable all, sets it on plex.tv.";

using Poco::JSON::Array;
using Poco::JSON::Object;

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// plex.tv refusing a change of one key (400 Invalid key, 404, 410, 422) means it no
// longer offers that source (python-plexapi's tests skip tv.plex.provider.news as "no
// longer available"): nothing to turn off there, so not a failure.
bool not_offered(const PlexTvError& error) {
  return error.kind == PlexTvError::Kind::not_found ||
         (error.kind == PlexTvError::Kind::refused &&
          (error.status == 400 || error.status == 410 || error.status == 422));
}

Object::Ptr json_object() {
  return new Object(Poco::JSON_PRESERVE_KEY_ORDER);
}

HttpReply json_reply(int status, const Object::Ptr& body) {
  std::ostringstream text;
  body->stringify(text);
  return {status, "application/json", text.str(), {}};
}

HttpReply signed_out_reply(const std::string& message) {
  auto body = json_object();
  body->set("error", message);
  body->set("signed_out", true);
  return json_reply(401, body);
}

HttpReply method_not_allowed(const HttpRequest& request, const std::string& allowed) {
  auto reply = json_error(
      405, "method " + request.method + " is not allowed on " + request.path + ": use " + allowed);
  reply.headers.emplace_back("Allow", allowed);
  return reply;
}

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream in(path);
  while (std::getline(in, part, '/'))
    if (!part.empty()) parts.push_back(part);
  return parts;
}

// plex.tv PIN ids are positive integers.
std::optional<std::int64_t> parse_pin_id(const std::string& text) {
  if (text.empty() || text.size() > 18 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  const auto id = parse_integer(text);
  if (!id || *id <= 0) return std::nullopt;
  return id;
}

// The request body as a JSON object; nullptr when it is not one.
Object::Ptr parse_body(const std::string& body) {
  try {
    const auto parsed = Poco::JSON::Parser().parse(body);
    if (parsed.type() != typeid(Object::Ptr)) return nullptr;
    return parsed.extract<Object::Ptr>();
  } catch (const Poco::Exception&) {
    return nullptr;
  }
}

bool is_blank(const std::string& text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return std::isspace(static_cast<unsigned char>(c)); });
}

std::string join(const std::vector<std::string>& words, const std::string& last_separator) {
  std::string text;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0) text += i + 1 == words.size() ? last_separator : ", ";
    text += words[i];
  }
  return text;
}

struct SourceState {
  std::string key;
  std::string state;  // opt_in, opt_out, opt_out_managed, or "unknown" when plex.tv lists none
};

// The known sources in their usual order, then any other plex.tv lists.
std::vector<SourceState> merge_sources(const std::vector<OptOut>& listed) {
  std::vector<SourceState> merged;
  const auto state_of = [&listed](const std::string& key) -> std::string {
    for (const auto& opt_out : listed)
      if (opt_out.key == key) return opt_out.value;
    return kUnknownState;
  };
  for (const auto& source : known_sources()) merged.push_back({source.key, state_of(source.key)});
  for (const auto& opt_out : listed) {
    const bool known = std::any_of(merged.begin(), merged.end(), [&opt_out](const SourceState& s) {
      return s.key == opt_out.key;
    });
    if (!known) merged.push_back({opt_out.key, opt_out.value});
  }
  return merged;
}

Object::Ptr source_json(const std::string& key, const std::string& state) {
  const SourceInfo info = describe_source(key);
  auto body = json_object();
  body->set("key", info.key);
  body->set("title", info.title);
  body->set("description", info.description);
  body->set("state", state);
  Array::Ptr allowed = new Array;
  for (const auto& value : allowed_values(key)) allowed->add(value);
  body->set("allowed", allowed);
  return body;
}

// What "off" means for one source in a disable-all.
std::string off_value(const std::string& key, bool managed) {
  return managed && is_allowed(key, kOptOutManaged) ? kOptOutManaged : kOptOut;
}

bool is_off(const std::string& state, const std::string& target) {
  // A source fully off stays off even when only managed users were asked for.
  return state == target || state == kOptOut;
}

class PlexOptOutService final : public ServiceBase {
 public:
  PlexOptOutService(const std::string& base_url, support::HttpOptions options,
                    const std::string& product, Host& host)
      : host_(host),
        store_(host),
        plextv_(base_url, std::move(options), {store_.client_id(), product, kVersion}) {}

 protected:
  HttpReply on_request(const HttpRequest& request) override {
    // One caller at a time: the UI and the CLI share one account and one PIN.
    std::lock_guard lock(mutex_);
    const auto parts = split_path(request.path);
    const std::string& method = request.method;
    if (parts.size() == 1 && parts[0] == "auth") {
      if (method == "GET") return auth_status();
      if (method == "DELETE") return sign_out();
      return method_not_allowed(request, "GET, DELETE");
    }
    if (parts.size() == 2 && parts[0] == "auth" && parts[1] == "pin") {
      if (method == "POST") return start_pin();
      return method_not_allowed(request, "POST");
    }
    if (parts.size() == 3 && parts[0] == "auth" && parts[1] == "pin") {
      if (method == "GET") return poll_pin(parts[2]);
      if (method == "DELETE") return cancel_pin(parts[2]);
      return method_not_allowed(request, "GET, DELETE");
    }
    if (parts.size() == 1 && parts[0] == "sources") {
      if (method == "GET") return list_sources();
      return method_not_allowed(request, "GET");
    }
    if (parts.size() == 2 && parts[0] == "sources" && parts[1] == "disable-all") {
      if (method == "POST") return disable_all(request.body);
      return method_not_allowed(request, "POST");
    }
    if (parts.size() == 2 && parts[0] == "sources") {
      if (method == "PATCH") return set_source(parts[1], request.body);
      return method_not_allowed(request, "PATCH");
    }
    return json_error(404, "no route " + method + " " + request.path);
  }

 private:
  HttpReply auth_status() {
    const auto account = store_.account();
    auto body = json_object();
    body->set("signed_in", account.has_value());
    body->set("username", account ? Poco::Dynamic::Var(account->username) : Poco::Dynamic::Var());
    return json_reply(200, body);
  }

  HttpReply sign_out() {
    if (const auto account = store_.account())
      log(LogLevel::info, "signed out of plex.tv (" + account->username + ")");
    store_.sign_out();
    return auth_status();
  }

  HttpReply start_pin() {
    const auto answer = plextv_.create_pin();
    if (const auto* error = std::get_if<PlexTvError>(&answer))
      return json_error(502, "could not start a Plex sign-in: " + error->message);
    const Pin& pin = std::get<Pin>(answer);
    // plex.tv gives strong PINs 1800 s; a missing expiresIn is taken as that.
    const std::int64_t lifetime = pin.expires_in > 0 ? pin.expires_in : kStrongPinLifetime;
    if (!store_.start_pin(pin.id, unix_now() + lifetime))
      return json_error(500, "could not keep the sign-in in progress");
    const auto& identity = plextv_.identity();
    auto body = json_object();
    body->set("id", pin.id);
    body->set("code", pin.code);
    body->set("expires_at", pin.expires_at);
    body->set("expires_in", pin.expires_in);
    body->set("auth_url",
              "https://app.plex.tv/auth#?clientID=" + support::url_encode(identity.client_id) +
                  "&code=" + support::url_encode(pin.code) +
                  "&context%5Bdevice%5D%5Bproduct%5D=" + support::url_encode(identity.product));
    return json_reply(201, body);
  }

  HttpReply poll_pin(const std::string& id_text) {
    const auto id = parse_pin_id(id_text);
    if (!id || !store_.has_pin(*id))
      return json_error(
          404, "no sign-in in progress with PIN " + id_text + ": start one with POST auth/pin");
    const auto answer = plextv_.check_pin(*id);
    if (const auto* error = std::get_if<PlexTvError>(&answer)) {
      if (error->kind == PlexTvError::Kind::not_found) {
        store_.drop_pin(*id);
        return pin_state("expired", "the PIN expired before it was approved: start again");
      }
      return json_error(502, "could not check the Plex sign-in: " + error->message);
    }
    const Pin& pin = std::get<Pin>(answer);
    if (pin.auth_token.empty()) {
      // What plex.tv answers for an expired PIN is not settled: trust the local clock too.
      const auto expiry = store_.pin_expiry(*id);
      if (expiry && unix_now() >= *expiry) {
        store_.drop_pin(*id);
        return pin_state("expired", "the PIN expired before it was approved: start again");
      }
      return pin_state("pending", "");
    }

    const auto checked = plextv_.account(pin.auth_token);
    if (const auto* error = std::get_if<PlexTvError>(&checked)) {
      if (error->kind == PlexTvError::Kind::unauthorized) {
        store_.drop_pin(*id);
        return json_error(502,
                          "plex.tv approved the PIN but refused the token it gave: start again");
      }
      return json_error(502, "could not check the Plex account: " + error->message);
    }
    const Account& account = std::get<Account>(checked);
    if (!store_.sign_in({pin.auth_token, account.uuid, account.username}))
      return json_error(500, "could not keep the Plex sign-in");
    log(LogLevel::info, "signed in to plex.tv as " + account.username);
    auto body = json_object();
    body->set("state", "approved");
    body->set("username", account.username);
    return json_reply(200, body);
  }

  // Every line carries plex.tv's data (usernames, keys, its errors): escaped,
  // so a control byte in them cannot forge a line or reach a terminal raw.
  void log(LogLevel level, const std::string& message) { host_.log(level, log_escaped(message)); }

  static HttpReply pin_state(const std::string& state, const std::string& message) {
    auto body = json_object();
    body->set("state", state);
    if (!message.empty()) body->set("message", message);
    return json_reply(200, body);
  }

  HttpReply cancel_pin(const std::string& id_text) {
    const auto id = parse_pin_id(id_text);
    if (!id || !store_.has_pin(*id))
      return json_error(404, "no sign-in in progress with PIN " + id_text);
    store_.drop_pin(*id);
    return pin_state("cancelled", "");
  }

  // A failed signed-in call: a 401 means the token is gone, so forget it.
  HttpReply plextv_failure(const PlexTvError& error, const std::string& doing) {
    if (error.kind == PlexTvError::Kind::unauthorized) {
      store_.sign_out();
      log(LogLevel::warning, "plex.tv refused the token while " + doing + ": signed out");
      return signed_out_reply(kRevoked);
    }
    log(LogLevel::warning, "could not finish " + doing + ": " + error.message);
    return json_error(502, "could not finish " + doing + ": " + error.message);
  }

  HttpReply list_sources() {
    const auto account = store_.account();
    if (!account) return signed_out_reply(kNotSignedIn);
    const auto answer = plextv_.opt_outs(account->token, account->uuid);
    if (const auto* error = std::get_if<PlexTvError>(&answer))
      return plextv_failure(*error, "listing the online media sources");
    const auto& listed = std::get<std::vector<OptOut>>(answer);
    Array::Ptr sources = new Array;
    for (const auto& source : merge_sources(listed))
      sources->add(source_json(source.key, source.state));
    auto body = json_object();
    body->set("username", account->username);
    body->set("sources", sources);
    body->set("note", listed.empty() ? Poco::Dynamic::Var(std::string(kEmptyListNote))
                                     : Poco::Dynamic::Var());
    return json_reply(200, body);
  }

  HttpReply set_source(const std::string& key, const std::string& request_body) {
    if (!is_source_key(key))
      return json_error(404, "unknown source '" + key + "': keys look like tv.plex.provider.music");
    const auto parsed = parse_body(request_body);
    if (!parsed || !parsed->has("value") || !parsed->get("value").isString())
      return json_error(400, "the body must be JSON like {\"value\": \"opt_out\"}");
    const std::string value = parsed->getValue<std::string>("value");
    if (!is_value(value))
      return json_error(400, "unknown value '" + value + "' for " + key +
                                 ": use opt_in, opt_out or opt_out_managed");
    if (!is_allowed(key, value))
      return json_error(400, describe_source(key).title + " cannot be " + value +
                                 ": plex.tv allows only " + join(allowed_values(key), " or ") +
                                 " for " + key);
    const auto account = store_.account();
    if (!account) return signed_out_reply(kNotSignedIn);
    const auto answer = plextv_.set_opt_out(account->token, account->uuid, key, value);
    if (const auto* error = std::get_if<PlexTvError>(&answer)) {
      if (!not_offered(*error)) return plextv_failure(*error, "setting " + key + " to " + value);
      log(LogLevel::info, "plex.tv no longer offers " + key + " (" + error->message + ")");
      auto body = source_json(key, kNotOffered);
      body->set("message", "plex.tv no longer offers " + describe_source(key).title +
                               ": there is nothing to change");
      return json_reply(200, body);
    }
    log(LogLevel::info, "set " + key + " to " + value + " on plex.tv");
    return json_reply(200, source_json(key, value));
  }

  HttpReply disable_all(const std::string& request_body) {
    bool managed = false;
    if (!is_blank(request_body)) {
      const auto parsed = parse_body(request_body);
      if (!parsed || (parsed->has("managed") && !parsed->get("managed").isBoolean()))
        return json_error(400, "the body must be empty or JSON like {\"managed\": true}");
      managed = parsed->has("managed") && parsed->getValue<bool>("managed");
    }
    const auto account = store_.account();
    if (!account) return signed_out_reply(kNotSignedIn);
    const auto answer = plextv_.opt_outs(account->token, account->uuid);
    if (const auto* error = std::get_if<PlexTvError>(&answer))
      return plextv_failure(*error, "listing the online media sources");

    Array::Ptr results = new Array;
    std::size_t changed = 0, already_off = 0, not_offered_count = 0, failed = 0;
    for (const auto& source : merge_sources(std::get<std::vector<OptOut>>(answer))) {
      const std::string target = off_value(source.key, managed);
      auto result = json_object();
      result->set("key", source.key);
      result->set("title", describe_source(source.key).title);
      if (is_off(source.state, target)) {
        ++already_off;
        result->set("outcome", "already_off");
        result->set("state", source.state);
        results->add(result);
        continue;
      }
      const auto set = plextv_.set_opt_out(account->token, account->uuid, source.key, target);
      if (const auto* error = std::get_if<PlexTvError>(&set)) {
        if (error->kind == PlexTvError::Kind::unauthorized) {
          auto reply = plextv_failure(*error, "disabling " + source.key);
          return with_results(reply, results);
        }
        if (not_offered(*error)) {
          ++not_offered_count;
          log(LogLevel::info,
              "plex.tv no longer offers " + source.key + " (" + error->message + ")");
          result->set("outcome", kNotOffered);
          result->set("state", kNotOffered);
          results->add(result);
          continue;
        }
        ++failed;
        log(LogLevel::warning, "could not disable " + source.key + ": " + error->message);
        result->set("outcome", "failed");
        result->set("state", source.state);
        result->set("error", error->message);
      } else {
        ++changed;
        result->set("outcome", "changed");
        result->set("state", target);
      }
      results->add(result);
    }
    log(LogLevel::info, "disable all on plex.tv: " + std::to_string(changed) + " changed, " +
                            std::to_string(already_off) + " already off, " +
                            std::to_string(not_offered_count) + " not offered, " +
                            std::to_string(failed) + " failed");
    auto summary = json_object();
    summary->set("changed", changed);
    summary->set("already_off", already_off);
    summary->set("not_offered", not_offered_count);
    summary->set("failed", failed);
    auto body = json_object();
    body->set("value", managed ? kOptOutManaged : kOptOut);
    body->set("results", results);
    body->set("summary", summary);
    body->set("message", disable_all_message(changed, already_off, not_offered_count, failed));
    return json_reply(failed == 0 ? 200 : 207, body);
  }

  static HttpReply with_results(const HttpReply& reply, const Array::Ptr& results) {
    auto body = parse_body(reply.body);
    body->set("results", results);
    return json_reply(reply.status, body);
  }

  static std::string disable_all_message(std::size_t changed, std::size_t already_off,
                                         std::size_t not_offered_count, std::size_t failed) {
    if (changed == 0 && failed == 0 && not_offered_count == 0)
      return already_off == 1 ? "The one source was already off"
                              : "All " + counted(already_off, "source") + " were already off";
    std::vector<std::string> parts;
    if (changed > 0)
      parts.push_back("Disabled " + counted(changed, "source"));
    else
      parts.push_back("Disabled no source");
    if (already_off > 0) parts.push_back(std::to_string(already_off) + " already off");
    if (not_offered_count > 0)
      parts.push_back(std::to_string(not_offered_count) + " no longer offered by plex.tv");
    if (failed > 0) parts.push_back(std::to_string(failed) + " failed");
    return join(parts, ", ");
  }

  std::mutex mutex_;
  Host& host_;
  AccountStore store_;
  PlexTvClient plextv_;
};

constexpr ConfigKey kConfigKeys[] = {
    {"plextv_url", ConfigType::url, "https://plex.tv", kService, false,
     "plex.tv base URL (tests point it at a fake)"},
    {"product", ConfigType::string, "scanhook", kService, false,
     "X-Plex-Product: the name plex.tv shows for this device"},
    {"timeout", ConfigType::duration, "15s", kService, false, "timeout of each plex.tv request"},
    {"verify_tls", ConfigType::boolean, "true", kService, false,
     "check plex.tv's TLS certificate (turn off only for testing)"},
    {"ca_file", ConfigType::path, nullptr, kService, false,
     "extra CA certificate (PEM) to trust for plex.tv"},
};

// The plugin's command line (SDK 1.2): `scanhookd plex-sources ...`.
class PlexOptOutCommands final : public CommandSetBase {
 public:
  std::vector<CommandHelp> commands() const noexcept override {
    return {{kPlexSourcesCommand, "login | logout | status | list | set KEY VALUE | disable-all",
             "Plex Online Media Sources (--service NAME, disable-all --managed)"}};
  }

 protected:
  int on_run(const std::string& command, const std::vector<std::string>& words,
             CommandHost& host) override {
    if (command != kPlexSourcesCommand) {
      host.err() << "plex_optout offers no command \"" << command << "\"\n";
      return 64;
    }
    return run_plex_sources(words, host);
  }
};

void check(const CheckArgs& args) {
  if (args.kind == kCommands) return;  // the command line reads its settings when it runs
  const std::string product = args.config->string("product");
  if (product.empty() || product.size() > 64 ||
      std::any_of(product.begin(), product.end(),
                  [](char c) { return std::iscntrl(static_cast<unsigned char>(c)); }))
    throw ConfigRefusal("product", "must be 1 to 64 printable characters");
}

std::unique_ptr<Instance> make(const CreateArgs& args) {
  if (args.kind == kCommands) return std::make_unique<PlexOptOutCommands>();
  const ConfigView& config = *args.config;
  const std::string product = config.string("product");
  support::HttpOptions options;
  options.timeout = config.duration("timeout");
  options.verify_tls = config.boolean("verify_tls", true);
  options.ca_file = config.string("ca_file");
  return std::make_unique<PlexOptOutService>(config.string("plextv_url"), std::move(options),
                                             product, *args.host);
}

}  // namespace

}  // namespace scanhook::plex_optout

SCANHOOK_PLUGIN_CHECKED("plex_optout", scanhook::plex_optout::kVersion,
                        "Signs in to plex.tv and turns a Plex account's Online Media Sources off",
                        scanhook::kService | scanhook::kCommands,
                        scanhook::plex_optout::kConfigKeys, scanhook::kNoConfigRanges,
                        scanhook::plex_optout::check, scanhook::plex_optout::make)
