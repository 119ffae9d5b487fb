// The `audiobookshelf` plugin: tells Audiobookshelf which folders changed,
// through the call its own file watcher makes (POST /api/watcher/update), so
// a library with its watcher off, or on a network mount inotify cannot see,
// still picks up new books. README.md beside this file has the details.
#include <memory>

#include "audiobookshelf_api.hpp"
#include "scanhook/scanhook.hpp"
#include "scanhook/support/lookup_target.hpp"
#include "scanhook/support/server_api.hpp"
#include "scanhook/support/server_config_keys.hpp"

namespace {

using scanhook::ConfigKey;
using scanhook::ConfigType;
namespace support = scanhook::support;
namespace abs = scanhook::audiobookshelf;

// One watcher update per folder: a batch is one request after another.
constexpr std::size_t kMaxBatch = 50;

constexpr ConfigKey kConfigKeys[] = {
    {"url", ConfigType::url, nullptr, scanhook::kTarget, true,
     "Audiobookshelf's address as you open it in a browser, e.g. http://127.0.0.1:13378 (with "
     "its base path if it has one: http://host/audiobookshelf)"},
    {"token", ConfigType::secret, nullptr, scanhook::kTarget, true,
     "an API key of an admin user (Settings > API Keys), or an admin's token from Settings > "
     "Users: the watcher call is refused (403) to other users"},
    support::timeout_key(scanhook::kTarget),
    support::verify_tls_key(scanhook::kTarget),
    support::ca_file_key(scanhook::kTarget),
    support::kLibraryRefreshKey,
};

constexpr scanhook::ConfigRange kConfigRanges[] = {support::kTimeoutRange};

support::LookupRequest watcher_update(const support::Library& library,
                                      const std::string& server_path,
                                      const scanhook::ScanFolder& folder) {
  return {abs::kWatcherUpdate, abs::watcher_update_body(library.key, server_path, folder.kind)};
}

std::unique_ptr<scanhook::Instance> make(const scanhook::CreateArgs& args) {
  return std::make_unique<support::LookupTarget>(
      support::make_server_api(abs::kProduct, args, abs::auth_headers),
      support::LookupRoutes{abs::kPing, abs::kLibraries, abs::parse_libraries, watcher_update},
      support::MatchRules{abs::kProduct}, args.config->duration("library_refresh"), kMaxBatch);
}

}  // namespace

SCANHOOK_PLUGIN_CHECKED("audiobookshelf", "1.0.0",
                        "Tells Audiobookshelf which folders changed (its watcher-update call)",
                        scanhook::kTarget, kConfigKeys, kConfigRanges, support::check_server_api,
                        make)
