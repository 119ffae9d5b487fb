// The `forward` plugin: a target that hands folders to another scanhook or
// to an autoscan-compatible manual trigger.
#include <memory>
#include <optional>
#include <string>

#include "forward_target.hpp"
#include "scanhook/scanhook.hpp"
#include "scanhook/support/http_client.hpp"
#include "scanhook/support/server_api.hpp"
#include "scanhook/support/server_config_keys.hpp"

namespace {

using scanhook::ConfigKey;
using scanhook::ConfigType;
using scanhook::kTarget;

constexpr ConfigKey kConfigKeys[] = {
    {"url", ConfigType::url, nullptr, kTarget, true,
     "the receiving instance, e.g. http://mediaserver:3030 (with its base path behind a proxy)"},
    {"receiver", ConfigType::string, "scanhook", kTarget, false,
     "scanhook (POST /api/scan) or autoscan (POST /triggers/manual?dir=..., which autoscan and "
     "scanhook both serve)"},
    {"username", ConfigType::string, "", kTarget, false, "the receiver's user (HTTP Basic)"},
    {"password", ConfigType::secret, "", kTarget, false, "the receiver's password (HTTP Basic)"},
    {"max_batch", ConfigType::integer, "100", kTarget, false, "most folders in one request"},
    scanhook::support::timeout_key(kTarget),
    scanhook::support::verify_tls_key(kTarget),
    scanhook::support::ca_file_key(kTarget),
};

constexpr scanhook::ConfigRange kConfigRanges[] = {{"max_batch", 1, 1000},
                                                   scanhook::support::kTimeoutRange};

// "scanhook" or "autoscan"; nullopt for anything else.
std::optional<scanhook::forward::Receiver> receiver_of(const std::string& name) {
  if (name == "scanhook") return scanhook::forward::Receiver::scanhook;
  if (name == "autoscan") return scanhook::forward::Receiver::autoscan;
  return std::nullopt;
}

// The password is the token of read_server_settings, and optional.
scanhook::support::ServerSettings server_settings(const scanhook::ConfigView& config) {
  return scanhook::support::read_server_settings(config, "password", false);
}

// What the ranges cannot say; nothing is sent.
void check(const scanhook::CheckArgs& args) {
  const std::string receiver = args.config->string("receiver");
  if (!receiver_of(receiver))
    throw scanhook::ConfigRefusal("receiver",
                                  "must be scanhook or autoscan, not \"" + receiver + "\"");
  server_settings(*args.config);
}

std::unique_ptr<scanhook::Instance> make(const scanhook::CreateArgs& args) {
  const auto& config = *args.config;
  const auto receiver = receiver_of(config.string("receiver")).value();
  const auto settings = server_settings(config);
  const std::string username = config.string("username");
  scanhook::HeaderList auth;
  if (!username.empty() || !settings.token.empty())
    auth.emplace_back("Authorization",
                      scanhook::support::basic_authorization(username, settings.token));
  auto api = std::make_shared<const scanhook::support::ServerApi>(
      receiver == scanhook::forward::Receiver::scanhook ? "scanhook" : "autoscan",
      std::string("target.") + args.instance, "username/password", settings, std::move(auth),
      *args.host);
  return std::make_unique<scanhook::forward::ForwardTarget>(
      std::move(api), receiver, static_cast<std::size_t>(config.integer("max_batch")));
}

}  // namespace

SCANHOOK_PLUGIN_CHECKED("forward", "1.0.0",
                        "Hands folders to another scanhook (/api/scan) or an autoscan-compatible "
                        "manual trigger",
                        kTarget, kConfigKeys, kConfigRanges, check, make)
