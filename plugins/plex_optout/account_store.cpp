#include "account_store.hpp"

#include <Poco/UUIDGenerator.h>

#include <vector>

#include "scanhook/config_value.hpp"

namespace scanhook::plex_optout {

namespace {

constexpr const char* kClientId = "client_id";
constexpr const char* kToken = "token";
constexpr const char* kUuid = "user_uuid";
constexpr const char* kUsername = "username";
constexpr const char* kPinPrefix = "pin.";

std::string pin_key(std::int64_t id) {
  return kPinPrefix + std::to_string(id);
}

}  // namespace

std::string AccountStore::client_id() {
  if (auto kept = host_.load(kClientId); kept && !kept->empty()) return *kept;
  const std::string made = Poco::UUIDGenerator::defaultGenerator().createRandom().toString();
  if (!host_.store(kClientId, made))
    host_.log(LogLevel::warning,
              "could not keep the plex.tv client identifier; plex.tv will see a new device "
              "after a restart");
  return made;
}

std::optional<SignedInAccount> AccountStore::account() {
  auto token = host_.load(kToken);
  auto uuid = host_.load(kUuid);
  if (!token || !uuid || token->empty() || uuid->empty()) return std::nullopt;
  return SignedInAccount{*token, *uuid, host_.load(kUsername).value_or("")};
}

bool AccountStore::sign_in(const SignedInAccount& account) {
  std::vector<KeyValueChange> changes = {
      {kToken, account.token}, {kUuid, account.uuid}, {kUsername, account.username}};
  for (const auto& key : host_.keys(kPinPrefix)) changes.emplace_back(key, std::nullopt);
  return host_.store_all(changes);
}

void AccountStore::sign_out() {
  host_.store_all({{kToken, std::nullopt}, {kUuid, std::nullopt}, {kUsername, std::nullopt}});
}

bool AccountStore::start_pin(std::int64_t id, std::int64_t expires_at) {
  std::vector<KeyValueChange> changes;
  for (const auto& key : host_.keys(kPinPrefix)) changes.emplace_back(key, std::nullopt);
  changes.emplace_back(pin_key(id), "pending " + std::to_string(expires_at));
  return host_.store_all(changes);
}

std::optional<std::int64_t> AccountStore::pin_expiry(std::int64_t id) {
  const auto kept = host_.load(pin_key(id));
  const std::string prefix = "pending ";
  if (!kept || kept->rfind(prefix, 0) != 0) return std::nullopt;
  return parse_integer(std::string_view(*kept).substr(prefix.size()));
}

bool AccountStore::has_pin(std::int64_t id) {
  return host_.load(pin_key(id)).has_value();
}

void AccountStore::drop_pin(std::int64_t id) {
  host_.erase(pin_key(id));
}

}  // namespace scanhook::plex_optout
