#include "plex_sources_command.hpp"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <chrono>
#include <iomanip>
#include <memory>
#include <ostream>
#include <sstream>
#include <thread>

#include "scanhook/log_escaped.hpp"
#include "scanhook/service.hpp"

namespace scanhook::plex_optout {

namespace {

constexpr const char* kUsage =
    "usage: scanhookd plex-sources [--service NAME] login | logout | status | list |\n"
    "                              set KEY VALUE | disable-all [--managed]\n";

Poco::JSON::Object::Ptr parse_object(const std::string& body) {
  try {
    return Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
  } catch (const std::exception&) {
    return new Poco::JSON::Object;
  }
}

std::string text(const Poco::JSON::Object::Ptr& object, const std::string& key) {
  return object->has(key) && !object->isNull(key) ? object->getValue<std::string>(key) : "";
}

// One in-process call of a route of the service.
class ServiceCaller {
 public:
  explicit ServiceCaller(Service& service) : service_(service) {}

  HttpReply call(const std::string& method, const std::string& path, const std::string& body = {}) {
    HttpRequest request;
    request.method = method;
    request.path = path;
    request.body = body;
    request.remote_address = "command line";
    if (!body.empty()) request.headers.emplace_back("Content-Type", "application/json");
    return service_.handle(request);
  }

 private:
  Service& service_;
};

// Prints a failed reply's error and returns the exit code for it.
int report_failure(const HttpReply& reply, std::ostream& err) {
  const auto body = parse_object(reply.body);
  const std::string error = text(body, "error");
  err << "plex-sources: " << (error.empty() ? "HTTP " + std::to_string(reply.status) : error)
      << "\n";
  if (body->has("signed_out")) err << "Sign in with: scanhookd plex-sources login\n";
  return 1;
}

void print_sources(const Poco::JSON::Object::Ptr& body, std::ostream& out) {
  const auto sources = body->getArray("sources");
  out << "Online Media Sources of " << log_escaped(text(body, "username")) << ":\n";
  for (std::size_t i = 0; sources && i < sources->size(); ++i) {
    const auto source = sources->getObject(static_cast<unsigned>(i));
    out << "  " << std::left << std::setw(17) << text(source, "state") << std::setw(28)
        << text(source, "key") << text(source, "title") << "\n";
  }
  if (const std::string note = text(body, "note"); !note.empty()) out << note << "\n";
}

int login(ServiceCaller& caller, std::ostream& out, std::ostream& err) {
  const HttpReply started = caller.call("POST", "auth/pin");
  if (started.status != 201) return report_failure(started, err);
  const auto pin = parse_object(started.body);
  const std::string id = text(pin, "id");
  out << "Open this link, sign in to Plex and approve the code " << text(pin, "code") << ":\n  "
      << text(pin, "auth_url") << "\nWaiting for approval (Ctrl-C to give up)...\n"
      << std::flush;
  while (true) {
    std::this_thread::sleep_for(std::chrono::seconds(1));
    const HttpReply polled = caller.call("GET", "auth/pin/" + id);
    if (polled.status != 200) return report_failure(polled, err);
    const auto state = parse_object(polled.body);
    const std::string word = text(state, "state");
    if (word == "approved") {
      out << "Signed in to plex.tv as " << log_escaped(text(state, "username")) << ".\n";
      return 0;
    }
    if (word != "pending") {
      err << "plex-sources: " << text(state, "message") << "\n";
      return 1;
    }
  }
}

// The [service.NAME] the command works on: the one named, else the only one.
std::string find_service(CommandHost& host, const std::string& name) {
  std::string found;
  std::string names;
  for (const auto& instance : host.instances(kService)) {
    names += (names.empty() ? "" : ", ") + instance;
    if (name.empty() || instance == name) {
      if (!found.empty() && name.empty()) {
        host.err() << "plex-sources: several plex_optout services (" << names
                   << "...): choose one with --service NAME\n";
        return {};
      }
      found = instance;
    }
  }
  if (found.empty()) {
    if (name.empty())
      host.err() << "plex-sources: the configuration has no [service.NAME] with plugin = "
                    "plex_optout; add one, e.g.\n  [service.plex_optout]\n";
    else
      host.err() << "plex-sources: no plex_optout service named \"" << name << "\""
                 << (names.empty() ? "" : " (there is: " + names + ")") << "\n";
  }
  return found;
}

// The words after "plex-sources": --service NAME and --managed anywhere, the action's words.
struct Arguments {
  std::vector<std::string> words;
  std::string service;
  bool managed = false;
  bool valid = true;
};

Arguments read_arguments(const std::vector<std::string>& typed) {
  Arguments arguments;
  for (std::size_t i = 0; i < typed.size(); ++i) {
    const std::string& word = typed[i];
    if (word == "--managed") {
      arguments.managed = true;
    } else if (word == "--service" && i + 1 < typed.size()) {
      arguments.service = typed[++i];
    } else if (word.rfind("--service=", 0) == 0) {
      arguments.service = word.substr(10);
    } else if (!word.empty() && word[0] == '-') {
      arguments.valid = false;
    } else {
      arguments.words.push_back(word);
    }
  }
  return arguments;
}

}  // namespace

int run_plex_sources(const std::vector<std::string>& typed, CommandHost& host) {
  std::ostream& out = host.out();
  std::ostream& err = host.err();
  const Arguments options = read_arguments(typed);
  const auto& words = options.words;
  const std::string action = words.empty() ? "" : words[0];
  const std::size_t expected = action == "set" ? 3 : 1;
  if (!options.valid || action.empty() || words.size() != expected ||
      (action != "login" && action != "logout" && action != "status" && action != "list" &&
       action != "set" && action != "disable-all")) {
    err << kUsage;
    return 64;
  }
  const std::string service = find_service(host, options.service);
  if (service.empty()) return 78;
  const OpenedInstance opened = host.open(kService, service);
  if (!opened.instance) {
    err << "plex-sources: " << opened.error << "\n";
    return opened.exit_code;
  }
  ServiceCaller caller(*std::static_pointer_cast<Service>(opened.instance));

  if (action == "login") return login(caller, out, err);
  if (action == "logout") {
    const HttpReply reply = caller.call("DELETE", "auth");
    if (reply.status != 200) return report_failure(reply, err);
    out << "Signed out: the Plex token is forgotten.\n";
    return 0;
  }
  if (action == "status") {
    const HttpReply reply = caller.call("GET", "auth");
    if (reply.status != 200) return report_failure(reply, err);
    const auto body = parse_object(reply.body);
    out << (body->optValue<bool>("signed_in", false)
                ? "Signed in to plex.tv as " + log_escaped(text(body, "username")) + ".\n"
                : "Not signed in: scanhookd plex-sources login\n");
    return 0;
  }
  if (action == "list") {
    const HttpReply reply = caller.call("GET", "sources");
    if (reply.status != 200) return report_failure(reply, err);
    print_sources(parse_object(reply.body), out);
    return 0;
  }
  if (action == "set") {
    Poco::JSON::Object body;
    body.set("value", words[2]);
    std::ostringstream json;
    body.stringify(json);
    const HttpReply reply = caller.call("PATCH", "sources/" + words[1], json.str());
    if (reply.status != 200) return report_failure(reply, err);
    const auto source = parse_object(reply.body);
    out << text(source, "title") << " (" << text(source, "key") << ") is now "
        << text(source, "state") << ".\n";
    return 0;
  }
  const HttpReply reply =
      caller.call("POST", "sources/disable-all", options.managed ? R"({"managed": true})" : "");
  const auto body = parse_object(reply.body);
  if (reply.status != 200 && reply.status != 207) return report_failure(reply, err);
  const auto results = body->getArray("results");
  for (std::size_t i = 0; results && i < results->size(); ++i) {
    const auto result = results->getObject(static_cast<unsigned>(i));
    out << "  " << std::left << std::setw(12) << text(result, "outcome") << std::setw(28)
        << text(result, "key") << text(result, "error") << "\n";
  }
  out << text(body, "message") << "\n";
  return reply.status == 200 ? 0 : 1;
}

}  // namespace scanhook::plex_optout
