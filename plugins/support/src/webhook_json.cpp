#include "scanhook/support/webhook_json.hpp"

#include <Poco/Exception.h>
#include <Poco/JSON/Parser.h>

#include <optional>
#include <stdexcept>

#include "scanhook/support/form_field.hpp"

namespace scanhook::support {

WebhookJson read_webhook_json(const HttpRequest& request, const std::string& form_field_name,
                              const std::string& product) {
  std::string json = request.body;
  if (is_form(request.content_type())) {
    std::optional<std::string> field;
    try {
      field = form_field(request.body, request.content_type(), form_field_name);
    } catch (const std::runtime_error& error) {
      return {nullptr, error.what()};
    }
    if (!field)
      return {nullptr,
              "the form has no field \"" + form_field_name + "\" with " + product + "'s JSON"};
    json = *field;
  }
  try {
    const auto parsed = Poco::JSON::Parser().parse(json);
    if (parsed.type() == typeid(Poco::JSON::Object::Ptr))
      return {parsed.extract<Poco::JSON::Object::Ptr>(), {}};
  } catch (const Poco::Exception&) {
  }
  return {nullptr, "the body is not " + product + "'s JSON object"};
}

}  // namespace scanhook::support
