// The `forward` plugin: a target that hands folders to another scanhook or
// to an autoscan-compatible manual trigger.
#include <memory>
#include <stdexcept>
#include <string>

#include "forward_target.hpp"
#include "scanhook/scanhook.hpp"
#include "scanhook/support/http_client.hpp"
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

std::unique_ptr<scanhook::Instance> make(const scanhook::CreateArgs& args) {
  const auto& config = *args.config;
  const std::string receiver_name = config.string("receiver");
  scanhook::forward::Receiver receiver;
  if (receiver_name == "scanhook")
    receiver = scanhook::forward::Receiver::scanhook;
  else if (receiver_name == "autoscan")
    receiver = scanhook::forward::Receiver::autoscan;
  else
    throw std::runtime_error("receiver must be scanhook or autoscan, not \"" + receiver_name +
                             "\"");
  const auto batch = config.integer("max_batch");
  if (batch < 1 || batch > 1000)
    throw std::runtime_error("max_batch must be between 1 and 1000, not " + std::to_string(batch));
  const auto settings = scanhook::support::read_server_settings(config, "password", false);
  const std::string username = config.string("username");
  scanhook::HeaderList auth;
  if (!username.empty() || !settings.token.empty())
    auth.emplace_back("Authorization",
                      scanhook::support::basic_authorization(username, settings.token));
  auto api = std::make_shared<const scanhook::support::ServerApi>(
      receiver == scanhook::forward::Receiver::scanhook ? "scanhook" : "autoscan",
      std::string("target.") + args.instance, "username/password", settings, std::move(auth),
      *args.host);
  return std::make_unique<scanhook::forward::ForwardTarget>(std::move(api), receiver,
                                                            static_cast<std::size_t>(batch));
}

}  // namespace

SCANHOOK_PLUGIN("forward", "1.0.0",
                "Hands folders to another scanhook (/api/scan) or an autoscan-compatible manual "
                "trigger",
                kTarget, kConfigKeys, make)
