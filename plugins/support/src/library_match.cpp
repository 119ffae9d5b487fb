#include "scanhook/support/library_match.hpp"

#include <cctype>

#include "scanhook/support/host_path.hpp"

namespace scanhook::support {

namespace {

bool is_separator(char c) {
  return c == '/' || c == '\\';
}

// "/tv/" and "/tv" are the same location; "/" stays "/".
std::string without_trailing_separators(const std::string& path) {
  std::string trimmed = path;
  while (trimmed.size() > 1 && is_separator(trimmed.back())) trimmed.pop_back();
  return trimmed;
}

// Windows compares paths without regard to case, and either separator works there.
bool same_char(char a, char b, bool windows) {
  if (!windows) return a == b;
  if (is_separator(a) && is_separator(b)) return true;
  return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
}

bool same_prefix(const std::string& text, const std::string& prefix, bool windows) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (!same_char(text[i], prefix[i], windows)) return false;
  return true;
}

bool same_path(const std::string& a, const std::string& b) {
  const std::string x = without_trailing_separators(a);
  const std::string y = without_trailing_separators(b);
  return x.size() == y.size() && same_prefix(x, y, is_windows_path(b));
}

std::string describe_all(const std::vector<Library>& libraries) {
  if (libraries.empty()) return "it has no libraries";
  std::string text = "libraries: ";
  for (std::size_t i = 0; i < libraries.size(); ++i) {
    if (i > 0) text += "; ";
    text += libraries[i].title + " (";
    for (std::size_t j = 0; j < libraries[i].locations.size(); ++j)
      text += (j > 0 ? ", " : "") + libraries[i].locations[j];
    text += ")";
  }
  return text;
}

}  // namespace

bool path_within(const std::string& path, const std::string& location) {
  const std::string base = without_trailing_separators(location);
  const std::string candidate = without_trailing_separators(path);
  if (base.empty() || !same_prefix(candidate, base, is_windows_path(location))) return false;
  if (candidate.size() == base.size()) return true;
  return is_separator(base.back()) || is_separator(candidate[base.size()]);
}

std::string server_form(const std::string& path, const std::string& location) {
  const std::string base = without_trailing_separators(location);
  const char separator = is_windows_path(location) ? '\\' : '/';
  std::string rest = without_trailing_separators(path).substr(base.size());
  for (char& c : rest)
    if (is_separator(c)) c = separator;
  // "/" or "T:\" as a location already ends in its separator.
  if (!rest.empty() && is_separator(base.back()) && is_separator(rest.front())) rest.erase(0, 1);
  return base + rest;
}

LibraryMatch match_libraries(const std::string& folder, const std::vector<Library>& libraries,
                             const std::string& product) {
  LibraryMatch match;
  std::vector<const Library*> roots;
  for (const auto& library : libraries) {
    const std::string* owner = nullptr;
    bool root = false;
    for (const auto& location : library.locations) {
      if (!path_within(folder, location)) continue;
      if (same_path(folder, location))
        root = true;
      else if (!owner)
        owner = &location;
    }
    if (owner) {
      match.libraries.push_back(library);
      match.server_paths.push_back(server_form(folder, *owner));
    }
    if (!owner && root) roots.push_back(&library);
  }
  if (!match.libraries.empty()) return match;
  match.only_roots = !roots.empty();
  if (match.only_roots)
    match.verdict = Result::rejected(folder + " is the root of the " + product + " library \"" +
                                     roots.front()->title +
                                     "\": a partial scan there would rescan the whole library");
  else
    match.verdict = Result::rejected(folder + " is in no " + product + " library (" +
                                     describe_all(libraries) + ")");
  return match;
}

std::string library_titles(const std::vector<Library>& libraries) {
  std::string titles;
  for (const auto& library : libraries) titles += (titles.empty() ? "" : ", ") + library.title;
  return titles;
}

std::vector<MediaLibrary> media_libraries(const std::vector<Library>& libraries) {
  std::vector<MediaLibrary> described;
  for (const auto& library : libraries)
    described.push_back({library.key, library.title, library.locations});
  return described;
}

}  // namespace scanhook::support
