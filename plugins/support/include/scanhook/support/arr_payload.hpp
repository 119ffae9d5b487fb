// The JSON body of a Sonarr/Radarr/Lidarr/Readarr webhook, read by dotted
// field names ("series.path") so each plugin only names the fields it needs.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "scanhook/expected.hpp"
#include "scanhook/support/json_tree.hpp"

namespace scanhook::support {

class ArrPayload {
 public:
  // The body as a JSON object, or an Error saying what is wrong, for a 400.
  static Expected<ArrPayload> parse(const std::string& body);

  bool has(const std::string& field) const { return find(field) != JsonTree::kNone; }
  // A non-empty string, or nullopt.
  std::optional<std::string> text(const std::string& field) const;
  // A JSON boolean, or nullopt (deletedFiles is a bool in some events, a list in others).
  std::optional<bool> flag(const std::string& field) const;
  std::optional<ArrPayload> object(const std::string& field) const;
  // The elements of an array; an element that is not an object reads as a null object.
  std::optional<std::vector<ArrPayload>> objects(const std::string& field) const;

 private:
  // `node` is an object of `tree`, or JsonTree::kNone: a null object, where
  // every lookup finds nothing.
  ArrPayload(std::shared_ptr<const JsonTree> tree, std::uint32_t node)
      : tree_(std::move(tree)), node_(node) {}
  // The node at a dotted path; kNone when absent or JSON null.
  std::uint32_t find(const std::string& field) const;

  std::shared_ptr<const JsonTree> tree_;
  std::uint32_t node_;
};

}  // namespace scanhook::support
