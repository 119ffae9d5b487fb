#include "scanhook/core/http/api_reply.hpp"

#include "scanhook/config_value.hpp"

namespace scanhook::core {

Expected<Page> page_of(const HttpRequest& request) {
  Page page;
  if (const auto limit = request.query_param("limit")) {
    const auto value = parse_integer(*limit);
    if (!value || *value < 1 || *value > 1000)
      return failure("limit must be a whole number from 1 to 1000, not \"" + *limit + "\"");
    page.limit = static_cast<std::size_t>(*value);
  }
  if (const auto offset = request.query_param("offset")) {
    const auto value = parse_integer(*offset);
    if (!value || *value < 0)
      return failure("offset must be a whole number from 0, not \"" + *offset + "\"");
    page.offset = static_cast<std::size_t>(*value);
  }
  return page;
}

}  // namespace scanhook::core
