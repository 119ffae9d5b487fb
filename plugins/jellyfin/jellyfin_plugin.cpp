// The `jellyfin` plugin: partial scans of a Jellyfin server (target) and
// Jellyfin's webhook plugin as a source of events.
#include <memory>

#include "jellyfin_api.hpp"
#include "jellyfin_webhook.hpp"
#include "scanhook/scanhook.hpp"
#include "scanhook/support/media_browser_target.hpp"
#include "scanhook/support/server_api.hpp"
#include "scanhook/support/server_config_keys.hpp"

namespace {

using scanhook::ConfigKey;
using scanhook::ConfigType;
namespace support = scanhook::support;

constexpr ConfigKey kConfigKeys[] = {
    {"url", ConfigType::url, nullptr, support::kServerKinds, true,
     "Jellyfin's address as you open it in a browser, e.g. http://127.0.0.1:8096 (add the base "
     "path if Jellyfin has one: http://host:8096/jellyfin)"},
    {"token", ConfigType::secret, nullptr, scanhook::kTarget, true,
     "an API key from Jellyfin's Dashboard > API Keys (scans need an administrator's key)"},
    {"server_token", ConfigType::secret, nullptr, scanhook::kWebhookSource, true,
     "an API key from Jellyfin's Dashboard > API Keys, used to look up the file of an ItemId "
     "(the section's `token` is the token webhooks must send to scanhook)"},
    support::timeout_key(support::kServerKinds),
    support::verify_tls_key(support::kServerKinds),
    support::ca_file_key(support::kServerKinds),
    support::kLibraryRefreshKey,
};

constexpr scanhook::ConfigRange kConfigRanges[] = {support::kTimeoutRange};

std::unique_ptr<scanhook::Instance> make(const scanhook::CreateArgs& args) {
  auto api = support::make_server_api(scanhook::jellyfin::kProduct, args,
                                      scanhook::jellyfin::auth_headers);
  if (args.kind == scanhook::kTarget)
    return std::make_unique<support::MediaBrowserTarget>(
        std::move(api),
        support::MediaBrowserRoutes{
            scanhook::jellyfin::kPublicInfo, scanhook::jellyfin::kVirtualFolders,
            scanhook::jellyfin::parse_virtual_folders, scanhook::jellyfin::kNotFoundHint},
        args.config->duration("library_refresh"));
  return std::make_unique<scanhook::jellyfin::JellyfinWebhook>(std::move(api));
}

}  // namespace

SCANHOOK_PLUGIN_CHECKED("jellyfin", "1.0.0", "Partial scans of Jellyfin, and Jellyfin's webhooks",
                        scanhook::kTarget | scanhook::kWebhookSource, kConfigKeys, kConfigRanges,
                        support::check_server_api, make)
