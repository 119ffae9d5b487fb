#include "scanhook/core/web/service_routes.hpp"

namespace scanhook::core {

void add_service_routes(Router& router,
                        const std::map<std::string, std::shared_ptr<Service>>& services) {
  for (const auto& [name, service] : services)
    for (const char* method : {"GET", "POST", "PUT", "PATCH", "DELETE"})
      router.add(method, "/api/" + name + "/*", Access::user,
                 [service = service](const HttpRequest& request, const RouteParams& params) {
                   HttpRequest relative = request;
                   relative.path = params.count("*") ? params.at("*") : "";
                   return service->handle(relative);
                 });
}

}  // namespace scanhook::core
