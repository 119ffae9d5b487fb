// SDK 1.2, optional: a target that can say what it talks to — the server's
// product and version, whether it answers and takes our credentials, and its
// libraries — for `scanhookd doctor` and the web UI's targets view. A target
// offers it by deriving from DescribableBase as well and calling
// Host::offer_description(*this) in its constructor. The core never calls it
// on a plugin that did not offer it (a 1.0/1.1 plugin): such a target shows
// "version unknown".
#pragma once

#include <exception>
#include <string>
#include <vector>

#include "scanhook/result.hpp"

namespace scanhook {

// One library (Plex: section) as the server lists it.
struct MediaLibrary {
  std::string id;    // the server's own: Plex section key, Jellyfin/Emby ItemId or Id
  std::string name;  // as shown in the server's UI
  std::vector<std::string> folders;  // its locations, in the server's own form (T:\tv on Windows)
};

struct TargetDescription {
  // ok: the server answered and took the credentials; else why not, as
  // probe() would say (libraries are then empty).
  Result state;
  std::string product;  // "Plex Media Server", "Jellyfin", "Emby"
  // As the server reports it (Plex: /identity's version, Jellyfin and Emby:
  // /System/Info/Public's Version); "" when it did not say.
  std::string version;
  std::vector<MediaLibrary> libraries;
};

class Describable {
 public:
  // Asks the server now (not cached): may take up to the target's timeout.
  virtual TargetDescription describe() noexcept = 0;

 protected:
  ~Describable() = default;
};

// Plugins derive from this: exceptions stay inside the plugin.
class DescribableBase : public Describable {
 public:
  TargetDescription describe() noexcept final {
    try {
      return on_describe();
    } catch (const std::exception& error) {
      return {Result::unavailable(std::string("describe failed: ") + error.what()), {}, {}, {}};
    } catch (...) {
      return {Result::unavailable("describe failed"), {}, {}, {}};
    }
  }

 protected:
  ~DescribableBase() = default;
  virtual TargetDescription on_describe() = 0;
};

}  // namespace scanhook
