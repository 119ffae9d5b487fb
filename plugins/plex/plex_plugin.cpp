// The `plex` plugin: partial scans of a Plex Media Server (target) and Plex's
// webhooks as a source of events.
#include <memory>

#include "plex_api.hpp"
#include "plex_target.hpp"
#include "plex_webhook.hpp"
#include "scanhook/scanhook.hpp"
#include "scanhook/support/server_api.hpp"
#include "scanhook/support/server_config_keys.hpp"

namespace {

using scanhook::ConfigKey;
using scanhook::ConfigType;
namespace support = scanhook::support;

constexpr ConfigKey kConfigKeys[] = {
    {"url", ConfigType::url, nullptr, support::kServerKinds, true,
     "the Plex Media Server's address, e.g. http://127.0.0.1:32400 (not app.plex.tv)"},
    {"token", ConfigType::secret, nullptr, scanhook::kTarget, true,
     "the server's X-Plex-Token: open an item's ... > Get Info > View XML and copy X-Plex-Token "
     "from the address, or PlexOnlineToken from Preferences.xml"},
    {"server_token", ConfigType::secret, nullptr, scanhook::kWebhookSource, true,
     "the server's X-Plex-Token, used to look up the files of a new item (the section's `token` "
     "is the token webhooks must send to scanhook)"},
    support::timeout_key(support::kServerKinds),
    support::verify_tls_key(support::kServerKinds),
    support::ca_file_key(support::kServerKinds),
    support::kLibraryRefreshKey,
};

constexpr scanhook::ConfigRange kConfigRanges[] = {support::kTimeoutRange};

std::unique_ptr<scanhook::Instance> make(const scanhook::CreateArgs& args) {
  auto api = support::make_server_api(scanhook::plex::kProduct, args, scanhook::plex::auth_headers);
  if (args.kind == scanhook::kTarget)
    return std::make_unique<scanhook::plex::PlexTarget>(std::move(api),
                                                        args.config->duration("library_refresh"));
  return std::make_unique<scanhook::plex::PlexWebhook>(std::move(api));
}

}  // namespace

SCANHOOK_PLUGIN_CHECKED("plex", "1.0.0", "Partial scans of Plex Media Server, and Plex's webhooks",
                        scanhook::kTarget | scanhook::kWebhookSource, kConfigKeys, kConfigRanges,
                        support::check_server_api, make)
