// The JSON body of a Sonarr/Radarr/Lidarr/Readarr webhook, read by dotted
// field names ("series.path") so each plugin only names the fields it needs.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Object.h>

namespace scanhook::support {

class ArrPayload {
 public:
  // The body as a JSON object, or nullopt with `error` saying what is wrong.
  static std::optional<ArrPayload> parse(const std::string& body, std::string& error);

  // A null object: every lookup finds nothing.
  explicit ArrPayload(Poco::JSON::Object::Ptr object) : object_(std::move(object)) {}

  bool has(const std::string& field) const { return !find(field).isEmpty(); }
  // A non-empty string, or nullopt.
  std::optional<std::string> text(const std::string& field) const;
  // A JSON boolean, or nullopt (deletedFiles is a bool in some events, a list in others).
  std::optional<bool> flag(const std::string& field) const;
  std::optional<ArrPayload> object(const std::string& field) const;
  // The elements of an array; an element that is not an object reads as a null object.
  std::optional<std::vector<ArrPayload>> objects(const std::string& field) const;

 private:
  Poco::Dynamic::Var find(const std::string& field) const;

  Poco::JSON::Object::Ptr object_;
};

}  // namespace scanhook::support
