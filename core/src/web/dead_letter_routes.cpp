#include "scanhook/core/web/dead_letter_routes.hpp"

#include "scanhook/config_value.hpp"

namespace scanhook::core {

void add_dead_letter_delete_route(Router& router, DeadLetterStore& letters,
                                  std::function<void()> deleted) {
  router.add(
      "DELETE", "/api/deadletters/{id}", Access::user,
      [&letters, deleted = std::move(deleted)](const HttpRequest&, const RouteParams& params) {
        const std::string& text = params.at("id");
        const auto id = parse_integer(text);
        if (!id || *id <= 0)
          return json_error(400,
                            "a dead letter id is a positive whole number, not \"" + text + "\"");
        if (!letters.remove(*id)) return json_error(404, "no dead letter " + text);
        if (deleted) deleted();
        return HttpReply{200, "application/json", "{\"deleted\":" + std::to_string(*id) + "}", {}};
      });
}

}  // namespace scanhook::core
