#include "fakes/fake_plex.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <sstream>
#include <stdexcept>

#include "fakes/wire_format.hpp"

namespace scanhook::fakes {

namespace {

// Plex answers JSON without a charset.
constexpr const char* kPlexJson = "application/json";
constexpr const char* kXml = "text/xml;charset=utf-8";
constexpr const char* kVersion = "1.41.3.9314-a0bfb8370";

std::string xml_document(const std::string& content) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + content;
}

HttpReply unauthorized() {
  return {
      401,
      "text/html",
      "<html><head><title>Unauthorized</title></head><body><h1>401 Unauthorized</h1></body></html>",
      {}};
}

HttpReply not_found() {
  return {404,
          "text/html",
          "<html><head><title>Not Found</title></head><body><h1>404 Not Found</h1></body></html>",
          {}};
}

std::string agent_of(const std::string& type) {
  if (type == "show") return "tv.plex.agents.series";
  if (type == "artist") return "tv.plex.agents.music";
  return "tv.plex.agents.movie";
}

}  // namespace

FakePlex::FakePlex(std::string token)
    : FakeHttpServer([this](const RecordedRequest& request) { return handle(request); }),
      token_(std::move(token)) {}

// Stop serving before the members the handler reads go away.
FakePlex::~FakePlex() {
  set_down(true);
}

void FakePlex::set_token(std::string token) {
  std::lock_guard lock(mutex_);
  token_ = std::move(token);
}

void FakePlex::set_sections(std::vector<FakeLibrary> sections) {
  std::lock_guard lock(mutex_);
  sections_ = std::move(sections);
}

void FakePlex::add_item(FakePlexItem item) {
  const std::string& type = item.type;
  const bool leaf = type == "movie" || type == "episode" || type == "track" || type == "clip";
  const bool folder = type == "show" || type == "artist";
  if (!leaf && !item.files.empty())
    throw std::invalid_argument("Plex lists no Media for a " + type);
  if (!folder && !item.locations.empty())
    throw std::invalid_argument("Plex lists no Location for a " + type);
  std::lock_guard lock(mutex_);
  items_[item.rating_key] = std::move(item);
}

void FakePlex::refuse_refreshes_of(std::string section) {
  std::lock_guard lock(mutex_);
  refused_section_ = std::move(section);
}

std::vector<PlexRefresh> FakePlex::refreshes() const {
  std::lock_guard lock(mutex_);
  return refreshes_;
}

std::vector<std::string> FakePlex::refreshed() const {
  std::vector<std::string> lines;
  for (const auto& refresh : refreshes())
    lines.push_back("section " + refresh.section + " " + refresh.path);
  return lines;
}

bool FakePlex::authorized(const RecordedRequest& request) const {
  std::lock_guard lock(mutex_);
  const auto token = request.header("X-Plex-Token");
  if (token) return *token == token_;
  return request.query_param("X-Plex-Token") == token_;
}

HttpReply FakePlex::handle(const RecordedRequest& request) {
  const std::string& path = request.path;
  const bool json = wants_json(request);
  if (path == "/identity" && request.method == "GET") {
    if (json) {
      Poco::JSON::Object container(Poco::JSON_PRESERVE_KEY_ORDER);
      container.set("size", 0);
      container.set("claimed", true);
      container.set("machineIdentifier", kMachineIdentifier);
      container.set("version", kVersion);
      Poco::JSON::Object root;
      root.set("MediaContainer", container);
      return {200, kPlexJson, to_json(root), {}};
    }
    return {200,
            kXml,
            xml_document("<MediaContainer size=\"0\" claimed=\"1\" machineIdentifier=\"" +
                         std::string(kMachineIdentifier) + "\" version=\"" + kVersion +
                         "\">\n</MediaContainer>\n"),
            {}};
  }
  const std::string sections = "/library/sections";
  const std::string metadata = "/library/metadata/";
  const bool protected_route =
      path == sections || path.rfind(sections + "/", 0) == 0 || path.rfind(metadata, 0) == 0;
  if (!protected_route) return not_found();
  if (!authorized(request)) return unauthorized();
  if (path == sections && request.method == "GET") return sections_reply(json);
  if (path.rfind(sections + "/", 0) == 0) {
    const std::string rest = path.substr(sections.size() + 1);
    const auto slash = rest.find('/');
    if (slash != std::string::npos && rest.substr(slash) == "/refresh")
      return refresh(request, rest.substr(0, slash));
    return not_found();
  }
  if (request.method != "GET") return not_found();
  const std::string key = path.substr(metadata.size());
  const std::string children = "/children";
  if (key.size() > children.size() &&
      key.compare(key.size() - children.size(), children.size(), children) == 0)
    return children_reply(key.substr(0, key.size() - children.size()), json);
  return metadata_reply(key, json);
}

HttpReply FakePlex::sections_reply(bool json) const {
  std::lock_guard lock(mutex_);
  if (json) {
    Poco::JSON::Array directories;
    for (const auto& section : sections_) {
      Poco::JSON::Object directory(Poco::JSON_PRESERVE_KEY_ORDER);
      directory.set("allowSync", true);
      directory.set("art", "/:/resources/" + section.type + "-fanart.jpg");
      directory.set("composite", "/library/sections/" + section.key + "/composite/1710446870");
      directory.set("filters", true);
      directory.set("refreshing", false);
      directory.set("thumb", "/:/resources/" + section.type + ".png");
      directory.set("key", section.key);  // a string, even though it looks like a number
      directory.set("type", section.type);
      directory.set("title", section.title);
      directory.set("agent", agent_of(section.type));
      directory.set("scanner", section.type == "show" ? "Plex TV Series" : "Plex Movie");
      directory.set("language", "en-US");
      directory.set("uuid", "c5a7e1f0-0d3b-4a9e-9c1e-" + std::string(12 - section.key.size(), '0') +
                                section.key);
      directory.set("updatedAt", 1710446870);
      directory.set("createdAt", 1650000000);
      directory.set("scannedAt", 1710446870);
      directory.set("content", true);
      directory.set("directory", true);
      directory.set("contentChangedAt", 2418);
      directory.set("hidden", 0);
      Poco::JSON::Array locations;
      int id = 1;
      for (const auto& location : section.locations) {
        Poco::JSON::Object entry(Poco::JSON_PRESERVE_KEY_ORDER);
        entry.set("id", id++);
        entry.set("path", location);
        locations.add(entry);
      }
      directory.set("Location", locations);
      directories.add(directory);
    }
    Poco::JSON::Object container(Poco::JSON_PRESERVE_KEY_ORDER);
    container.set("size", static_cast<int>(sections_.size()));
    container.set("allowSync", false);
    container.set("title1", "Plex Library");
    container.set("Directory", directories);
    Poco::JSON::Object root;
    root.set("MediaContainer", container);
    return {200, kPlexJson, to_json(root), {}};
  }
  std::string xml = "<MediaContainer size=\"" + std::to_string(sections_.size()) +
                    "\" allowSync=\"0\" title1=\"Plex Library\">\n";
  for (const auto& section : sections_) {
    xml += "<Directory allowSync=\"1\" key=\"" + xml_escape(section.key) + "\" type=\"" +
           section.type + "\" title=\"" + xml_escape(section.title) + "\" agent=\"" +
           agent_of(section.type) + "\" language=\"en-US\" refreshing=\"0\" hidden=\"0\">\n";
    int id = 1;
    for (const auto& location : section.locations)
      xml += "<Location id=\"" + std::to_string(id++) + "\" path=\"" + xml_escape(location) +
             "\" />\n";
    xml += "</Directory>\n";
  }
  return {200, kXml, xml_document(xml + "</MediaContainer>\n"), {}};
}

HttpReply FakePlex::refresh(const RecordedRequest& request, const std::string& section) {
  // Plex 1.32.7+ answers 404 to PUT here.
  if (request.method != "GET" && request.method != "POST") return not_found();
  std::lock_guard lock(mutex_);
  bool known = false;
  for (const auto& candidate : sections_) known = known || candidate.key == section;
  if (!known || section == refused_section_) return not_found();
  refreshes_.push_back({section, request.query_param("path").value_or("")});
  return {200, "", "", {}};
}

HttpReply FakePlex::metadata_reply(const std::string& rating_key, bool json) const {
  std::lock_guard lock(mutex_);
  const auto it = items_.find(rating_key);
  if (it == items_.end()) return not_found();
  return items_reply({&it->second}, json);
}

HttpReply FakePlex::children_reply(const std::string& rating_key, bool json) const {
  std::lock_guard lock(mutex_);
  if (items_.count(rating_key) == 0) return not_found();
  std::vector<const FakePlexItem*> children;
  for (const auto& [key, item] : items_)
    if (item.parent == rating_key) children.push_back(&item);
  return items_reply(children, json);
}

// Called with mutex_ held.
HttpReply FakePlex::items_reply(const std::vector<const FakePlexItem*>& items, bool json) const {
  const auto is_audio = [](const FakePlexItem& item) { return item.type == "track"; };
  if (json) {
    Poco::JSON::Array list;
    for (const FakePlexItem* found : items) {
      const FakePlexItem& item = *found;
      Poco::JSON::Object entry(Poco::JSON_PRESERVE_KEY_ORDER);
      entry.set("ratingKey", item.rating_key);
      entry.set("key", "/library/metadata/" + item.rating_key +
                           (item.type == "show" || item.type == "season" || item.type == "artist" ||
                                    item.type == "album"
                                ? "/children"
                                : ""));
      if (!item.parent.empty()) entry.set("parentRatingKey", item.parent);
      entry.set("type", item.type);
      entry.set("title", item.title);
      entry.set("addedAt", 1710446860);
      entry.set("updatedAt", 1710446870);
      if (!item.files.empty()) {
        Poco::JSON::Array parts;
        int id = 9101;
        for (const auto& file : item.files) {
          Poco::JSON::Object part(Poco::JSON_PRESERVE_KEY_ORDER);
          part.set("id", id);
          part.set("key", "/library/parts/" + std::to_string(id++) + "/1710446860/file." +
                              (is_audio(item) ? "flac" : "mkv"));
          part.set("duration", 2628000);
          part.set("file", file);
          part.set("size", 1873206455);
          part.set("container", is_audio(item) ? "flac" : "mkv");
          parts.add(part);
        }
        Poco::JSON::Object media(Poco::JSON_PRESERVE_KEY_ORDER);
        media.set("id", 9001);
        media.set("duration", 2628000);
        if (is_audio(item)) {
          media.set("audioChannels", 2);
          media.set("audioCodec", "flac");
        } else {
          media.set("videoResolution", "1080");
        }
        media.set("container", is_audio(item) ? "flac" : "mkv");
        media.set("Part", parts);
        Poco::JSON::Array medias;
        medias.add(media);
        entry.set("Media", medias);
      }
      if (!item.locations.empty()) {
        Poco::JSON::Array locations;
        for (const auto& location : item.locations) {
          Poco::JSON::Object path;
          path.set("path", location);
          locations.add(path);
        }
        entry.set("Location", locations);
      }
      list.add(entry);
    }
    Poco::JSON::Object container(Poco::JSON_PRESERVE_KEY_ORDER);
    container.set("size", static_cast<int>(items.size()));
    container.set("allowSync", true);
    container.set("identifier", "com.plexapp.plugins.library");
    // Plex leaves out an empty Metadata array.
    if (list.size() > 0) container.set("Metadata", list);
    Poco::JSON::Object root;
    root.set("MediaContainer", container);
    return {200, kPlexJson, to_json(root), {}};
  }
  std::string xml = "<MediaContainer size=\"" + std::to_string(items.size()) +
                    "\" allowSync=\"1\" identifier=\"com.plexapp.plugins.library\">\n";
  for (const FakePlexItem* found : items) {
    const FakePlexItem& item = *found;
    const std::string tag = is_audio(item) ? "Track"
                            : item.type == "movie" || item.type == "episode" || item.type == "clip"
                                ? "Video"
                                : "Directory";
    xml += "<" + tag + " ratingKey=\"" + xml_escape(item.rating_key) + "\" type=\"" + item.type +
           "\" title=\"" + xml_escape(item.title) + "\">\n";
    if (!item.files.empty()) {
      xml += "<Media id=\"9001\" container=\"mkv\">\n";
      for (const auto& file : item.files)
        xml += "<Part file=\"" + xml_escape(file) + "\" container=\"mkv\" />\n";
      xml += "</Media>\n";
    }
    for (const auto& location : item.locations)
      xml += "<Location path=\"" + xml_escape(location) + "\" />\n";
    xml += "</" + tag + ">\n";
  }
  return {200, kXml, xml_document(xml + "</MediaContainer>\n"), {}};
}

}  // namespace scanhook::fakes
