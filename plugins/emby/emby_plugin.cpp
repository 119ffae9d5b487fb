// The `emby` plugin: partial scans of an Emby server (target) and Emby's
// webhooks as a source of events.
#include <memory>

#include "emby_api.hpp"
#include "emby_webhook.hpp"
#include "scanhook/scanhook.hpp"
#include "scanhook/support/media_browser_target.hpp"
#include "scanhook/support/server_api.hpp"
#include "scanhook/support/server_config_keys.hpp"

namespace {

using scanhook::ConfigKey;
using scanhook::ConfigType;
namespace support = scanhook::support;

// Emby's webhooks carry the item's path: only the target talks to Emby.
constexpr ConfigKey kConfigKeys[] = {
    {"url", ConfigType::url, nullptr, scanhook::kTarget, true,
     "Emby's API address, ending in /emby: http://127.0.0.1:8096/emby"},
    {"token", ConfigType::secret, nullptr, scanhook::kTarget, true,
     "an API key from Emby's Settings > Advanced > API Keys"},
    support::timeout_key(scanhook::kTarget),
    support::verify_tls_key(scanhook::kTarget),
    support::ca_file_key(scanhook::kTarget),
    support::kLibraryRefreshKey,
};

constexpr scanhook::ConfigRange kConfigRanges[] = {support::kTimeoutRange};

// Emby's webhooks carry paths: only a target has a server to check.
void check(const scanhook::CheckArgs& args) {
  if (args.kind == scanhook::kTarget) support::check_server_api(args);
}

std::unique_ptr<scanhook::Instance> make(const scanhook::CreateArgs& args) {
  if (args.kind != scanhook::kTarget) return std::make_unique<scanhook::emby::EmbyWebhook>();
  auto api = support::make_server_api(scanhook::emby::kProduct, args, scanhook::emby::auth_headers);
  return std::make_unique<support::MediaBrowserTarget>(
      std::move(api),
      support::MediaBrowserRoutes{scanhook::emby::kPublicInfo, scanhook::emby::kMediaFolders,
                                  scanhook::emby::parse_media_folders,
                                  scanhook::emby::kNotFoundHint},
      args.config->duration("library_refresh"));
}

}  // namespace

SCANHOOK_PLUGIN_CHECKED("emby", "1.0.0", "Partial scans of Emby, and Emby's webhooks",
                        scanhook::kTarget | scanhook::kWebhookSource, kConfigKeys, kConfigRanges,
                        check, make)
