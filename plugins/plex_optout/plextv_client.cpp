#include "plextv_client.hpp"

#include <Poco/AutoPtr.h>
#include <Poco/DOM/DOMParser.h>
#include <Poco/DOM/Document.h>
#include <Poco/DOM/Element.h>
#include <Poco/DOM/NodeList.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/SAX/XMLReader.h>

#include <limits>

namespace scanhook::plex_optout {

namespace {

constexpr const char* kJson = "application/json";
constexpr const char* kXml = "application/xml";

std::optional<PlexTvError> failure_of(const support::HttpResponse& response) {
  using Kind = PlexTvError::Kind;
  if (!response.answered())
    return PlexTvError{Kind::no_answer, 0, "plex.tv did not answer: " + response.transport_error};
  if (response.oversized)
    return PlexTvError{
        Kind::unreadable, response.status,
        "plex.tv sent more than " + std::to_string(kMaxAnswerBytes / (1024 * 1024)) + " MB"};
  if (response.success()) return std::nullopt;
  const std::string message = "plex.tv answered HTTP " + std::to_string(response.status);
  if (response.status == 401) return PlexTvError{Kind::unauthorized, 401, message};
  if (response.status == 404) return PlexTvError{Kind::not_found, 404, message};
  return PlexTvError{Kind::refused, response.status, message};
}

PlexTvError unreadable(const std::string& what) {
  return {PlexTvError::Kind::unreadable, 200, "plex.tv sent " + what + " scanhook cannot read"};
}

// A field of the wrong type or value: its name, what it should be.
struct WrongField {
  std::string field;
  std::string expected;
};

PlexTvError wrong_field(const std::string& what, const WrongField& wrong) {
  return {PlexTvError::Kind::unreadable, 200,
          "plex.tv sent " + what + " whose \"" + wrong.field + "\" is not " + wrong.expected};
}

using Poco::JSON::Object;

Object::Ptr json_object(const std::string& body) {
  const auto parsed = Poco::JSON::Parser().parse(body);
  if (parsed.type() != typeid(Object::Ptr)) return nullptr;
  return parsed.extract<Object::Ptr>();
}

// A string field; null or absent is empty unless `required`.
std::string string_field(const Object& object, const std::string& name, bool required) {
  if (!object.has(name) || object.isNull(name)) {
    if (required) throw WrongField{name, "a string"};
    return {};
  }
  const auto value = object.get(name);
  if (!value.isString()) throw WrongField{name, "a string"};
  return value.extract<std::string>();
}

// An integer field at least `minimum`; `fallback` when absent or null and not `required`.
std::int64_t integer_field(const Object& object, const std::string& name, bool required,
                           std::int64_t minimum, std::int64_t fallback) {
  const std::string expected = minimum > 0 ? "a positive integer" : "an integer";
  if (!object.has(name) || object.isNull(name)) {
    if (required) throw WrongField{name, expected};
    return fallback;
  }
  const auto value = object.get(name);
  if (!value.isInteger()) throw WrongField{name, expected};
  std::int64_t number = 0;
  try {
    number = value.convert<std::int64_t>();
  } catch (const Poco::Exception&) {
    throw WrongField{name, expected};  // an unsigned number past int64
  }
  if (number < minimum) throw WrongField{name, expected};
  return number;
}

}  // namespace

PlexTvAnswer<Pin> parse_pin(const std::string& body) {
  try {
    const auto object = json_object(body);
    if (!object) return unreadable("a PIN");
    Pin pin;
    pin.id = integer_field(*object, "id", true, 1, 0);
    pin.code = string_field(*object, "code", true);
    if (pin.code.empty()) throw WrongField{"code", "a non-empty string"};
    pin.expires_at = string_field(*object, "expiresAt", false);
    pin.expires_in =
        integer_field(*object, "expiresIn", false, std::numeric_limits<std::int64_t>::min(), 0);
    pin.auth_token = string_field(*object, "authToken", false);
    return pin;
  } catch (const WrongField& wrong) {
    return wrong_field("a PIN", wrong);
  } catch (const Poco::Exception&) {
    return unreadable("a PIN");
  } catch (const std::exception&) {
    return unreadable("a PIN");
  }
}

PlexTvAnswer<Account> parse_account(const std::string& body) {
  try {
    const auto object = json_object(body);
    if (!object) return unreadable("an account");
    Account account{string_field(*object, "uuid", true), string_field(*object, "username", true)};
    if (account.uuid.empty()) return unreadable("an account without a uuid");
    return account;
  } catch (const WrongField& wrong) {
    return wrong_field("an account", wrong);
  } catch (const Poco::Exception&) {
    return unreadable("an account");
  } catch (const std::exception&) {
    return unreadable("an account");
  }
}

PlexTvAnswer<std::vector<OptOut>> parse_opt_outs(const std::string& body) {
  try {
    Poco::XML::DOMParser parser;
    // plex.tv has no use for entities; refusing them keeps the parser from reaching out.
    parser.setFeature(Poco::XML::XMLReader::FEATURE_EXTERNAL_GENERAL_ENTITIES, false);
    parser.setFeature(Poco::XML::XMLReader::FEATURE_EXTERNAL_PARAMETER_ENTITIES, false);
    const Poco::AutoPtr<Poco::XML::Document> document = parser.parseString(body);
    const Poco::AutoPtr<Poco::XML::NodeList> nodes = document->getElementsByTagName("optOut");
    std::vector<OptOut> opt_outs;
    for (unsigned long i = 0; i < nodes->length(); ++i) {
      const auto* element = static_cast<const Poco::XML::Element*>(nodes->item(i));
      OptOut opt_out{element->getAttribute("key"), element->getAttribute("value")};
      if (opt_out.key.empty()) return unreadable("an opt-out without a key");
      opt_outs.push_back(std::move(opt_out));
    }
    return opt_outs;
  } catch (const Poco::Exception&) {
    return unreadable("an opt-out list");
  }
}

namespace {

support::HttpOptions capped(support::HttpOptions options) {
  options.max_answer_bytes = kMaxAnswerBytes;
  return options;
}

}  // namespace

PlexTvClient::PlexTvClient(const std::string& base_url, support::HttpOptions options,
                           ClientIdentity identity)
    : http_(base_url, capped(std::move(options))), identity_(std::move(identity)) {}

support::HttpResponse PlexTvClient::send(const std::string& method, const std::string& target,
                                         const std::string& accept,
                                         const std::string& token) const {
  HeaderList headers = {{"Accept", accept},
                        {"X-Plex-Client-Identifier", identity_.client_id},
                        {"X-Plex-Product", identity_.product},
                        {"X-Plex-Version", identity_.version},
                        {"X-Plex-Device-Name", identity_.product}};
  if (!token.empty()) headers.emplace_back("X-Plex-Token", token);
  return http_.send(method, target, headers);
}

PlexTvAnswer<Pin> PlexTvClient::create_pin() const {
  const auto response = send("POST", "/api/v2/pins?strong=true", kJson, "");
  if (auto error = failure_of(response)) return *error;
  return parse_pin(response.body);
}

PlexTvAnswer<Pin> PlexTvClient::check_pin(std::int64_t id) const {
  const auto response = send("GET", "/api/v2/pins/" + std::to_string(id), kJson, "");
  if (auto error = failure_of(response)) return *error;
  return parse_pin(response.body);
}

PlexTvAnswer<Account> PlexTvClient::account(const std::string& token) const {
  const auto response = send("GET", "/api/v2/user", kJson, token);
  if (auto error = failure_of(response)) return *error;
  return parse_account(response.body);
}

PlexTvAnswer<std::vector<OptOut>> PlexTvClient::opt_outs(const std::string& token,
                                                         const std::string& uuid) const {
  const auto response =
      send("GET", "/api/v2/user/" + support::url_encode(uuid) + "/settings/opt_outs", kXml, token);
  if (auto error = failure_of(response)) return *error;
  return parse_opt_outs(response.body);
}

PlexTvAnswer<std::monostate> PlexTvClient::set_opt_out(const std::string& token,
                                                       const std::string& uuid,
                                                       const std::string& key,
                                                       const std::string& value) const {
  const auto response = send("POST",
                             "/api/v2/user/" + support::url_encode(uuid) +
                                 "/settings/opt_outs?key=" + support::url_encode(key) +
                                 "&value=" + support::url_encode(value),
                             kXml, token);
  if (auto error = failure_of(response)) return *error;
  return std::monostate{};
}

}  // namespace scanhook::plex_optout
