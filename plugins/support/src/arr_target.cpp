#include "scanhook/support/arr_target.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <stdexcept>

#include "scanhook/config_view.hpp"
#include "scanhook/support/lookup_target.hpp"
#include "scanhook/support/server_api.hpp"
#include "scanhook/support/server_config_keys.hpp"

namespace scanhook::support {

namespace {

// Sonarr's and Radarr's series/movie pages are paged in the UI only: the API
// list is whole. A batch sends one command per item, one after another.
constexpr std::size_t kMaxBatch = 50;

HeaderList arr_auth_headers(const std::string& token) {
  return {{"X-Api-Key", token}};
}

}  // namespace

const ConfigKey kArrTargetKeys[kArrTargetKeyCount] = {
    {"url", ConfigType::url, nullptr, kTarget, true,
     "the app's address as you open it in a browser, e.g. http://127.0.0.1:8989 (with its URL "
     "Base if it has one: http://host:8989/sonarr)"},
    {"token", ConfigType::secret, nullptr, kTarget, true,
     "the app's API key (Settings > General > Security > API Key)"},
    timeout_key(kTarget),
    verify_tls_key(kTarget),
    ca_file_key(kTarget),
    kLibraryRefreshKey,
};

const ConfigRange kArrTargetRanges[1] = {kTimeoutRange};

void check_arr_target(const CheckArgs& args) {
  if (args.kind == kTarget) check_server_api(args);
}

std::vector<Library> parse_arr_items(const std::string& body) {
  const auto parsed = Poco::JSON::Parser().parse(body);
  if (parsed.type() != typeid(Poco::JSON::Array::Ptr))
    throw std::runtime_error("expected a JSON array of items");
  const auto items = parsed.extract<Poco::JSON::Array::Ptr>();
  std::vector<Library> listed;
  for (std::size_t i = 0; i < items->size(); ++i) {
    const auto item = items->getObject(static_cast<unsigned>(i));
    if (!item || !item->has("id") || !item->get("id").isInteger() || !item->has("path"))
      throw std::runtime_error("an item has no integer id or no path");
    Library entry;
    entry.key = item->get("id").convert<std::string>();
    entry.title = item->optValue<std::string>("title", entry.key);
    entry.locations.push_back(item->getValue<std::string>("path"));
    listed.push_back(std::move(entry));
  }
  return listed;
}

std::string arr_rescan_body(const ArrApp& app, const std::string& item_id) {
  return std::string("{\"name\":\"") + app.command + "\",\"" + app.id_field + "\":" + item_id + "}";
}

std::unique_ptr<Instance> make_arr_target(const ArrApp& app, const CreateArgs& args) {
  auto request_for = [app](const Library& item, const std::string&, const ScanFolder&) {
    return LookupRequest{"/api/v3/command", arr_rescan_body(app, item.key)};
  };
  return std::make_unique<LookupTarget>(make_server_api(app.product, args, arr_auth_headers),
                                        LookupRoutes{"", app.listing, parse_arr_items, request_for},
                                        MatchRules{app.product, app.noun, true, false},
                                        args.config->duration("library_refresh"), kMaxBatch);
}

}  // namespace scanhook::support
