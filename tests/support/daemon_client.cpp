#include "support/daemon_client.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <stdexcept>

namespace scanhook::testing {

namespace {

Poco::JSON::Object::Ptr json_object(const support::HttpResponse& response,
                                    const std::string& request) {
  if (response.status != 200)
    throw std::runtime_error(request + " answered " + std::to_string(response.status) + " " +
                             response.transport_error + response.body);
  return Poco::JSON::Parser().parse(response.body).extract<Poco::JSON::Object::Ptr>();
}

}  // namespace

DaemonClient::DaemonClient(const std::string& url) : client_(url, {}) {}

support::HttpResponse DaemonClient::post(const std::string& target, const std::string& body,
                                         const std::string& content_type) const {
  return client_.send("POST", target, {}, body, content_type);
}

Poco::JSON::Object::Ptr DaemonClient::get_json(const std::string& target) const {
  return json_object(client_.send("GET", target), "GET " + target);
}

Poco::JSON::Object::Ptr DaemonClient::post_json(const std::string& target,
                                                const std::string& body) const {
  return json_object(post(target, body, "application/json"), "POST " + target);
}

Poco::JSON::Object::Ptr DaemonClient::target_state(const std::string& name) const {
  const auto targets = get_json("/api/targets")->getArray("targets");
  for (std::size_t i = 0; i < targets->size(); ++i) {
    auto target = targets->getObject(static_cast<unsigned>(i));
    if (target->getValue<std::string>("name") == name) return target;
  }
  throw std::runtime_error("/api/targets has no target " + name);
}

int DaemonClient::queued_folders() const {
  return get_json("/api/queue")->getValue<int>("total");
}

}  // namespace scanhook::testing
