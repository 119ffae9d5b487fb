#include "scanhook/core/web/query_parameters.hpp"

#include <algorithm>

#include "scanhook/core/config/suggestion.hpp"
#include "scanhook/core/text/utf8_text.hpp"

namespace scanhook::core {

Expected<void> known_parameters(const HttpRequest& request, const std::vector<std::string>& known,
                                const std::string& route_takes) {
  for (const auto& [name, value] : request.query)
    if (std::find(known.begin(), known.end(), name) == known.end())
      return failure("unknown parameter \"" + utf8_text(name).substr(0, 100) + "\"" +
                     did_you_mean(name, known) + "; " + route_takes);
  return {};
}

}  // namespace scanhook::core
