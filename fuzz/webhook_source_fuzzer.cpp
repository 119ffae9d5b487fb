// One webhook source plugin's request handling (built once per plugin, its
// sources linked in: the descriptor is this program's scanhook_plugin_v1).
// The input is the request body; its Content-Type follows its first bytes as
// the products send them: "--boundary" a multipart form (Plex, Emby), '{' or
// '[' JSON, anything else a URL-encoded form. Servers the plugin would ask
// (Plex, Jellyfin) are a closed loopback port, so a lookup fails at once.
// Finding: a crash or sanitizer report, or an exception escaping the plugin
// (the SDK turns it into a 500 "internal error": bad input must get a 4xx).
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <string>

#include "multipart_type.hpp"
#include "null_host.hpp"
#include "scanhook/abi.hpp"
#include "scanhook/config_key.hpp"
#include "scanhook/config_view.hpp"
#include "scanhook/webhook_source.hpp"

extern "C" const scanhook::Descriptor scanhook_plugin_v1;

namespace {

// The plugin's declared keys with their defaults; required ones without a
// default get a value of their type.
scanhook::ConfigView fuzz_config(const scanhook::Descriptor& plugin) {
  std::map<std::string, std::string> values;
  for (std::uint32_t i = 0; i < plugin.config_key_count; ++i) {
    const scanhook::ConfigKey& key = plugin.config_keys[i];
    if ((key.applies_to & scanhook::kWebhookSource) == 0) continue;
    if (key.default_value != nullptr) {
      values[key.name] = key.default_value;
    } else if (key.type == scanhook::ConfigType::url) {
      values[key.name] = "http://127.0.0.1:1";  // nothing listens on port 1
    } else if (key.type == scanhook::ConfigType::secret) {
      values[key.name] = "fuzz-token";
    }
  }
  values["timeout"] = "1s";
  return scanhook::ConfigView(values);
}

scanhook::WebhookSource& source() {
  static scanhook::fuzz::NullHost host;
  static const std::unique_ptr<scanhook::Instance, void (*)(scanhook::Instance*) noexcept>
      instance = [] {
        const scanhook::ConfigView config = fuzz_config(scanhook_plugin_v1);
        const scanhook::CreateArgs args{scanhook::kWebhookSource, "fuzz", &config, &host};
        scanhook::CreateResult result{};
        scanhook_plugin_v1.create(&args, &result);
        if (result.instance == nullptr) {
          std::fprintf(stderr, "cannot create %s: %s\n", scanhook_plugin_v1.name, result.error);
          std::abort();
        }
        return std::unique_ptr<scanhook::Instance, void (*)(scanhook::Instance*) noexcept>(
            result.instance, scanhook_plugin_v1.destroy);
      }();
  return dynamic_cast<scanhook::WebhookSource&>(*instance);
}

std::string content_type_of(const std::string& body) {
  if (auto multipart = scanhook::fuzz::multipart_type_of(body)) return *multipart;
  const auto first = body.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && (body[first] == '{' || body[first] == '['))
    return "application/json";
  return "application/x-www-form-urlencoded";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  scanhook::HttpRequest request;
  request.method = "POST";
  request.path = "/triggers/fuzz";
  request.body.assign(reinterpret_cast<const char*>(data), size);
  request.headers = {{"Content-Type", content_type_of(request.body)},
                     {"User-Agent", "scanhook-fuzz/1.0"}};
  request.remote_address = "127.0.0.1";
  const scanhook::WebhookOutcome outcome = source().handle(request);
  if (outcome.status == 500 && outcome.message.rfind("internal error", 0) == 0) {
    std::fprintf(stderr, "%s: an exception escaped on_request: %s\n", scanhook_plugin_v1.name,
                 outcome.message.c_str());
    std::abort();
  }
  return 0;
}
